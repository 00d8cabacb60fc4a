import assert from "node:assert/strict";
import { cached, setCacheRoot } from "./cache.ts";

Deno.test("cached() produces once per inputs and leaves nothing behind on failure", async () => {
  setCacheRoot(await Deno.makeTempDir());
  let calls = 0;
  const code = [new URL("./cache.ts", import.meta.url)];
  const make = (dir: string) => {
    calls++;
    return Deno.writeTextFile(`${dir}/v`, "x");
  };
  const a = await cached("k", { a: 1, b: [2] }, make, code);
  const b = await cached("k", { b: [2], a: 1 }, make, code); // same inputs, other key order
  const c = await cached("k", { a: 2, b: [2] }, make, code);
  assert.equal(calls, 2);
  assert.equal(a.key, b.key);
  assert.notEqual(a.key, c.key);
  assert.equal(await Deno.readTextFile(`${a.dir}/v`), "x");
  await assert.rejects(() =>
    cached("k", { a: 3 }, () => {
      throw new Error("boom");
    }, code)
  );
  let reran = false;
  await cached("k", { a: 3 }, (dir) => {
    reran = true;
    return Deno.writeTextFile(`${dir}/v`, "y");
  }, code);
  assert.ok(reran);
});

Deno.test("cached(): producers of one entry racing (two processes) leave one intact entry", async () => {
  setCacheRoot(await Deno.makeTempDir());
  const code = [new URL("./cache.ts", import.meta.url)];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const produce = (who: string) => async (dir: string) => {
    await gate; // both are producing before either publishes
    await Deno.writeTextFile(`${dir}/x`, who);
  };
  const both = Promise.all([
    cached("race", { n: 1 }, produce("a"), code),
    cached("race", { n: 1 }, produce("b"), code),
  ]);
  release();
  const [a, b] = await both;
  assert.equal(a.dir, b.dir);
  assert.deepEqual([a.fresh, b.fresh].sort(), [false, true], "one published, one kept the other's");
  const winner = a.fresh ? "a" : "b";
  assert.equal(await Deno.readTextFile(`${a.dir}/x`), winner);
  const left = [];
  for await (const e of Deno.readDir(`${a.dir}/..`)) left.push(e.name);
  assert.deepEqual(left, [a.key], "no temporary folder is left");
});
