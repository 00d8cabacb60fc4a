/**
 * Truncated SVD of a sparse matrix by randomized range finding (Halko,
 * Martinsson & Tropp 2011, Algorithms 4.4 and 5.1): `Y = (A Aᵀ)^q A Ω` for a
 * Gaussian `Ω` with `k + p` columns, orthonormalised after every product with
 * `A`, `Q = orth(Y)`, then the eigen-decomposition of the small
 * `(Aᵀ Q)ᵀ (Aᵀ Q) = Qᵀ A Aᵀ Q` gives `A ≈ U Σ Vᵀ` with `U = Q W`. Only the
 * left factor is returned (the word vectors of a word × context matrix).
 *
 * @module
 */

import { Rng } from "../sampling/rng.ts";
import { type Csr, csrTimesDense, csrTransposeTimesDense } from "./sparse.ts";
import { symEig } from "./sym_eig.ts";

/** Options of {@linkcode randomizedSvd}. */
export interface RandomizedSvdOptions {
  /** Extra columns of the sketch (default 16). */
  oversample?: number;
  /** Power iterations `q` (default 2). */
  power?: number;
  /** Seed of `Ω` (default 1). */
  seed?: number;
}

/** The top `k` left singular vectors (`rows × k`, row-major) and singular values (descending). */
export interface TruncatedSvd {
  U: Float64Array;
  S: Float64Array;
  k: number;
}

/** `YᵀY` (`l × l`) of a row-major `n × l` block. */
export function gram(y: Float64Array, n: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  // Four rows at a time, each g[a, b] still summed over i in order
  // ((((g + y0a·y0b) + y1a·y1b) + …): the same float64 operations as one row at a time,
  // with a quarter of the loads and stores of g. (Adding an exact zero product, which
  // the one-row loop skips, leaves a sum that started at +0 unchanged.)
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o0 = i * l, o1 = o0 + l, o2 = o1 + l, o3 = o2 + l;
    for (let a = 0; a < l; a++) {
      const y0 = y[o0 + a], y1 = y[o1 + a], y2 = y[o2 + a], y3 = y[o3 + a];
      if (y0 === 0 && y1 === 0 && y2 === 0 && y3 === 0) continue;
      const go = a * l;
      for (let b = a; b < l; b++) {
        g[go + b] = g[go + b] + y0 * y[o0 + b] + y1 * y[o1 + b] + y2 * y[o2 + b] +
          y3 * y[o3 + b];
      }
    }
  }
  for (; i < n; i++) {
    const o = i * l;
    for (let a = 0; a < l; a++) {
      const ya = y[o + a];
      if (ya === 0) continue;
      const go = a * l;
      for (let b = a; b < l; b++) g[go + b] += ya * y[o + b];
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) g[a * l + b] = g[b * l + a];
  return g;
}

/** `Y · M` for row-major `n × l` `Y` and `l × m` `M`. */
export function times(
  y: Float64Array,
  n: number,
  l: number,
  m: Float64Array,
  cols: number,
): Float64Array {
  const out = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    const o = i * l, oo = i * cols;
    // Four terms per store, each out[i, j] still summed over a in order (as in gram).
    let a = 0;
    for (; a + 4 <= l; a += 4) {
      const v0 = y[o + a], v1 = y[o + a + 1], v2 = y[o + a + 2], v3 = y[o + a + 3];
      if (v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) continue;
      const m0 = a * cols, m1 = m0 + cols, m2 = m1 + cols, m3 = m2 + cols;
      for (let j = 0; j < cols; j++) {
        out[oo + j] = out[oo + j] + v0 * m[m0 + j] + v1 * m[m1 + j] + v2 * m[m2 + j] +
          v3 * m[m3 + j];
      }
    }
    for (; a < l; a++) {
      const v = y[o + a];
      if (v === 0) continue;
      const mo = a * cols;
      for (let j = 0; j < cols; j++) out[oo + j] += v * m[mo + j];
    }
  }
  return out;
}

/**
 * An orthonormal basis of the column space of `Y` (`n × l`), as `Y W Λ^(-1/2)`
 * from the eigen-decomposition `YᵀY = W Λ Wᵀ`, done `passes` times (default
 * 2, for accuracy: the "CholeskyQR2" idea with an eigen-solver); directions
 * with eigenvalue below `1e-13 · λ_max` are dropped to zero columns.
 */
export function orthonormalColumns(
  y: Float64Array,
  n: number,
  l: number,
  passes = 2,
): Float64Array {
  let q = y;
  for (let pass = 0; pass < passes; pass++) {
    const { values, vectors } = symEig(gram(q, n, l), l);
    const m = new Float64Array(l * l);
    for (let a = 0; a < l; a++) {
      for (let j = 0; j < l; j++) {
        m[a * l + j] = values[j] > 1e-13 * values[0]
          ? vectors[a * l + j] / Math.sqrt(values[j])
          : 0;
      }
    }
    q = times(q, n, l, m, l);
  }
  return q;
}

/**
 * The top `k` singular triplets' left side of a sparse matrix.
 *
 * @param a The matrix.
 * @param k Number of singular vectors (≤ min(rows, cols)).
 * @param options Oversampling, power iterations, seed.
 * @returns `U` (`rows × k`) and `S` (`k`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csrFromRows } from "./sparse.ts";
 * import { randomizedSvd } from "./randomized_svd.ts";
 * // diag(5, 3, 1): singular values 5, 3, 1.
 * const a = csrFromRows(3, 3, [new Map([[0, 5]]), new Map([[1, 3]]), new Map([[2, 1]])]);
 * const { S } = randomizedSvd(a, 2, { oversample: 1 });
 * assert.ok(Math.abs(S[0] - 5) < 1e-9 && Math.abs(S[1] - 3) < 1e-9);
 * ```
 */
/**
 * `Xᵀ Y` for row-major `n × l` blocks, each entry summed over the rows in
 * order (four rows per store, as in {@linkcode gram}).
 */
export function crossProduct(
  x: Float64Array,
  y: Float64Array,
  n: number,
  l: number,
): Float64Array {
  const out = new Float64Array(l * l);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o0 = i * l, o1 = o0 + l, o2 = o1 + l, o3 = o2 + l;
    for (let a = 0; a < l; a++) {
      const x0 = x[o0 + a], x1 = x[o1 + a], x2 = x[o2 + a], x3 = x[o3 + a];
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const bo = a * l;
      for (let b = 0; b < l; b++) {
        out[bo + b] = out[bo + b] + x0 * y[o0 + b] + x1 * y[o1 + b] + x2 * y[o2 + b] +
          x3 * y[o3 + b];
      }
    }
  }
  for (; i < n; i++) {
    const o = i * l;
    for (let a = 0; a < l; a++) {
      const xa = x[o + a];
      if (xa === 0) continue;
      const bo = a * l;
      for (let b = 0; b < l; b++) out[bo + b] += xa * y[o + b];
    }
  }
  return out;
}

export function randomizedSvd(a: Csr, k: number, options: RandomizedSvdOptions = {}): TruncatedSvd {
  const l = Math.min(k + (options.oversample ?? 16), a.rows, a.cols);
  if (k > l) throw new RangeError(`k = ${k} exceeds the matrix's smaller side (${l})`);
  const rng = new Rng(options.seed ?? 1);
  const omega = new Float64Array(a.cols * l);
  for (let i = 0; i < omega.length; i++) {
    // Box–Muller; Ω only needs to be Gaussian and seeded.
    omega[i] = Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
  }
  const power = options.power ?? 2;
  // Intermediate bases only need to keep the range well conditioned: one pass;
  // the last one is orthonormalised twice. Aᵀ Q need not be orthonormalised at
  // all (its columns are rescaled by the next orthonormalisation).
  let q = orthonormalColumns(csrTimesDense(a, omega, l), a.rows, l, power === 0 ? 2 : 1);
  for (let it = 0; it < power; it++) {
    const y = csrTimesDense(a, csrTransposeTimesDense(a, q, l), l);
    q = orthonormalColumns(y, a.rows, l, it === power - 1 ? 2 : 1);
  }
  // B Bᵀ = Qᵀ A Aᵀ Q, formed on the row side (rows × l²) rather than as the
  // Gram of Aᵀ Q (cols × l²): the matrices here have many more columns.
  const aatq = csrTimesDense(a, csrTransposeTimesDense(a, q, l), l); // rows × l
  const bbt = crossProduct(q, aatq, a.rows, l);
  for (let x = 0; x < l; x++) {
    for (let y = 0; y < x; y++) {
      bbt[x * l + y] = bbt[y * l + x] = (bbt[x * l + y] + bbt[y * l + x]) / 2;
    }
  }
  const { values, vectors } = symEig(bbt, l);
  const wk = new Float64Array(l * k);
  for (let r = 0; r < l; r++) for (let j = 0; j < k; j++) wk[r * k + j] = vectors[r * l + j];
  const S = new Float64Array(k);
  for (let j = 0; j < k; j++) S[j] = Math.sqrt(Math.max(0, values[j]));
  return { U: times(q, a.rows, l, wk, k), S, k };
}
