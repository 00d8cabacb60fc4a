import assert from "node:assert/strict";
import { deepMerge } from "./deep_merge.ts";

Deno.test("deepMerge merges nested objects and replaces everything else", () => {
  const a = { m: { x: 1, y: { z: 2, w: 3 } }, list: [1, 2], s: "a", n: null as unknown };
  const b = { m: { y: { z: 9 } }, list: [3], s: { now: "object" }, n: { k: 1 } };
  assert.deepEqual(deepMerge(a, b), {
    m: { x: 1, y: { z: 9, w: 3 } },
    list: [3],
    s: { now: "object" },
    n: { k: 1 },
  });
});

Deno.test("deepMerge replaces an object by an array or null, and leaves its inputs alone", () => {
  const a = { m: { x: 1 }, k: { y: 2 } };
  const b = { m: [1], k: null };
  const before = structuredClone(a);
  assert.deepEqual(deepMerge(a, b), { m: [1], k: null });
  assert.deepEqual(a, before);
  assert.deepEqual(b, { m: [1], k: null });
});

Deno.test("deepMerge merges an empty patch to an equal copy", () => {
  const a = { m: { x: 1 } };
  const out = deepMerge(a, {});
  assert.deepEqual(out, a);
  assert.notEqual(out, a);
});
