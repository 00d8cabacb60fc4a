/**
 * `Rndcg`: nDCG averaged at the R-level points (experimental): the ranks
 * where the ideal gain changes (after the documents of each gain level), plus
 * num_ret when the ranking goes past the last positive ideal gain.
 * E.g. 5 docs of gain 3, 3 of gain 2, 10 of gain 1:
 * mean of nDCG@5, nDCG@8, nDCG@18 (and nDCG@num_ret). 0 when R = 0.
 *
 * @module
 */

import { getGain, IdealGains, type RelGain, setupGains } from "./_gains.ts";
import type { MeasureDef } from "./measure.ts";

/**
 * Rndcg as trec_eval computes it.
 *
 * @param rels Relevance at ranks 1..n.
 * @param numRel R (0 gives 0).
 * @param gains Gain table from `setupGains`.
 * @returns Rndcg.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rNdcg } from "./r_ndcg.ts";
 * import { setupGains } from "./_gains.ts";
 * assert(rNdcg([1], 1, setupGains([], [0, 1], 2)) === 1);
 * ```
 */
export function rNdcg(rels: ArrayLike<number>, numRel: number, gains: readonly RelGain[]): number {
  if (numRel === 0) return 0;
  const numRet = rels.length;
  const ideal = new IdealGains(gains);
  let oldIdealGain = ideal.gain;
  let dcg = 0.0;
  let idcg = 0.0;
  let sum = 0.0;
  let changes = 0;
  let i = 0;
  for (; i < numRet && ideal.gain > 0.0; i++) {
    const g = getGain(rels[i], gains);
    ideal.next();
    if (oldIdealGain !== ideal.gain) {
      if (idcg > 0.0) {
        sum += dcg / idcg;
        changes++;
      }
      oldIdealGain = ideal.gain;
    }
    if (g !== 0) dcg += g / Math.log2(i + 2);
    if (ideal.gain > 0.0) idcg += ideal.gain / Math.log2(i + 2);
  }
  if (i < numRet) {
    for (; i < numRet; i++) {
      const g = getGain(rels[i], gains);
      if (g !== 0) dcg += g / Math.log2(i + 2);
    }
    if (idcg > 0.0) {
      sum += dcg / idcg;
      changes++;
    }
  }
  for (; ideal.gain > 0.0; i++) {
    ideal.next();
    if (oldIdealGain !== ideal.gain) {
      if (idcg > 0.0) {
        sum += dcg / idcg;
        changes++;
      }
      oldIdealGain = ideal.gain;
    }
    if (ideal.gain > 0.0) idcg += ideal.gain / Math.log2(i + 2);
  }
  return sum / changes;
}

/**
 * trec_eval's `Rndcg`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rndcg } from "./r_ndcg.ts";
 * assert(Rndcg.name === "Rndcg");
 * ```
 */
export const Rndcg: MeasureDef = {
  name: "Rndcg",
  paramKind: "pairs",
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, _ctx, out, at) {
    out[at] = rNdcg(rr.rels, rr.numRel, setupGains(p.pairs, rr.relLevels, rr.numRelLevels));
  },
};
