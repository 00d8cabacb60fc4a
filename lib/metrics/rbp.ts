/**
 * `rbp`: rank-biased precision (Moffat & Zobel 2008) with persistence p
 * (default 0.9, `-m rbp.p=0.95`):
 *
 *     RBP = (1 − p) · Σ_i gain(rel_i) · p^(i−1)
 *
 * Gains as ndcg, rescaled to [0, 1] by (g − min)/(max − min) when any lies
 * outside [0, 1] (min and max taken over the gain table together with 0).
 * `rbp_resid` is the most RBP could grow if every unjudged retrieved document
 * (not in qrels or judged negative) had gain 1:
 *
 *     rbp_resid = p^n + (1 − p) · Σ_{i unjudged} p^(i−1)   (0 when none unjudged)
 *
 * @module
 */

import { getGain, setupGains } from "./_gains.ts";
import type { MeasureDef, MeasureParams } from "./measure.ts";

function persistence(params: MeasureParams): number {
  let p = 0.9;
  for (const pair of params.pairs) if (pair.name === "p") p = pair.value;
  return p;
}

/**
 * Rank-biased precision.
 *
 * @param rels Relevance at ranks 1..n.
 * @param relLevels Documents in the qrels per relevance value.
 * @param numRelLevels 1 + the highest relevance with a document.
 * @param params Parameters (`p`, `level=gain`).
 * @returns RBP.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankBiasedPrecision } from "./rbp.ts";
 * const v = rankBiasedPrecision([1, 0], [1, 1], 2, { values: [], pairs: [] });
 * assert(Math.abs(v - 0.1) < 1e-12);
 * ```
 */
export function rankBiasedPrecision(
  rels: ArrayLike<number>,
  relLevels: readonly number[],
  numRelLevels: number,
  params: MeasureParams,
): number {
  const p = persistence(params);
  const gains = setupGains(params.pairs, relLevels, numRelLevels);
  // trec_eval leaves min and max uninitialised; 0 reproduces its outputs.
  let min = 0;
  let max = 0;
  for (const g of gains) {
    if (g.gain < min) min = g.gain;
    if (g.gain > max) max = g.gain;
  }
  if (min < 0 || max > 1) { for (const g of gains) g.gain = (g.gain - min) / (max - min); }
  let sum = 0.0;
  let curP = 1.0;
  for (let i = 0; i < rels.length; i++) {
    const gain = getGain(rels[i], gains);
    if (gain !== 0) sum += gain * curP;
    curP = curP * p;
  }
  return (1.0 - p) * sum;
}

/**
 * RBP residual.
 *
 * @param rels Relevance at ranks 1..n (negative: unjudged).
 * @param params Parameters (`p`).
 * @returns The residual, 0 when every retrieved document is judged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rbpResidual } from "./rbp.ts";
 * assert(rbpResidual([1], { values: [], pairs: [] }) === 0);
 * ```
 */
export function rbpResidual(rels: ArrayLike<number>, params: MeasureParams): number {
  const p = persistence(params);
  let unj = 0;
  let sum = 0.0;
  let curP = 1.0;
  for (let i = 0; i < rels.length; i++) {
    if (rels[i] < 0) {
      unj++;
      sum += curP;
    }
    curP = curP * p;
  }
  return unj ? curP + (1 - p) * sum : 0;
}

/**
 * trec_eval's `rbp`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rbp } from "./rbp.ts";
 * assert(rbp.name === "rbp");
 * ```
 */
export const rbp: MeasureDef = {
  name: "rbp",
  paramKind: "pairs",
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, _ctx, out, at) {
    out[at] = rankBiasedPrecision(rr.rels, rr.relLevels, rr.numRelLevels, p);
  },
};

/**
 * trec_eval's `rbp_resid`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rbpResid } from "./rbp.ts";
 * assert(rbpResid.name === "rbp_resid");
 * ```
 */
export const rbpResid: MeasureDef = {
  name: "rbp_resid",
  paramKind: "pairs",
  valueType: "float",
  summary: "mean",
  perQuery: true,
  zeroWhenMissing: true,
  compute(rr, p, _ctx, out, at) {
    out[at] = rbpResidual(rr.rels, p);
  },
};
