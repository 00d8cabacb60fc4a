import assert from "node:assert/strict";
import { normalCdf, studentTCdf, studentTQuantile } from "./normal.ts";

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

Deno.test("studentTCdf() and studentTQuantile() match the t table", () => {
  // two-sided 95% quantiles (t tables; also in significance.ts) and 80% one-sided ones
  const t975: [number, number][] = [[1, 12.706205], [2, 4.302653], [3, 3.182446], [5, 2.570582], [
    10,
    2.228139,
  ], [30, 2.042272]];
  for (const [df, q] of t975) {
    assert.ok(Math.abs(studentTCdf(q, df) - 0.975) < 1e-6, `df ${df}`);
    assert.ok(Math.abs(studentTQuantile(0.975, df) - q) < 1e-5, `df ${df}`);
  }
  assert.ok(Math.abs(studentTQuantile(0.8, 4) - 0.940965) < 1e-5);
  assert.ok(Math.abs(studentTCdf(-1.5, 7.5) + studentTCdf(1.5, 7.5) - 1) < 1e-12);
  assert.ok(Math.abs(studentTCdf(2.5, 1e9) - normalCdf(2.5)) < 1e-12);
  assert.throws(() => studentTCdf(1, 0), /degrees of freedom/);
});
