import assert from "node:assert/strict";
import { normalCdf } from "./normal.ts";

Deno.test("normalCdf() matches tabulated values of Φ", () => {
  // Abramowitz & Stegun, Table 26.1, and the usual quantiles
  const table: [number, number][] = [
    [0.5, 0.691462461274013],
    [1, 0.841344746068543],
    [1.644853627, 0.95],
    [2, 0.977249868051821],
    [3, 0.998650101968370],
    [-2.326347874, 0.01],
    [-4, 3.16712418331200e-5],
    [-6, 9.86587645037698e-10],
  ];
  for (const [x, p] of table) {
    assert.ok(Math.abs(normalCdf(x) / p - 1) < 2e-7, `Φ(${x}) = ${normalCdf(x)}`);
  }
  assert.equal(normalCdf(-Infinity), 0);
  assert.equal(normalCdf(Infinity), 1);
});

Deno.test("normalCdf() is symmetric: Φ(−x) = 1 − Φ(x)", () => {
  for (const x of [0.1, 0.7, 1.3, 2.9]) {
    assert.ok(Math.abs(normalCdf(-x) + normalCdf(x) - 1) < 1e-12);
  }
});
