/**
 * The plain TypeScript score kernel: a register-blocked loop (4 documents × 4
 * queries per step), accumulating each dot product in float64 in dimension
 * order and rounding it once to float32. Slow next to XNNPACK, but it has no
 * dependencies and is the reference the other kernels are tested against.
 *
 * @module
 */

import type { QueryBlock, ScoreKernel } from "./score_kernel.ts";

/** Dot product of `a[ao … ao+dim)` and `b[bo … bo+dim)`, in float64, dimension order. */
function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s = 0;
  for (let t = 0; t < dim; t++) s += a[ao + t] * b[bo + t];
  return s;
}

class JsQueryBlock implements QueryBlock {
  readonly nQueries: number;
  #q: Float32Array;
  #dim: number;
  #out = new Float32Array(0);

  constructor(queries: Float32Array, nQueries: number, dim: number) {
    this.nQueries = nQueries;
    this.#dim = dim;
    this.#q = queries.slice(0, nQueries * dim);
  }

  score(docs: Float32Array, nDocs: number): Float32Array {
    const nq = this.nQueries, dim = this.#dim, q = this.#q;
    if (this.#out.length < nDocs * nq) this.#out = new Float32Array(nDocs * nq);
    const out = this.#out;
    const nd4 = nDocs - (nDocs % 4), nq4 = nq - (nq % 4);
    for (let i = 0; i < nd4; i += 4) {
      const a0 = i * dim, a1 = a0 + dim, a2 = a1 + dim, a3 = a2 + dim;
      for (let j = 0; j < nq4; j += 4) {
        const b0 = j * dim, b1 = b0 + dim, b2 = b1 + dim, b3 = b2 + dim;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let t = 0; t < dim; t++) {
          const x0 = docs[a0 + t], x1 = docs[a1 + t], x2 = docs[a2 + t], x3 = docs[a3 + t];
          const y0 = q[b0 + t], y1 = q[b1 + t], y2 = q[b2 + t], y3 = q[b3 + t];
          s00 += x0 * y0, s01 += x0 * y1, s02 += x0 * y2, s03 += x0 * y3;
          s10 += x1 * y0, s11 += x1 * y1, s12 += x1 * y2, s13 += x1 * y3;
          s20 += x2 * y0, s21 += x2 * y1, s22 += x2 * y2, s23 += x2 * y3;
          s30 += x3 * y0, s31 += x3 * y1, s32 += x3 * y2, s33 += x3 * y3;
        }
        let o = i * nq + j;
        out[o] = s00, out[o + 1] = s01, out[o + 2] = s02, out[o + 3] = s03;
        o += nq;
        out[o] = s10, out[o + 1] = s11, out[o + 2] = s12, out[o + 3] = s13;
        o += nq;
        out[o] = s20, out[o + 1] = s21, out[o + 2] = s22, out[o + 3] = s23;
        o += nq;
        out[o] = s30, out[o + 1] = s31, out[o + 2] = s32, out[o + 3] = s33;
      }
      for (let j = nq4; j < nq; j++) {
        for (let r = 0; r < 4; r++) {
          out[(i + r) * nq + j] = dot(docs, (i + r) * dim, q, j * dim, dim);
        }
      }
    }
    for (let i = nd4; i < nDocs; i++) {
      for (let j = 0; j < nq; j++) out[i * nq + j] = dot(docs, i * dim, q, j * dim, dim);
    }
    return out;
  }

  dispose(): void {
    this.#out = new Float32Array(0);
  }
}

/**
 * The plain TypeScript kernel (no dependencies; the reference for tests).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsKernel } from "./js_kernel.ts";
 * const block = jsKernel.prepare(new Float32Array([1, 0, 0, 1]), 2, 2);
 * const out = block.score(new Float32Array([0.5, 0.25]), 1);
 * assert(out[0] === 0.5 && out[1] === 0.25);
 * block.dispose();
 * ```
 */
export const jsKernel: ScoreKernel = {
  name: "js",
  prepare(queries: Float32Array, nQueries: number, dim: number): QueryBlock {
    return new JsQueryBlock(queries, nQueries, dim);
  },
};
