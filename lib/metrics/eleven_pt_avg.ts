/**
 * `11pt_avg`: interpolated precision averaged over recall points (default the
 * 11 points 0.0 … 1.0; `-m 11pt_avg..25,.5,.75` for others; the points are
 * used in the order given).
 *
 *     11pt_avg = (1 / |X|) · Σ_{x in X} iprec(x)
 *
 * with iprec as `iprec_at_recall` (same rounding of x·R).
 *
 * @module
 */

import { ELEVEN_POINTS, recallCutoffs } from "./iprec_at_recall.ts";
import type { MeasureDef } from "./measure.ts";

/**
 * Mean interpolated precision over recall points, as trec_eval computes it.
 *
 * @param rels Relevance at ranks 1..n.
 * @param numRel R.
 * @param numRelRet Relevant documents in `rels`.
 * @param points Recall points (trec_eval expects them increasing).
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns The average.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { elevenPointAverage } from "./eleven_pt_avg.ts";
 * assert(elevenPointAverage([1], 1, 1, [0, 0.5, 1]) === 1);
 * ```
 */
export function elevenPointAverage(
  rels: ArrayLike<number>,
  numRel: number,
  numRelRet: number,
  points: readonly number[],
  relevanceLevel = 1,
): number {
  const numRet = rels.length;
  const cutoffs = recallCutoffs(points, numRel);
  let cut = points.length - 1;
  while (cut >= 0 && cutoffs[cut] > numRelRet) cut--;
  let intPrecis = numRelRet / numRet;
  let relSoFar = numRelRet;
  let sum = 0;
  for (let i = numRet; i > 0 && relSoFar > 0; i--) {
    const precis = relSoFar / i;
    if (intPrecis < precis) intPrecis = precis;
    if (rels[i - 1] >= relevanceLevel) {
      while (cut >= 0 && relSoFar === cutoffs[cut]) {
        sum += intPrecis;
        cut--;
      }
      relSoFar--;
    }
  }
  while (cut >= 0) {
    sum += intPrecis;
    cut--;
  }
  return sum / points.length;
}

/**
 * trec_eval's `11pt_avg`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { elevenPtAvg } from "./eleven_pt_avg.ts";
 * assert(elevenPtAvg.name === "11pt_avg");
 * ```
 */
export const elevenPtAvg: MeasureDef = {
  name: "11pt_avg",
  paramKind: "doubleParams",
  defaults: ELEVEN_POINTS,
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, ctx, out, at) {
    out[at] = elevenPointAverage(rr.rels, rr.numRel, rr.numRelRet, p.values, ctx.relevanceLevel);
  },
};
