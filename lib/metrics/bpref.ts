/**
 * `bpref`: binary preference (Buckley & Voorhees, SIGIR 2004). Only judged
 * documents count; documents not in the qrels are skipped.
 *
 *     bpref = (1/R) · Σ_{r relevant retrieved} (1 − min(n_r, R) / min(N, R))
 *
 * with n_r the judged non-relevant documents ranked above r, N the judged
 * non-relevant documents in the qrels, and the term 1 when n_r = 0.
 *
 * @module
 */

import { type MeasureDef, RELVALUE_NONPOOL, RELVALUE_UNJUDGED } from "./measure.ts";

/**
 * bpref over a ranked relevance list.
 *
 * @param rels Relevance at ranks 1..n (-1 not in qrels, -2 judged negative).
 * @param numRel R.
 * @param numNonrel N: documents in the qrels with `0 <= rel < relevanceLevel`.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns bpref in [0, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bpref } from "./bpref.ts";
 * // rel, nonrel, rel; R = 2, N = 5: (1 + (1 - 1/2)) / 2
 * assert(bpref([1, 0, 1], 2, 5) === 0.75);
 * ```
 */
export function bpref(
  rels: ArrayLike<number>,
  numRel: number,
  numNonrel: number,
  relevanceLevel = 1,
): number {
  let nonrelSoFar = 0;
  let sum = 0;
  for (let j = 0; j < rels.length; j++) {
    const r = rels[j];
    if (r === RELVALUE_NONPOOL || r === RELVALUE_UNJUDGED) continue;
    if (r >= 0 && r < relevanceLevel) {
      nonrelSoFar++;
    } else if (nonrelSoFar > 0) {
      sum += 1.0 - Math.min(nonrelSoFar, numRel) / Math.min(numNonrel, numRel);
    } else {
      sum += 1.0;
    }
  }
  return numRel ? sum / numRel : sum;
}

/**
 * Judged non-relevant documents in the qrels: Σ_{0 <= j < relevanceLevel} relLevels[j].
 *
 * @param relLevels Documents per relevance value.
 * @param relevanceLevel The relevance level.
 * @returns N.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numJudgedNonrel } from "./bpref.ts";
 * assert(numJudgedNonrel([5, 2, 1], 2) === 7);
 * ```
 */
export function numJudgedNonrel(relLevels: readonly number[], relevanceLevel: number): number {
  let n = 0;
  for (let j = 0; j < relevanceLevel; j++) n += relLevels[j] ?? 0;
  return n;
}

/**
 * trec_eval's `bpref`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bprefMeasure } from "./bpref.ts";
 * assert(bprefMeasure.name === "bpref");
 * ```
 */
export const bprefMeasure: MeasureDef = {
  name: "bpref",
  paramKind: "none",
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, _p, ctx, out, at) {
    const n = numJudgedNonrel(rr.relLevels, ctx.relevanceLevel);
    out[at] = bpref(rr.rels, rr.numRel, n, ctx.relevanceLevel);
  },
};
