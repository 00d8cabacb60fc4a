/**
 * `unj_k`: fraction of the top k that is not judged (not in the qrels, or
 * judged negative); missing ranks below num_ret count as judged.
 *
 *     unj@k = (unjudged in top k) / k
 *
 * Default cutoffs 5, 10, 20.
 *
 * @module
 */

import { type MeasureDef, RELVALUE_NONPOOL, RELVALUE_UNJUDGED } from "./measure.ts";

/**
 * Unjudged fraction at each cutoff.
 *
 * @param rels Relevance at ranks 1..n (-1 not in qrels, -2 judged negative).
 * @param cutoffs Increasing positive cutoffs.
 * @returns unj@k for each k.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unjudgedAtCutoffs } from "./unj.ts";
 * assert(unjudgedAtCutoffs([-1, 0, 1, 1], [2, 4]).join() === "0.5,0.25");
 * ```
 */
export function unjudgedAtCutoffs(rels: ArrayLike<number>, cutoffs: readonly number[]): number[] {
  const v = new Array<number>(cutoffs.length);
  let c = 0;
  let unj = 0;
  for (let i = 0; i < rels.length; i++) {
    if (i === cutoffs[c]) {
      v[c] = unj / i;
      if (++c === cutoffs.length) break;
    }
    if (rels[i] === RELVALUE_NONPOOL || rels[i] === RELVALUE_UNJUDGED) unj++;
  }
  while (c < cutoffs.length) {
    v[c] = unj / cutoffs[c];
    c++;
  }
  return v;
}

/**
 * trec_eval's `unj` (values `unj_5`, `unj_10`, `unj_20`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unj } from "./unj.ts";
 * assert(unj.defaults?.join() === "5,10,20");
 * ```
 */
export const unj: MeasureDef = {
  name: "unj",
  paramKind: "longCutoffs",
  defaults: [5, 10, 20],
  valueType: "float",
  summary: "mean",
  perQuery: true,
  zeroWhenMissing: true,
  compute(rr, p, _ctx, out, at) {
    const v = unjudgedAtCutoffs(rr.rels, p.values);
    for (let i = 0; i < v.length; i++) out[at + i] = v[i];
  },
};
