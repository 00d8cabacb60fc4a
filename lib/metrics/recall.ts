/**
 * `recall_k`: recall at cutoff k.
 *
 *     recall@k = (relevant in top k) / R
 *
 * 0 when R = 0. Default cutoffs as P.
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";
import { DEFAULT_CUTOFFS, relevantAtCutoffs } from "./precision.ts";

/**
 * Recall at each cutoff.
 *
 * @param rels Relevance at ranks 1..n.
 * @param numRel R.
 * @param cutoffs Increasing positive cutoffs.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns recall@k for each k.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recallAtCutoffs } from "./recall.ts";
 * assert(recallAtCutoffs([1, 0, 1], 4, [1, 3]).join() === "0.25,0.5");
 * ```
 */
export function recallAtCutoffs(
  rels: ArrayLike<number>,
  numRel: number,
  cutoffs: readonly number[],
  relevanceLevel = 1,
): number[] {
  if (numRel === 0) return cutoffs.map(() => 0);
  return relevantAtCutoffs(rels, cutoffs, relevanceLevel).map((n) => n / numRel);
}

/**
 * trec_eval's `recall` (values `recall_5`, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recall } from "./recall.ts";
 * assert(recall.name === "recall");
 * ```
 */
export const recall: MeasureDef = {
  name: "recall",
  paramKind: "longCutoffs",
  defaults: DEFAULT_CUTOFFS,
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, ctx, out, at) {
    const v = recallAtCutoffs(rr.rels, rr.numRel, p.values, ctx.relevanceLevel);
    for (let i = 0; i < v.length; i++) out[at + i] = v[i];
  },
};
