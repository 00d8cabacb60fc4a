import assert from "node:assert/strict";
import { Rng } from "../sampling/rng.ts";
import { orthonormalColumns, randomizedSvd } from "./randomized_svd.ts";
import { csrFromRows } from "./sparse.ts";
import { symEig } from "./sym_eig.ts";

/** A random sparse rows × cols matrix with about `density` non-zeros. */
function randomSparse(rows: number, cols: number, density: number, seed: number) {
  const rng = new Rng(seed);
  const entries = Array.from({ length: rows }, () => {
    const m = new Map<number, number>();
    for (let c = 0; c < cols; c++) if (rng.float() < density) m.set(c, rng.float() * 3);
    return m;
  });
  return { a: csrFromRows(rows, cols, entries), entries };
}

Deno.test("randomizedSvd() with a full sketch equals the exact eigen-solution of A Aᵀ", () => {
  const rows = 40, cols = 60;
  const { a, entries } = randomSparse(rows, cols, 0.2, 3);
  // Exact: eigen-decomposition of A Aᵀ.
  const aat = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      let s = 0;
      for (const [c, v] of entries[i]) s += v * (entries[j].get(c) ?? 0);
      aat[i * rows + j] = s;
    }
  }
  const exact = symEig(aat, rows);
  const k = 5;
  const { U, S } = randomizedSvd(a, k, { oversample: rows, power: 1, seed: 2 });
  for (let j = 0; j < k; j++) {
    assert.ok(Math.abs(S[j] - Math.sqrt(exact.values[j])) < 1e-6 * S[0], `σ_${j}`);
    // |<u_j, exact u_j>| = 1 (sign free).
    let dot = 0;
    for (let i = 0; i < rows; i++) dot += U[i * k + j] * exact.vectors[i * rows + j];
    assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-6, `u_${j}: |dot| = ${Math.abs(dot)}`);
  }
});

Deno.test("randomizedSvd() is deterministic for a seed and refuses k beyond the matrix", () => {
  const { a } = randomSparse(10, 8, 0.5, 1);
  assert.deepEqual(randomizedSvd(a, 3, { seed: 4 }).S, randomizedSvd(a, 3, { seed: 4 }).S);
  assert.throws(() => randomizedSvd(a, 9), RangeError);
});

Deno.test("orthonormalColumns() returns QᵀQ = I spanning Y's columns", () => {
  const n = 50, l = 6;
  const rng = new Rng(9);
  const y = Float64Array.from({ length: n * l }, () => rng.float() - 0.5);
  const q = orthonormalColumns(y, n, l);
  for (let a = 0; a < l; a++) {
    for (let b = 0; b < l; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += q[i * l + a] * q[i * l + b];
      assert.ok(Math.abs(s - (a === b ? 1 : 0)) < 1e-12);
    }
  }
});

Deno.test("randomizedSvd() recovers a low-rank matrix's spectrum with a small sketch", () => {
  // A = Σ_j s_j u_j v_jᵀ on disjoint supports: rank 3, singular values 9, 4, 1 exactly.
  const rows = 30, cols = 45;
  const entries = Array.from({ length: rows }, () => new Map<number, number>());
  const s = [9, 4, 1];
  for (let j = 0; j < 3; j++) {
    // u_j: rows 10j..10j+9 (each 1/√10); v_j: cols 15j..15j+14 (each 1/√15).
    for (let r = 10 * j; r < 10 * j + 10; r++) {
      for (let c = 15 * j; c < 15 * j + 15; c++) entries[r].set(c, s[j] / Math.sqrt(150));
    }
  }
  const { S } = randomizedSvd(csrFromRows(rows, cols, entries), 3, { oversample: 2, seed: 5 });
  s.forEach((v, j) => assert.ok(Math.abs(S[j] - v) < 1e-9, `σ_${j} = ${S[j]}`));
});
