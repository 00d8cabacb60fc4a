/**
 * `recip_rank`: reciprocal rank of the first relevant document.
 *
 *     RR = 1 / (rank of the first relevant retrieved document), 0 if none
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * Reciprocal rank over a ranked relevance list.
 *
 * @param rels Relevance at ranks 1..n.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns 1/rank, or 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reciprocalRank } from "./recip_rank.ts";
 * assert(reciprocalRank([0, 0, 1]) === 1 / 3);
 * ```
 */
export function reciprocalRank(rels: ArrayLike<number>, relevanceLevel = 1): number {
  for (let i = 0; i < rels.length; i++) if (rels[i] >= relevanceLevel) return 1.0 / (i + 1);
  return 0;
}

/**
 * trec_eval's `recip_rank`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recipRank } from "./recip_rank.ts";
 * assert(recipRank.name === "recip_rank");
 * ```
 */
export const recipRank: MeasureDef = {
  name: "recip_rank",
  paramKind: "none",
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, _p, ctx, out, at) {
    out[at] = reciprocalRank(rr.rels, ctx.relevanceLevel);
  },
};
