/**
 * `binG`: binary G (experimental, trec_eval 2008) — each relevant document
 * is discounted by the non-relevant documents ranked above it.
 *
 *     binG = (1/R) · Σ_{r relevant retrieved} 1 / log2(2 + nonrel above r)
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * Binary G.
 *
 * @param rels Relevance at ranks 1..n.
 * @param numRel R.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns binG; 0 when no relevant document is retrieved.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binaryG } from "./bin_g.ts";
 * assert(binaryG([1, 0, 1], 2) === (1 + 1 / Math.log2(3)) / 2);
 * ```
 */
export function binaryG(rels: ArrayLike<number>, numRel: number, relevanceLevel = 1): number {
  let relSoFar = 0;
  let sum = 0.0;
  for (let i = 0; i < rels.length; i++) {
    if (rels[i] >= relevanceLevel) {
      relSoFar++;
      sum += 1.0 / Math.log2(3 + i - relSoFar);
    }
  }
  return relSoFar ? sum / numRel : 0;
}

/**
 * trec_eval's `binG`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binG } from "./bin_g.ts";
 * assert(binG.name === "binG");
 * ```
 */
export const binG: MeasureDef = {
  name: "binG",
  paramKind: "none",
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, _p, ctx, out, at) {
    out[at] = binaryG(rr.rels, rr.numRel, ctx.relevanceLevel);
  },
};
