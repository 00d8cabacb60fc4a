import assert from "node:assert/strict";
import { AssemblyError, hasRelaxedSimd, MNEMONICS, WasmModule } from "./assembler.ts";

function instantiate(mod: WasmModule, memory = new WebAssembly.Memory({ initial: 1 })) {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(mod.bytes()), {
    env: { memory },
  });
  return { exports: instance.exports as Record<string, (...a: number[]) => number>, memory };
}

Deno.test("WasmModule assembles loops with named labels, locals and calls", () => {
  const mod = new WasmModule({ min: 1 })
    .func("twice", {
      params: [["$x", "i32"]],
      results: ["i32"],
      body: "local.get $x i32.const 2 i32.mul",
    })
    .func("sum", {
      params: [["$p", "i32"], ["$n", "i32"]],
      results: ["i32"],
      locals: [["$i", "i32"], ["$s", "i32"]],
      body: `
        block $done loop $next            ;; s = Σ twice(p[i])
          local.get $i local.get $n i32.ge_u br_if $done
          local.get $s
          local.get $p local.get $i i32.const 4 i32.mul i32.add i32.load
          call $twice i32.add local.set $s
          local.get $i i32.const 1 i32.add local.set $i br $next
        end end
        local.get $s`,
    });
  const { exports, memory } = instantiate(mod);
  new Int32Array(memory.buffer).set([1, 2, 3, -4], 4);
  assert.equal(exports.sum(16, 4), 4);
  assert.equal(exports.twice(-21), -42);
});

Deno.test("WasmModule encodes constants, if/else with a result, and memory offsets", () => {
  const mod = new WasmModule({ min: 1 }).func("pick", {
    params: [["$c", "i32"]],
    results: ["f64"],
    body: "local.get $c if (result f64) f64.const -2.5 else i32.const 0 f64.load offset=8 end",
  }).func("big", { results: ["i32"], body: "i32.const -2147483648 i32.const 0x7fffffff i32.add" });
  const { exports, memory } = instantiate(mod);
  new Float64Array(memory.buffer)[1] = 0.125;
  assert.equal(exports.pick(1), -2.5);
  assert.equal(exports.pick(0), 0.125);
  assert.equal(exports.big(), -1);
});

Deno.test("WasmModule SIMD instructions compute what their names say", () => {
  const mod = new WasmModule({ min: 1 }).func("simd", {
    body: `
      i32.const 64 i32.const 0 v128.load i32.const 16 v128.load f32x4.mul v128.store
      i32.const 80 i32.const 0 v128.load32_splat offset=4 v128.store
      i32.const 96 i32.const 0 v128.load f64x2.promote_low_f32x4 v128.store
      i32.const 112 i32.const 96 v128.load f64x2.sqrt f32x4.demote_f64x2_zero v128.store64_lane 0
      i32.const 120 i32.const 0 v128.load i32.const 16 v128.load f32x4.lt i32x4.bitmask i32.store`,
  });
  const { exports, memory } = instantiate(mod);
  const f = new Float32Array(memory.buffer);
  f.set([1, 4, 9, 16], 0);
  f.set([2, 3, 10, 1], 4);
  exports.simd();
  assert.deepEqual([...f.subarray(16, 20)], [2, 12, 90, 16]);
  assert.deepEqual([...f.subarray(20, 24)], [4, 4, 4, 4]);
  assert.deepEqual([...new Float64Array(memory.buffer, 96, 2)], [1, 4]);
  assert.deepEqual([...f.subarray(28, 30)], [1, 2]);
  assert.equal(new Int32Array(memory.buffer)[30], 0b0101);
});

Deno.test("WasmModule imports a shared memory when asked", () => {
  const mod = new WasmModule({ min: 1, max: 4, shared: true })
    .func("get", { params: [["$p", "i32"]], results: ["i32"], body: "local.get $p i32.load" });
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  new Int32Array(memory.buffer)[2] = 7;
  assert.equal(instantiate(mod, memory).exports.get(8), 7);
});

Deno.test("WasmModule names the function and the problem for bad bodies", () => {
  const bad = (body: string) => () =>
    new WasmModule({ min: 1 }).func("f", { params: [["$a", "i32"]], body });
  assert.throws(
    bad("local.get $a i32.frobnicate drop"),
    (e) => e instanceof AssemblyError && /f: unknown instruction "i32.frobnicate"/.test(e.message),
  );
  assert.throws(bad("local.get $b drop"), /unknown local "\$b"/);
  assert.throws(bad("block $x br $y end"), /unknown label "\$y"/);
  assert.throws(bad("block loop end"), /1 block\(s\) not closed/);
  assert.throws(bad("end"), /`end` without an open block/);
  assert.throws(bad("call $g"), /unknown function "\$g"/);
  assert.throws(bad("i32.const"), /expected an i32, got the end of the body/);
});

Deno.test("the instruction table has no duplicate names and relaxed SIMD is detected", () => {
  assert.equal(new Set(MNEMONICS).size, MNEMONICS.length);
  assert.equal(typeof hasRelaxedSimd(), "boolean");
});

Deno.test("WasmModule encodes the integer SIMD used by the int16 first pass", () => {
  const mod = new WasmModule({ min: 1 }).func("q", {
    body: `
      ;; nearest, saturating truncation, narrowing to int16, int16 dot products, conversion
      i32.const 64 i32.const 0 v128.load f32x4.nearest i32x4.trunc_sat_f32x4_s
      i32.const 16 v128.load f32x4.nearest i32x4.trunc_sat_f32x4_s i16x8.narrow_i32x4_s v128.store
      i32.const 80 i32.const 64 v128.load i32.const 64 v128.load i32x4.dot_i16x8_s
      i32.const 1 i32x4.splat i32x4.add f32x4.convert_i32x4_s v128.store
      i32.const 96 f32.const 2.5 f32.nearest i32.trunc_sat_f32_s i32.store16
      i32.const 100 i32.const 7 i32x4.splat i32.const 2 i32x4.splat i32x4.sub i32x4.extract_lane 0 i32.store`,
  });
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { exports } = instantiate(mod, memory);
  new Float32Array(memory.buffer).set([1.5, -2.5, 3.2, 1e10, -7.7, 0.49, -0.5, 2.5], 0);
  exports.q();
  // nearest (ties to even), saturating to int32 then to int16
  assert.deepEqual([...new Int16Array(memory.buffer, 64, 8)], [2, -2, 3, 32767, -8, 0, 0, 2]);
  // pairwise products: 2·2 + (−2)·(−2) + 1, 3·3 + 32767² + 1, …
  assert.deepEqual([...new Float32Array(memory.buffer, 80, 4)], [
    9,
    Math.fround(9 + 32767 ** 2 + 1),
    65,
    5,
  ]);
  assert.equal(new Int16Array(memory.buffer, 96, 1)[0], 2);
  assert.equal(new Int32Array(memory.buffer, 100, 1)[0], 5);
});
