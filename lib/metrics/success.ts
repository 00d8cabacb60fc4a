/**
 * `success_k`: 1 when a relevant document is in the top k, else 0.
 * Default cutoffs 1, 5, 10.
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";
import { relevantAtCutoffs } from "./precision.ts";

/**
 * Success at each cutoff.
 *
 * @param rels Relevance at ranks 1..n.
 * @param cutoffs Increasing positive cutoffs.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns 1 or 0 for each k.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { successAtCutoffs } from "./success.ts";
 * assert(successAtCutoffs([0, 1], [1, 2]).join() === "0,1");
 * ```
 */
export function successAtCutoffs(
  rels: ArrayLike<number>,
  cutoffs: readonly number[],
  relevanceLevel = 1,
): number[] {
  return relevantAtCutoffs(rels, cutoffs, relevanceLevel).map((n) => (n ? 1.0 : 0.0));
}

/**
 * trec_eval's `success` (values `success_1`, `success_5`, `success_10`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { success } from "./success.ts";
 * assert(success.defaults?.join() === "1,5,10");
 * ```
 */
export const success: MeasureDef = {
  name: "success",
  paramKind: "longCutoffs",
  defaults: [1, 5, 10],
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, ctx, out, at) {
    const v = successAtCutoffs(rr.rels, p.values, ctx.relevanceLevel);
    for (let i = 0; i < v.length; i++) out[at + i] = v[i];
  },
};
