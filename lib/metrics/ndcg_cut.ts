/**
 * `ndcg_cut_k`: nDCG of the top k.
 *
 *     nDCG@k = DCG@k / IDCG@k,  DCG@k = Σ_{i <= k} rel_i / log2(i + 1)
 *
 * Gains are the qrels values themselves (no `j=gain` parameters; values <= 0
 * add nothing); IDCG@k ranks the qrels' documents by relevance. 0 when
 * IDCG@k is 0. Default cutoffs as P (`-m ndcg_cut.10,20`).
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";
import { DEFAULT_CUTOFFS } from "./precision.ts";

/**
 * nDCG at each cutoff, as trec_eval computes it.
 *
 * @param rels Relevance at ranks 1..n.
 * @param relLevels Documents in the qrels per relevance value.
 * @param numRelLevels 1 + the highest relevance with a document.
 * @param cutoffs Increasing positive cutoffs.
 * @returns nDCG@k for each k.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ndcgAtCutoffs } from "./ndcg_cut.ts";
 * // qrels: one doc of relevance 1; ranking: non-relevant, relevant
 * const v = ndcgAtCutoffs([0, 1], [5, 1], 2, [1, 2]);
 * assert(v[0] === 0 && v[1] === 1 / Math.log2(3));
 * ```
 */
export function ndcgAtCutoffs(
  rels: ArrayLike<number>,
  relLevels: readonly number[],
  numRelLevels: number,
  cutoffs: readonly number[],
): number[] {
  const n = cutoffs.length;
  const v = new Array<number>(n).fill(0);
  let c = 0;
  let sum = 0.0;
  for (let i = 0; i < rels.length; i++) {
    if (i === cutoffs[c]) {
      v[c] = sum;
      if (++c === n) break;
    }
    const gain = rels[i];
    if (gain > 0) sum += gain / Math.log2(i + 2);
  }
  while (c < n) v[c++] = sum;

  c = 0;
  let level = numRelLevels - 1;
  let count = 0;
  let ideal = 0.0;
  for (let i = 0;; i++) {
    count++;
    while (level > 0 && count > (relLevels[level] ?? 0)) {
      level--;
      count = 1;
    }
    if (level === 0) break;
    if (i === cutoffs[c]) {
      if (ideal > 0.0) v[c] /= ideal;
      if (++c === n) break;
    }
    ideal += level / Math.log2(i + 2);
  }
  while (c < n) {
    if (ideal > 0.0) v[c] /= ideal;
    c++;
  }
  return v;
}

/**
 * trec_eval's `ndcg_cut` (values `ndcg_cut_5`, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ndcgCut } from "./ndcg_cut.ts";
 * assert(ndcgCut.name === "ndcg_cut");
 * ```
 */
export const ndcgCut: MeasureDef = {
  name: "ndcg_cut",
  paramKind: "longCutoffs",
  defaults: DEFAULT_CUTOFFS,
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, _ctx, out, at) {
    const v = ndcgAtCutoffs(rr.rels, rr.relLevels, rr.numRelLevels, p.values);
    for (let i = 0; i < v.length; i++) out[at + i] = v[i];
  },
};
