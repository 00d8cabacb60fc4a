/**
 * `ndcg_rel`: nDCG averaged over the relevant documents (experimental): the
 * nDCG at the rank of each retrieved document with positive gain, plus, for
 * each relevant document not retrieved, the final DCG / final IDCG; divided
 * by the number of documents with positive ideal gain. Gains as ndcg.
 *
 * @module
 */

import { getGain, IdealGains, type RelGain, setupGains } from "./_gains.ts";
import type { MeasureDef } from "./measure.ts";

/**
 * nDCG averaged over relevant documents, as trec_eval computes it.
 *
 * @param rels Relevance at ranks 1..n.
 * @param gains Gain table from `setupGains`.
 * @returns ndcg_rel; 0 when its sum is not positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ndcgOverRelevant } from "./ndcg_rel.ts";
 * import { setupGains } from "./_gains.ts";
 * assert(ndcgOverRelevant([1], setupGains([], [0, 1], 2)) === 1);
 * ```
 */
export function ndcgOverRelevant(rels: ArrayLike<number>, gains: readonly RelGain[]): number {
  const numRet = rels.length;
  const ideal = new IdealGains(gains);
  let dcg = 0.0;
  let idcg = 0.0;
  let sum = 0.0;
  let numRelRet = 0;
  let numRel = 0;
  let i = 0;
  for (; i < numRet && ideal.gain > 0.0; i++) {
    const g = getGain(rels[i], gains);
    if (g !== 0) dcg += g / Math.log2(i + 2);
    if (ideal.next() > 0.0) {
      numRel++;
      idcg += ideal.gain / Math.log2(i + 2);
    }
    if (g > 0) {
      sum += dcg / idcg;
      numRelRet++;
    }
  }
  for (; i < numRet; i++) {
    const g = getGain(rels[i], gains);
    if (g !== 0) dcg += g / Math.log2(i + 2);
    if (g > 0) {
      sum += dcg / idcg;
      numRelRet++;
    }
  }
  for (; ideal.gain > 0.0; i++) {
    if (ideal.next() > 0.0) {
      numRel++;
      idcg += ideal.gain / Math.log2(i + 2);
    }
  }
  sum += (numRel - numRelRet) * dcg / idcg;
  return sum > 0.0 ? sum / numRel : 0;
}

/**
 * trec_eval's `ndcg_rel`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ndcgRel } from "./ndcg_rel.ts";
 * assert(ndcgRel.name === "ndcg_rel");
 * ```
 */
export const ndcgRel: MeasureDef = {
  name: "ndcg_rel",
  paramKind: "pairs",
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, _ctx, out, at) {
    out[at] = ndcgOverRelevant(rr.rels, setupGains(p.pairs, rr.relLevels, rr.numRelLevels));
  },
};
