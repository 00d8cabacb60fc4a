/**
 * `infAP`: inferred average precision (Yilmaz & Aslam, CIKM 2006), for qrels
 * that judge a sample of the pool (negative qrels values = pooled, not judged).
 * At each judged relevant document at 0-based rank j > 0:
 *
 *     1/(j+1) + (j/(j+1)) · ((r−1 + n + u)/j) · ((r−1 + ε)/(r−1 + n + 2ε))
 *
 * (1 at j = 0), with r, n, u the relevant, non-relevant and pooled-unjudged
 * documents ranked so far and ε = 0.00001; summed and divided by R.
 *
 * @module
 */

import { type MeasureDef, RELVALUE_NONPOOL, RELVALUE_UNJUDGED } from "./measure.ts";

const INFAP_EPSILON = 0.00001;

/**
 * Inferred AP over a ranked relevance list.
 *
 * @param rels Relevance at ranks 1..n (-1 not in qrels, -2 pooled but unjudged).
 * @param numRel R.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns infAP.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inferredAP } from "./inf_ap.ts";
 * assert(inferredAP([1], 1) === 1);
 * ```
 */
export function inferredAP(rels: ArrayLike<number>, numRel: number, relevanceLevel = 1): number {
  let nonrel = 0;
  let rel = 0;
  let unjudged = 0;
  let sum = 0;
  for (let j = 0; j < rels.length; j++) {
    const r = rels[j];
    if (r === RELVALUE_NONPOOL) continue;
    if (r === RELVALUE_UNJUDGED) {
      unjudged++;
      continue;
    }
    if (r >= 0 && r < relevanceLevel) {
      nonrel++;
    } else {
      rel++;
      if (j === 0) {
        sum += 1.0;
      } else {
        const fj = j;
        sum += 1.0 / (fj + 1.0) +
          (fj / (fj + 1.0)) * ((rel - 1 + nonrel + unjudged) / fj) *
            ((rel - 1 + INFAP_EPSILON) / (rel - 1 + nonrel + 2 * INFAP_EPSILON));
      }
    }
  }
  return numRel ? sum / numRel : sum;
}

/**
 * trec_eval's `infAP`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { infAP } from "./inf_ap.ts";
 * assert(infAP.name === "infAP");
 * ```
 */
export const infAP: MeasureDef = {
  name: "infAP",
  paramKind: "none",
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, _p, ctx, out, at) {
    out[at] = inferredAP(rr.rels, rr.numRel, ctx.relevanceLevel);
  },
};
