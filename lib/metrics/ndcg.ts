/**
 * `ndcg` (Järvelin & Kekäläinen 2002) over the whole ranking, and its parts
 * `dcg` and `ideal_dcg`:
 *
 *     DCG  = Σ_i gain(rel_i) / log2(i + 1)        (i = 1-based rank)
 *     nDCG = DCG / IDCG
 *
 * IDCG ranks the qrels' documents by gain, over the positive gains, to the
 * full depth (not cut at num_ret). The gain of relevance j is j unless given
 * (`-m ndcg.1=3,2=9`); gains ignore `-l`. 0 when IDCG is 0.
 *
 * @module
 */

import { getGain, IdealGains, type RelGain, setupGains } from "./_gains.ts";
import type { MeasureDef, MeasureParams, RankedRels } from "./measure.ts";

/** DCG of a ranking and of the ideal ranking. */
export interface DcgPair {
  /** DCG of the ranking. */
  dcg: number;
  /** DCG of the ideal ranking. */
  idealDcg: number;
}

/**
 * DCG and ideal DCG, summed in rank order as trec_eval does.
 *
 * @param rels Relevance at ranks 1..n.
 * @param gains Gain table from `setupGains`.
 * @returns Both sums.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dcgPair } from "./ndcg.ts";
 * import { setupGains } from "./_gains.ts";
 * // qrels: one doc of relevance 2, one of relevance 1; ranking: rel 1, rel 2
 * const { dcg, idealDcg } = dcgPair([1, 2], setupGains([], [0, 1, 1], 3));
 * assert(dcg === 1 + 2 / Math.log2(3) && idealDcg === 2 + 1 / Math.log2(3));
 * ```
 */
export function dcgPair(rels: ArrayLike<number>, gains: readonly RelGain[]): DcgPair {
  const numRet = rels.length;
  const ideal = new IdealGains(gains);
  let dcg = 0.0;
  let idealDcg = 0.0;
  let i = 0;
  for (; i < numRet && ideal.gain > 0.0; i++) {
    const g = getGain(rels[i], gains);
    if (g !== 0) dcg += g / Math.log2(i + 2);
    if (ideal.next() > 0.0) idealDcg += ideal.gain / Math.log2(i + 2);
  }
  for (; i < numRet; i++) {
    const g = getGain(rels[i], gains);
    if (g !== 0) dcg += g / Math.log2(i + 2);
  }
  for (; ideal.gain > 0.0; i++) {
    if (ideal.next() > 0.0) idealDcg += ideal.gain / Math.log2(i + 2);
  }
  return { dcg, idealDcg };
}

function gainsOf(rr: RankedRels, p: MeasureParams): RelGain[] {
  return setupGains(p.pairs, rr.relLevels, rr.numRelLevels);
}

/**
 * nDCG over the whole ranking.
 *
 * @param rels Relevance at ranks 1..n.
 * @param gains Gain table from `setupGains`.
 * @returns nDCG, 0 when the ideal DCG is 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ndcgOf } from "./ndcg.ts";
 * import { setupGains } from "./_gains.ts";
 * assert(ndcgOf([2, 1], setupGains([], [0, 1, 1], 3)) === 1);
 * ```
 */
export function ndcgOf(rels: ArrayLike<number>, gains: readonly RelGain[]): number {
  const { dcg, idealDcg } = dcgPair(rels, gains);
  return idealDcg > 0.0 ? dcg / idealDcg : 0;
}

const base = {
  paramKind: "pairs",
  valueType: "float",
  summary: "mean",
  perQuery: true,
} as const;

/**
 * trec_eval's `ndcg`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ndcg } from "./ndcg.ts";
 * assert(ndcg.paramKind === "pairs");
 * ```
 */
export const ndcg: MeasureDef = {
  ...base,
  name: "ndcg",
  compute(rr, p, _ctx, out, at) {
    out[at] = ndcgOf(rr.rels, gainsOf(rr, p));
  },
};

/**
 * trec_eval's `dcg` (not in `all_trec`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dcg } from "./ndcg.ts";
 * assert(dcg.name === "dcg");
 * ```
 */
export const dcg: MeasureDef = {
  ...base,
  name: "dcg",
  compute(rr, p, _ctx, out, at) {
    out[at] = dcgPair(rr.rels, gainsOf(rr, p)).dcg;
  },
};

/**
 * trec_eval's `ideal_dcg` (not in `all_trec`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { idealDcg } from "./ndcg.ts";
 * assert(idealDcg.name === "ideal_dcg");
 * ```
 */
export const idealDcg: MeasureDef = {
  ...base,
  name: "ideal_dcg",
  compute(rr, p, _ctx, out, at) {
    out[at] = dcgPair(rr.rels, gainsOf(rr, p)).idealDcg;
  },
};
