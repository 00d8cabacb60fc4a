/**
 * `G`: normalised gain (experimental, trec_eval 2008). The document at rank i
 * contributes
 *
 *     gain_i / log2(2 + cost_i − Σ_{j <= i} gain_j)
 *
 * where cost_i sums max(ideal gain at j, 1) over j <= i; the total is divided
 * by the ideal total gain. Gains as ndcg (`-m G.1=3,2=9`).
 *
 * @module
 */

import { getGain, IdealGains, type RelGain, setupGains } from "./_gains.ts";
import type { MeasureDef } from "./measure.ts";

/**
 * Normalised gain G.
 *
 * @param rels Relevance at ranks 1..n.
 * @param gains Gain table from `setupGains`.
 * @returns G, 0 when the ideal gain is 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizedGain } from "./g.ts";
 * import { setupGains } from "./_gains.ts";
 * assert(normalizedGain([1], setupGains([], [0, 1], 2)) === 1);
 * ```
 */
export function normalizedGain(rels: ArrayLike<number>, gains: readonly RelGain[]): number {
  const numRet = rels.length;
  const ideal = new IdealGains(gains);
  const minCost = 1.0;
  let resultsG = 0.0;
  let sumResults = 0.0;
  let sumIdeal = 0.0;
  let sumCost = 0.0;
  let i = 0;
  for (; i < numRet && ideal.gain > 0.0; i++) {
    const g = getGain(rels[i], gains);
    sumResults += g;
    const ig = ideal.next();
    if (ig > 0.0) sumIdeal += ig;
    sumCost += ig >= minCost ? ig : minCost;
    if (g !== 0) resultsG += g / Math.log2(2 + sumCost - sumResults);
  }
  for (; i < numRet; i++) {
    const g = getGain(rels[i], gains);
    sumResults += g;
    sumCost += minCost;
    if (g !== 0) resultsG += g / Math.log2(2 + sumCost - sumResults);
  }
  while (ideal.gain > 0.0) {
    const ig = ideal.next();
    if (ig > 0.0) sumIdeal += ig;
  }
  return sumIdeal > 0.0 ? resultsG / sumIdeal : 0;
}

/**
 * trec_eval's `G`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { G } from "./g.ts";
 * assert(G.paramKind === "pairs");
 * ```
 */
export const G: MeasureDef = {
  name: "G",
  paramKind: "pairs",
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, _ctx, out, at) {
    out[at] = normalizedGain(rr.rels, setupGains(p.pairs, rr.relLevels, rr.numRelLevels));
  },
};
