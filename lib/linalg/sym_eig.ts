/**
 * Eigen-decomposition of a small dense symmetric matrix by the cyclic Jacobi
 * method (Golub & Van Loan, *Matrix Computations*, §8.5): rotations zero the
 * off-diagonal entries until their sum of squares falls below `tolerance`
 * times the squared Frobenius norm. O(n³) per sweep; meant for n up to a few
 * hundred (the Gram matrices of a randomized SVD).
 *
 * @module
 */

/** Eigenvalues in descending order and the matching unit eigenvectors. */
export interface SymEig {
  /** `n` eigenvalues, largest first. */
  values: Float64Array;
  /** `n × n` row-major; column `j` is the eigenvector of `values[j]`. */
  vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of the symmetric `n × n` row-major matrix `a`.
 *
 * @param a The matrix (only read; must be symmetric).
 * @param n Its order.
 * @param tolerance Relative off-diagonal mass at which to stop (default 1e-24).
 * @returns Eigenvalues (descending) and eigenvectors (columns).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { symEig } from "./sym_eig.ts";
 * const { values, vectors } = symEig(new Float64Array([2, 1, 1, 2]), 2);
 * assert.ok(Math.abs(values[0] - 3) < 1e-12 && Math.abs(values[1] - 1) < 1e-12);
 * assert.ok(Math.abs(Math.abs(vectors[0]) - Math.SQRT1_2) < 1e-12);
 * ```
 */
export function symEig(a: ArrayLike<number>, n: number, tolerance = 1e-24): SymEig {
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += A[i] * A[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] ** 2;
    if (off <= tolerance * norm || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p], akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k], aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p], vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i)
    .sort((x, y) => A[y * n + y] - A[x * n + x] || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((o, j) => {
    values[j] = A[o * n + o];
    for (let k = 0; k < n; k++) vectors[k * n + j] = V[k * n + o];
  });
  return { values, vectors };
}
