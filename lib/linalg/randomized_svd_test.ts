import assert from "node:assert/strict";
import { Rng } from "../sampling/rng.ts";
import { crossProduct, gram, orthonormalColumns, randomizedSvd, times } from "./randomized_svd.ts";
import { type Csr, csrFromRows, csrTimesDense } from "./sparse.ts";
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

// The one-term-per-store loops the unrolled kernels replace: results must be bit-identical.
function gramReference(y: Float64Array, n: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < l; a++) {
      const ya = y[i * l + a];
      if (ya === 0) continue;
      for (let b = a; b < l; b++) g[a * l + b] += ya * y[i * l + b];
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) g[a * l + b] = g[b * l + a];
  return g;
}
function timesReference(y: Float64Array, n: number, l: number, m: Float64Array, cols: number) {
  const out = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < l; a++) {
      const v = y[i * l + a];
      if (v === 0) continue;
      for (let j = 0; j < cols; j++) out[i * cols + j] += v * m[a * cols + j];
    }
  }
  return out;
}
function crossReference(x: Float64Array, y: Float64Array, n: number, l: number) {
  const out = new Float64Array(l * l);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < l; a++) {
      const xa = x[i * l + a];
      if (xa === 0) continue;
      for (let b = 0; b < l; b++) out[a * l + b] += xa * y[i * l + b];
    }
  }
  return out;
}
function csrTimesDenseReference(a: Csr, x: Float64Array, l: number): Float64Array {
  const y = new Float64Array(a.rows * l);
  for (let r = 0; r < a.rows; r++) {
    for (let k = a.ptr[r]; k < a.ptr[r + 1]; k++) {
      if (a.val[k] === 0) continue;
      for (let j = 0; j < l; j++) y[r * l + j] += a.val[k] * x[a.idx[k] * l + j];
    }
  }
  return y;
}

Deno.test("gram, times, crossProduct and csrTimesDense are bit-identical to one term per store", () => {
  const rng = new Rng(17);
  // Zeros (whole groups of four and single ones), signs, sizes not multiples of 4.
  const fill = (len: number) =>
    Float64Array.from({ length: len }, (_, i) => {
      const u = rng.float();
      return u < 0.2 || (i >> 2) % 7 === 3 ? 0 : (rng.float() - 0.5) * 10 ** (4 * u - 2);
    });
  for (const [n, l, cols] of [[1, 1, 1], [7, 5, 3], [13, 9, 11], [32, 8, 16], [41, 6, 2]]) {
    const y = fill(n * l), z = fill(n * l), m = fill(l * cols);
    assert.deepEqual(gram(y, n, l), gramReference(y, n, l), `gram ${n}×${l}`);
    assert.deepEqual(times(y, n, l, m, cols), timesReference(y, n, l, m, cols), `times ${n}`);
    assert.deepEqual(crossProduct(y, z, n, l), crossReference(y, z, n, l), `cross ${n}`);
    const { a } = randomSparse(n, l + 3, 0.6, n);
    for (let k = 0; k < a.val.length; k += 3) a.val[k] = 0; // PPMI leaves zeros
    const x = fill((l + 3) * cols);
    assert.deepEqual(csrTimesDense(a, x, cols), csrTimesDenseReference(a, x, cols), `csr ${n}`);
  }
});
