import assert from "node:assert/strict";
import { symEig } from "./sym_eig.ts";

function randomSymmetric(n: number, seed: number): Float64Array {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rnd();
  return a;
}

Deno.test("symEig() reconstructs A = V Λ Vᵀ with orthonormal V, eigenvalues descending", () => {
  const n = 30;
  const a = randomSymmetric(n, 7);
  const { values, vectors: v } = symEig(a, n);
  for (let j = 1; j < n; j++) assert.ok(values[j - 1] >= values[j]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let r = 0, g = 0;
      for (let k = 0; k < n; k++) {
        r += v[i * n + k] * values[k] * v[j * n + k];
        g += v[k * n + i] * v[k * n + j];
      }
      assert.ok(Math.abs(r - a[i * n + j]) < 1e-10, `A[${i},${j}]`);
      assert.ok(Math.abs(g - (i === j ? 1 : 0)) < 1e-10, `VᵀV[${i},${j}]`);
    }
  }
});

Deno.test("symEig() gives the trace and the known spectrum of a diagonal-plus-rank-one matrix", () => {
  // diag(1, 2, 3) + 0: eigenvalues 3, 2, 1 exactly.
  const { values } = symEig(new Float64Array([1, 0, 0, 0, 2, 0, 0, 0, 3]), 3);
  assert.deepEqual(Array.from(values), [3, 2, 1]);
  const a = randomSymmetric(12, 3);
  let trace = 0;
  for (let i = 0; i < 12; i++) trace += a[i * 12 + i];
  const sum = symEig(a, 12).values.reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(sum - trace) < 1e-12);
});
