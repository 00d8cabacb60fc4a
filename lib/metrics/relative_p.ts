/**
 * `relative_P_k`: precision at k relative to the best possible at k
 * (precision up to R, recall after).
 *
 *     relative_P@k = (relevant in top k) / min(k, R)
 *
 * 0 when R = 0. Default cutoffs as P.
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";
import { DEFAULT_CUTOFFS, relevantAtCutoffs } from "./precision.ts";

/**
 * Relative precision at each cutoff.
 *
 * @param rels Relevance at ranks 1..n.
 * @param numRel R.
 * @param cutoffs Increasing positive cutoffs.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns relative_P@k for each k.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relativePrecisionAtCutoffs } from "./relative_p.ts";
 * assert(relativePrecisionAtCutoffs([1, 0, 1], 1, [2]).join() === "1");
 * ```
 */
export function relativePrecisionAtCutoffs(
  rels: ArrayLike<number>,
  numRel: number,
  cutoffs: readonly number[],
  relevanceLevel = 1,
): number[] {
  if (numRel === 0) return cutoffs.map(() => 0);
  return relevantAtCutoffs(rels, cutoffs, relevanceLevel).map((n, i) =>
    n / (cutoffs[i] > numRel ? numRel : cutoffs[i])
  );
}

/**
 * trec_eval's `relative_P` (values `relative_P_5`, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relativeP } from "./relative_p.ts";
 * assert(relativeP.name === "relative_P");
 * ```
 */
export const relativeP: MeasureDef = {
  name: "relative_P",
  paramKind: "longCutoffs",
  defaults: DEFAULT_CUTOFFS,
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, ctx, out, at) {
    const v = relativePrecisionAtCutoffs(rr.rels, rr.numRel, p.values, ctx.relevanceLevel);
    for (let i = 0; i < v.length; i++) out[at + i] = v[i];
  },
};
