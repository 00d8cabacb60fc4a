/**
 * Compressed sparse row (CSR) matrices: building from per-row entries,
 * products with dense row-major blocks, and the positive pointwise mutual
 * information transform of a count matrix.
 *
 * @module
 */

/** A `rows × cols` matrix in CSR form (column indices ascending within a row). */
export interface Csr {
  rows: number;
  cols: number;
  /** `rows + 1` offsets into `idx`/`val`. */
  ptr: Int32Array;
  idx: Int32Array;
  val: Float64Array;
}

/**
 * Builds a CSR matrix from each row's `column → value` map (a missing row is empty).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csrFromRows } from "./sparse.ts";
 * const m = csrFromRows(2, 3, [new Map([[2, 5], [0, 1]]), undefined]);
 * assert.deepEqual([...m.ptr], [0, 2, 2]);
 * assert.deepEqual([...m.idx], [0, 2]);
 * ```
 */
export function csrFromRows(
  rows: number,
  cols: number,
  entries: readonly (ReadonlyMap<number, number> | undefined)[],
): Csr {
  const ptr = new Int32Array(rows + 1);
  for (let r = 0; r < rows; r++) ptr[r + 1] = ptr[r] + (entries[r]?.size ?? 0);
  const idx = new Int32Array(ptr[rows]);
  const val = new Float64Array(ptr[rows]);
  for (let r = 0; r < rows; r++) {
    const m = entries[r];
    if (!m) continue;
    let k = ptr[r];
    for (const c of [...m.keys()].sort((a, b) => a - b)) {
      if (c < 0 || c >= cols) throw new RangeError(`column ${c} outside 0..${cols - 1}`);
      idx[k] = c;
      val[k++] = m.get(c)!;
    }
  }
  return { rows, cols, ptr, idx, val };
}

/**
 * `A · X` for a dense row-major `cols × l` block `X`: a `rows × l` block.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csrFromRows, csrTimesDense } from "./sparse.ts";
 * const a = csrFromRows(1, 2, [new Map([[0, 2], [1, 3]])]);
 * assert.deepEqual([...csrTimesDense(a, new Float64Array([1, 10]), 1)], [32]);
 * ```
 */
export function csrTimesDense(a: Csr, x: Float64Array, l: number): Float64Array {
  const y = new Float64Array(a.rows * l);
  const { ptr, idx, val } = a;
  for (let r = 0; r < a.rows; r++) {
    const o = r * l, end = ptr[r + 1];
    // Four non-zeros per store, each y[r, j] still summed over them in order: the same
    // float64 operations as one at a time (an exact zero term leaves a +0-started sum as is).
    let k = ptr[r];
    for (; k + 4 <= end; k += 4) {
      const v0 = val[k], v1 = val[k + 1], v2 = val[k + 2], v3 = val[k + 3];
      const x0 = idx[k] * l, x1 = idx[k + 1] * l, x2 = idx[k + 2] * l, x3 = idx[k + 3] * l;
      for (let j = 0; j < l; j++) {
        y[o + j] = y[o + j] + v0 * x[x0 + j] + v1 * x[x1 + j] + v2 * x[x2 + j] + v3 * x[x3 + j];
      }
    }
    for (; k < end; k++) {
      const v = val[k];
      if (v === 0) continue;
      const xo = idx[k] * l;
      for (let j = 0; j < l; j++) y[o + j] += v * x[xo + j];
    }
  }
  return y;
}

/**
 * `Aᵀ · Y` for a dense row-major `rows × l` block `Y`: a `cols × l` block.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csrFromRows, csrTransposeTimesDense } from "./sparse.ts";
 * const a = csrFromRows(1, 2, [new Map([[0, 2], [1, 3]])]);
 * assert.deepEqual([...csrTransposeTimesDense(a, new Float64Array([10]), 1)], [20, 30]);
 * ```
 */
export function csrTransposeTimesDense(a: Csr, y: Float64Array, l: number): Float64Array {
  const z = new Float64Array(a.cols * l);
  for (let r = 0; r < a.rows; r++) {
    const yo = r * l;
    for (let k = a.ptr[r]; k < a.ptr[r + 1]; k++) {
      const v = a.val[k];
      if (v === 0) continue;
      const zo = a.idx[k] * l;
      for (let j = 0; j < l; j++) z[zo + j] += v * y[yo + j];
    }
  }
  return z;
}

/**
 * Positive PMI of a count matrix, in place (Levy, Goldberg & Dagan 2015):
 *
 *   PPMI(w, c) = max(0, ln( P(w, c) / (P(w) · P_α(c)) ) − ln k),
 *   P_α(c) = #(c)^α / Σ_c' #(c')^α
 *
 * with context-distribution smoothing `α` (default 0.75) and shift `ln k`
 * (default k = 1, no shift).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csrFromRows, ppmiInPlace } from "./sparse.ts";
 * // Two words, each in its own context: PMI = ln 2 with α = 1.
 * const a = csrFromRows(2, 2, [new Map([[0, 1]]), new Map([[1, 1]])]);
 * ppmiInPlace(a, { alpha: 1 });
 * assert.ok(Math.abs(a.val[0] - Math.LN2) < 1e-12);
 * ```
 */
export function ppmiInPlace(a: Csr, options: { alpha?: number; shift?: number } = {}): void {
  const alpha = options.alpha ?? 0.75;
  const lnK = Math.log(options.shift ?? 1);
  const rowSum = new Float64Array(a.rows);
  const colSum = new Float64Array(a.cols);
  let total = 0;
  for (let r = 0; r < a.rows; r++) {
    for (let k = a.ptr[r]; k < a.ptr[r + 1]; k++) {
      rowSum[r] += a.val[k];
      colSum[a.idx[k]] += a.val[k];
      total += a.val[k];
    }
  }
  let colTotal = 0;
  for (let c = 0; c < a.cols; c++) colTotal += colSum[c] = Math.pow(colSum[c], alpha);
  for (let r = 0; r < a.rows; r++) {
    for (let k = a.ptr[r]; k < a.ptr[r + 1]; k++) {
      const pmi = Math.log(
        (a.val[k] / total) / ((rowSum[r] / total) * (colSum[a.idx[k]] / colTotal)),
      ) - lnK;
      a.val[k] = pmi > 0 ? pmi : 0;
    }
  }
}
