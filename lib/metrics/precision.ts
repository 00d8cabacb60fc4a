/**
 * `P_k`: precision at cutoff k. When fewer than k documents were retrieved,
 * the missing ones count as non-relevant.
 *
 *     P@k = (relevant in top k) / k
 *
 * Default cutoffs 5, 10, 15, 20, 30, 100, 200, 500, 1000 (`-m P.5,10`).
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/** trec_eval's default cutoffs for P, recall, ndcg_cut, map_cut, relative_P. */
export const DEFAULT_CUTOFFS: readonly number[] = [5, 10, 15, 20, 30, 100, 200, 500, 1000];

/**
 * Relevant documents in the top k, for each cutoff k.
 *
 * @param rels Relevance at ranks 1..n.
 * @param cutoffs Increasing positive cutoffs.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant.
 * @returns Counts, parallel to `cutoffs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relevantAtCutoffs } from "./precision.ts";
 * assert(relevantAtCutoffs([1, 0, 1], [1, 2, 5], 1).join() === "1,1,2");
 * ```
 */
export function relevantAtCutoffs(
  rels: ArrayLike<number>,
  cutoffs: readonly number[],
  relevanceLevel: number,
): number[] {
  const counts = new Array<number>(cutoffs.length);
  let c = 0;
  let relSoFar = 0;
  for (let i = 0; i < rels.length && c < cutoffs.length; i++) {
    if (i === cutoffs[c]) counts[c++] = relSoFar;
    if (c < cutoffs.length && rels[i] >= relevanceLevel) relSoFar++;
  }
  while (c < cutoffs.length) counts[c++] = relSoFar;
  return counts;
}

/**
 * Precision at each cutoff.
 *
 * @param rels Relevance at ranks 1..n.
 * @param cutoffs Increasing positive cutoffs.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns P@k for each k.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { precisionAtCutoffs } from "./precision.ts";
 * assert(precisionAtCutoffs([1, 0, 1], [2, 4]).join() === "0.5,0.5");
 * ```
 */
export function precisionAtCutoffs(
  rels: ArrayLike<number>,
  cutoffs: readonly number[],
  relevanceLevel = 1,
): number[] {
  return relevantAtCutoffs(rels, cutoffs, relevanceLevel).map((n, i) => n / cutoffs[i]);
}

/**
 * trec_eval's `P` (values `P_5`, `P_10`, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { P } from "./precision.ts";
 * assert(P.defaults?.length === 9);
 * ```
 */
export const P: MeasureDef = {
  name: "P",
  paramKind: "longCutoffs",
  defaults: DEFAULT_CUTOFFS,
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, ctx, out, at) {
    const n = relevantAtCutoffs(rr.rels, p.values, ctx.relevanceLevel);
    for (let i = 0; i < n.length; i++) out[at + i] = n[i] / p.values[i];
  },
};
