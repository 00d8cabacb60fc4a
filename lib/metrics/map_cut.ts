/**
 * `map_cut_k`: average precision of the top k only, still divided by R.
 *
 *     AP@k = (1 / R) · Σ_{i <= k : doc i relevant} (relevant in top i) / i
 *
 * 0 when R = 0. Default cutoffs as P.
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";
import { DEFAULT_CUTOFFS } from "./precision.ts";

/**
 * Average precision cut at each cutoff.
 *
 * @param rels Relevance at ranks 1..n.
 * @param numRel R.
 * @param cutoffs Increasing positive cutoffs.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns AP@k for each k.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { averagePrecisionAtCutoffs } from "./map_cut.ts";
 * assert(averagePrecisionAtCutoffs([1, 0, 1], 2, [1, 3]).join() === [0.5, (1 + 2 / 3) / 2].join());
 * ```
 */
export function averagePrecisionAtCutoffs(
  rels: ArrayLike<number>,
  numRel: number,
  cutoffs: readonly number[],
  relevanceLevel = 1,
): number[] {
  const v = new Array<number>(cutoffs.length).fill(0);
  if (numRel === 0) return v;
  let c = 0;
  let relSoFar = 0;
  let sum = 0;
  for (let i = 0; i < rels.length; i++) {
    if (i === cutoffs[c]) {
      v[c] = sum / numRel;
      if (++c === cutoffs.length) break;
    }
    if (rels[i] >= relevanceLevel) {
      relSoFar++;
      sum += relSoFar / (i + 1);
    }
  }
  while (c < cutoffs.length) v[c++] = sum / numRel;
  return v;
}

/**
 * trec_eval's `map_cut` (values `map_cut_5`, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapCut } from "./map_cut.ts";
 * assert(mapCut.name === "map_cut");
 * ```
 */
export const mapCut: MeasureDef = {
  name: "map_cut",
  paramKind: "longCutoffs",
  defaults: DEFAULT_CUTOFFS,
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, ctx, out, at) {
    const v = averagePrecisionAtCutoffs(rr.rels, rr.numRel, p.values, ctx.relevanceLevel);
    for (let i = 0; i < v.length; i++) out[at + i] = v[i];
  },
};
