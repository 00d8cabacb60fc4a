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
