import assert from "node:assert/strict";
import { meanCi, pairedCompare } from "./significance.ts";
import { Rng } from "../sampling/rng.ts";

Deno.test("pairedCompare() finds no difference between identical systems", () => {
  const a = Array.from({ length: 200 }, (_, i) => (i * 37 % 101) / 101);
  const r = pairedCompare(a, a, { iterations: 500 });
  assert.equal(r.diff, 0);
  assert.equal(r.p, 1);
  assert.deepEqual(r.ci95, [0, 0]);
});

Deno.test("pairedCompare() is calibrated: under the null p < 0.05 about 5% of the time", () => {
  const rng = new Rng(3);
  let rejections = 0;
  const trials = 200;
  for (let t = 0; t < trials; t++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 60; i++) {
      const base = rng.float();
      a.push(base + rng.float() - 0.5);
      b.push(base + rng.float() - 0.5);
    }
    if (pairedCompare(a, b, { iterations: 199, seed: t }).p < 0.05) rejections++;
  }
  // Binomial(200, 0.05): mean 10, sd ≈ 3.1.
  assert.ok(rejections >= 1 && rejections <= 22, `rejections ${rejections}`);
});

Deno.test("pairedCompare() macro-averages over strata", () => {
  // Stratum 0: 1 query with diff 1; stratum 1: 3 queries with diff 0 → macro 0.5, micro 0.25.
  const r = pairedCompare([1, 0, 0, 0], [0, 0, 0, 0], { strata: [0, 1, 1, 1], iterations: 99 });
  assert.equal(r.diff, 0.5);
  assert.throws(() => pairedCompare([1], [1, 2]), RangeError);
});

Deno.test("meanCi() uses Student t and handles one value", () => {
  const r = meanCi([0.2, 0.4]);
  assert.ok(Math.abs(r.mean - 0.3) < 1e-12);
  assert.ok(Math.abs(r.halfWidth - 12.706 * Math.SQRT1_2 * 0.2 / Math.SQRT2) < 1e-9);
  assert.ok(Number.isNaN(meanCi([1]).halfWidth));
});
