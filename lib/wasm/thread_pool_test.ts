import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { runWithEnv } from "../util/testing.ts";
import { WasmModule } from "./assembler.ts";
import { threadCount, WasmThreadPool } from "./thread_pool.ts";

// count(out, spin, chunk, thread): out[chunk] += 1 after `spin` idle iterations; out[1000 + chunk] = thread.
// trap(at, chunk, thread): an unreachable trap for chunk 3.
const bytes = new WasmModule({ min: 1, max: 65536, shared: true })
  .func("count", {
    params: [["$out", "i32"], ["$spin", "i32"], ["$chunk", "i32"], ["$thread", "i32"]],
    locals: [["$i", "i32"]],
    body: `
      block $d loop $l local.get $i local.get $spin i32.ge_u br_if $d
        local.get $i i32.const 1 i32.add local.set $i br $l end end
      local.get $out local.get $chunk i32.const 4 i32.mul i32.add
      local.get $out local.get $chunk i32.const 4 i32.mul i32.add i32.load i32.const 1 i32.add
      i32.store
      local.get $out local.get $chunk i32.const 4 i32.mul i32.add local.get $thread
      i32.store offset=4000`,
  })
  .func("trap", {
    params: [["$chunk", "i32"], ["$thread", "i32"]],
    body: "local.get $chunk i32.const 3 i32.eq if unreachable end",
  })
  .bytes();
const pool = await WasmThreadPool.create(bytes, { threads: 2 });

// 20,000 jobs whose chunk counts rise and fall: a worker that read the last
// job's exhausted claim word and then this job's larger chunk count once ran a
// chunk twice (7 of 8 runs of this test failed before the fix).
Deno.test("WasmThreadPool.run() runs every chunk exactly once, job after job", () => {
  assert.equal(pool.threads, 2);
  const at = pool.alloc(8000);
  const out = pool.i32(at, 2000);
  const seen = new Set<number>();
  for (let job = 0; job < 20000; job++) {
    const chunks = 1 + (job % 37);
    pool.run("count", [at, job % 3 === 0 ? 20000 : 0], chunks);
    for (let c = 0; c < 1000; c++) {
      assert.equal(out[c], c < chunks ? 1 : 0, `job ${job} chunk ${c}`);
    }
    for (let c = 0; c < chunks; c++) seen.add(out[1000 + c]);
    out.fill(0);
  }
  pool.run("count", [at, 0], 50, { threads: 1 });
  assert.ok(out.subarray(1000, 1050).every((t) => t === 0), "threads: 1 runs on the caller");
  assert.ok([...seen].every((t) => t === 0 || t === 1));
  pool.free(at);
});

Deno.test("WasmThreadPool.run() reports a trap and stays usable", () => {
  assert.throws(() => pool.run("trap", [], 8), /unreachable|failed in a worker/);
  pool.run("trap", [], 3);
  assert.throws(() => pool.run("nope", [], 1), /no function "nope"/);
});

Deno.test("WasmThreadPool.alloc() reuses freed space and growth keeps earlier views valid", () => {
  const a = pool.alloc(100), b = pool.alloc(100);
  assert.equal(a % 16, 0);
  assert.ok(b >= a + 112);
  const view = pool.f32(a, 4);
  view[0] = 3;
  assert.ok(pool.owns(view));
  assert.ok(!pool.owns(new Float32Array(4)));
  pool.free(a);
  assert.equal(pool.alloc(50), a);
  const big = pool.alloc(8 << 20); // grows the memory
  view[1] = 4;
  assert.deepEqual([...pool.f32(a, 2)], [3, 4]);
  assert.ok(pool.owns(view));
  for (const p of [a, b, big]) pool.free(p);
  assert.throws(() => pool.free(b), /not allocated/);
});

Deno.test("threadCount() reads XLIR_THREADS and rejects bad counts", async () => {
  assert.equal(threadCount(1), 1);
  assert.throws(() => threadCount(0), InputError);
  // XLIR_THREADS in a child process: the environment is shared by the test modules beside this one.
  const code = `import { threadCount } from "${new URL("./thread_pool.ts", import.meta.url)}";
    let n; try { n = threadCount(); } catch (e) { n = e.constructor.name + ": " + e.message; }
    console.log(JSON.stringify([n, navigator.hardwareConcurrency]));`;
  assert.deepEqual(JSON.parse(await runWithEnv(code, { XLIR_THREADS: "3" }))[0], 3);
  const [two] = JSON.parse(await runWithEnv(code, { XLIR_THREADS: "two" }));
  assert.match(two, /^InputError: .*XLIR_THREADS \("two"\)/);
  const [unset, cores] = JSON.parse(await runWithEnv(code, { XLIR_THREADS: "" }));
  assert.equal(unset, cores);
});
