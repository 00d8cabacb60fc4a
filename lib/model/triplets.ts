/**
 * The candidate passages of a training batch with hard negatives (the paper's
 * Eq. 1 over triplets `(q, d⁺, d⁻)`): the `B` positives, then the `B` hard
 * negatives, `M = 2B` columns of the cosine matrix; and the entries left out
 * of the softmax: a candidate whose token ids equal those of query `i`'s own
 * positive (another question's positive, or a mined negative, that is the
 * same sentence) is not a negative of query `i`.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import type { PairBatch } from "./encoder.ts";
import type { InfoNceShape } from "./infonce.ts";

/**
 * The candidates of a batch: its passages, then its negatives when it has them.
 *
 * @param batch The batch.
 * @returns The passages (the same array when there are no negatives), or passages + negatives.
 * @throws {InputError} when there are negatives but not one per query.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchCandidates } from "./triplets.ts";
 * const a = Int32Array.of(1), b = Int32Array.of(2), c = Int32Array.of(3);
 * assert.deepEqual(batchCandidates({ queries: [a], passages: [b], negatives: [c] }), [b, c]);
 * assert.throws(() => batchCandidates({ queries: [a], passages: [b], negatives: [] }), /0 negatives/);
 * ```
 */
export function batchCandidates(batch: PairBatch): Int32Array[] {
  const negatives = batch.negatives;
  if (negatives === undefined) return batch.passages;
  if (!Array.isArray(negatives) || negatives.length !== batch.queries.length) {
    throw new InputError(
      `a batch has ${batch.queries.length} queries and ${
        Array.isArray(negatives) ? negatives.length : "no list of"
      } negatives, expected one negative per query`,
    );
  }
  return [...batch.passages, ...negatives];
}

function _same(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * The loss layout of a batch: `B` queries, `M` candidates and, with
 * negatives, the `B × M` mask of candidates `j ≠ i` whose ids equal those of
 * query `i`'s positive (null when none is). Without negatives: `B × B`, no mask.
 *
 * @param batch The batch (passages checked to be one per query by the caller).
 * @param candidates {@linkcode batchCandidates} of the batch.
 * @returns The shape for `infoNceFromCosines` / `infoNceLoss`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchCandidates, tripletShape } from "./triplets.ts";
 * const q = [Int32Array.of(1), Int32Array.of(2)];
 * const batch = { queries: q, passages: [Int32Array.of(5), Int32Array.of(6)], negatives: [Int32Array.of(7), Int32Array.of(5)] };
 * const shape = tripletShape(batch, batchCandidates(batch));
 * assert.equal(shape.candidates, 4);
 * // Query 1's negative is query 0's positive: left out of query 0's softmax.
 * assert.deepEqual([...shape.masked!], [0, 0, 0, 1, 0, 0, 0, 0]);
 * ```
 */
export function tripletShape(
  batch: PairBatch,
  candidates: readonly Int32Array[],
): InfoNceShape & { masked: Uint8Array | null } {
  const n = batch.queries.length, m = candidates.length;
  if (batch.negatives === undefined) return { queries: n, candidates: m, masked: null };
  let masked: Uint8Array | null = null;
  const byLength = new Map<number, number[]>();
  candidates.forEach((c, j) => {
    const list = byLength.get(c.length);
    if (list) list.push(j);
    else byLength.set(c.length, [j]);
  });
  for (let i = 0; i < n; i++) {
    const positive = candidates[i];
    for (const j of byLength.get(positive.length)!) {
      if (j !== i && _same(positive, candidates[j])) {
        masked ??= new Uint8Array(n * m);
        masked[i * m + j] = 1;
      }
    }
  }
  return { queries: n, candidates: m, masked };
}
