/**
 * `Rprec`: precision after R documents, R = num_rel.
 *
 *     Rprec = (relevant in top min(R, num_ret)) / R
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * R-precision over a ranked relevance list.
 *
 * @param rels Relevance at ranks 1..n.
 * @param numRel R.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns R-precision; 0 when R or n is 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rPrecision } from "./r_prec.ts";
 * assert(rPrecision([1, 0, 1], 2) === 0.5);
 * ```
 */
export function rPrecision(rels: ArrayLike<number>, numRel: number, relevanceLevel = 1): number {
  const n = Math.min(rels.length, numRel);
  if (n === 0) return 0;
  let relSoFar = 0;
  for (let i = 0; i < n; i++) if (rels[i] >= relevanceLevel) relSoFar++;
  return relSoFar / numRel;
}

/**
 * trec_eval's `Rprec`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rprec } from "./r_prec.ts";
 * assert(Rprec.name === "Rprec");
 * ```
 */
export const Rprec: MeasureDef = {
  name: "Rprec",
  paramKind: "none",
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, _p, ctx, out, at) {
    out[at] = rPrecision(rr.rels, rr.numRel, ctx.relevanceLevel);
  },
};
