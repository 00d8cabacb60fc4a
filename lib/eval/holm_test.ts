import assert from "node:assert/strict";
import { holm } from "./holm.ts";

const round = (xs: number[]) => xs.map((x) => Math.round(x * 1e10) / 1e10);

Deno.test("holm() steps down from the smallest p-value and keeps the adjusted values monotone", () => {
  // sorted .005, .01, .03, .04 (m = 4): 4·.005 = .02, 3·.01 = .03, 2·.03 = .06, max(.06, 1·.04) = .06
  assert.deepEqual(round(holm([0.01, 0.04, 0.03, 0.005])), [0.03, 0.06, 0.06, 0.02]);
});

Deno.test("holm() caps at 1, skips NaN and leaves a single test as it is", () => {
  assert.deepEqual(holm([0.6, 0.5]), [1, 1]);
  assert.deepEqual(round(holm([NaN, 0.02, 0.3])), [NaN, 0.04, 0.3]);
  assert.deepEqual(holm([0.07]), [0.07]);
  assert.deepEqual(holm([]), []);
});

Deno.test("holm() lies between the raw p-values and Bonferroni's", () => {
  const ps = [0.001, 0.2, 0.013, 0.04, 0.5, 0.0101];
  const adj = holm(ps);
  ps.forEach((p, i) => {
    assert.ok(adj[i] >= p);
    assert.ok(adj[i] <= Math.min(1, p * ps.length) + 1e-15);
  });
});

Deno.test("holm() rejects p-values outside [0, 1]", () => {
  assert.throws(() => holm([0.1, 1.2]), /p-value 1.2 at index 1/);
});
