/**
 * `map`: average precision of one query (averaged over queries in the summary).
 *
 *     AP = (1 / R) · Σ_{k : doc k relevant} (relevant in top k) / k
 *
 * with R = num_rel (relevant documents in the qrels, retrieved or not).
 * A query with no relevant document retrieved scores 0.
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * Average precision over a ranked relevance list (trec_eval's `map` kernel).
 *
 * @param rels Relevance at ranks 1..n (qrels values; -1 not in qrels).
 * @param numRel R, the number of relevant documents in the qrels.
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns AP in [0, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { averagePrecision } from "./map.ts";
 * // relevant at ranks 1 and 3, R = 3: (1/1 + 2/3) / 3
 * assert(averagePrecision([1, 0, 1], 3) === (1 + 2 / 3) / 3);
 * ```
 */
export function averagePrecision(
  rels: ArrayLike<number>,
  numRel: number,
  relevanceLevel = 1,
): number {
  let relSoFar = 0;
  let sum = 0;
  for (let i = 0; i < rels.length; i++) {
    if (rels[i] >= relevanceLevel) {
      relSoFar++;
      sum += relSoFar / (i + 1);
    }
  }
  return relSoFar ? sum / numRel : 0;
}

/**
 * Average precision from the 1-based ranks at which the relevant documents
 * were retrieved — for callers that rank a whole collection and know where
 * the relevant documents landed. Equals trec_eval's `map` for the same
 * ranking (same operations in the same order).
 *
 * @param ranks Ranks of the retrieved relevant documents, strictly increasing, >= 1.
 * @param numRel R, the number of relevant documents (retrieved or not).
 * @returns AP in [0, 1]; 0 when `ranks` is empty.
 * @throws {RangeError} When `ranks` is not strictly increasing from >= 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { averagePrecisionFromRanks } from "./map.ts";
 * assert(averagePrecisionFromRanks([1, 3], 3) === (1 + 2 / 3) / 3);
 * ```
 */
export function averagePrecisionFromRanks(ranks: ArrayLike<number>, numRel: number): number {
  let sum = 0;
  let prev = 0;
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i];
    if (!(r > prev) || !Number.isInteger(r)) {
      throw new RangeError(`ranks must be strictly increasing integers >= 1, got ${r} at ${i}`);
    }
    prev = r;
    sum += (i + 1) / r;
  }
  return ranks.length > 0 && numRel > 0 ? sum / numRel : 0;
}

/**
 * trec_eval's `map`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { map } from "./map.ts";
 * assert(map.summary === "mean");
 * ```
 */
export const map: MeasureDef = {
  name: "map",
  paramKind: "none",
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, _p, ctx, out, at) {
    out[at] = averagePrecision(rr.rels, rr.numRel, ctx.relevanceLevel);
  },
};
