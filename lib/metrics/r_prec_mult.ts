/**
 * `Rprec_mult_x`: precision after ⌊x·R + 0.9⌋ documents, at multiples x of
 * R (default 0.2, 0.4, …, 2.0; `-m Rprec_mult.0.5,1.5`). Past the end of the
 * ranking the missing documents count as non-relevant.
 *
 *     Rprec_mult(x) = (relevant in top k) / k,  k = ⌊x·R + 0.9⌋
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * Precision at multiples of R, as trec_eval computes it.
 *
 * @param rels Relevance at ranks 1..n.
 * @param numRel R.
 * @param numRelRet Relevant documents in `rels`.
 * @param multiples Increasing multiples of R.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns Precision at each multiple.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { precisionAtRMultiples } from "./r_prec_mult.ts";
 * assert(precisionAtRMultiples([1, 0, 1, 0], 2, 2, [1, 2]).join() === "0.5,0.5");
 * ```
 */
export function precisionAtRMultiples(
  rels: ArrayLike<number>,
  numRel: number,
  numRelRet: number,
  multiples: readonly number[],
  relevanceLevel = 1,
): number[] {
  const numRet = rels.length;
  const v = new Array<number>(multiples.length).fill(0);
  const cutoffs = multiples.map((x) => Math.trunc(x * numRel + 0.9));
  let cut = multiples.length - 1;
  while (cut >= 0 && cutoffs[cut] > numRet) {
    v[cut] = numRelRet / cutoffs[cut];
    cut--;
  }
  let relSoFar = numRelRet;
  for (let i = numRet; i > 0 && relSoFar > 0; i--) {
    const precis = relSoFar / i;
    while (cut >= 0 && i === cutoffs[cut]) v[cut--] = precis;
    if (rels[i - 1] >= relevanceLevel) relSoFar--;
  }
  return v;
}

/**
 * trec_eval's `Rprec_mult` (values `Rprec_mult_0.20`, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RprecMult } from "./r_prec_mult.ts";
 * assert(RprecMult.defaults?.length === 10);
 * ```
 */
export const RprecMult: MeasureDef = {
  name: "Rprec_mult",
  paramKind: "doubleCutoffs",
  defaults: [0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0],
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, ctx, out, at) {
    const v = precisionAtRMultiples(rr.rels, rr.numRel, rr.numRelRet, p.values, ctx.relevanceLevel);
    for (let i = 0; i < v.length; i++) out[at + i] = v[i];
  },
};
