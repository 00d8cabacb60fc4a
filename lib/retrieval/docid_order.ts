/**
 * The order of document ids that trec_eval uses to break score ties: `strcmp`
 * on the UTF-8 bytes, which is Unicode code point order
 * ({@linkcode compareUtf8}).
 *
 * A ranking orders documents by score descending, then by docid
 * **descending** (trec_eval's `comp_sim_docno`). Searches precompute each
 * document's position in ascending docid order ({@linkcode docidRanks}), so
 * ties are broken by comparing two integers.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { compareUtf8 } from "../util/strcmp.ts";

/**
 * The position of every id in ascending docid order: `ranks[i] > ranks[j]`
 * exactly when `ids[i]` sorts after `ids[j]`, so a ranking breaks a score tie
 * in favour of the larger rank.
 *
 * @param ids Document ids, all distinct.
 * @param what Names the collection in the error message.
 * @returns `ranks[i]` in `0 … ids.length - 1`.
 * @throws {InputError} when an id occurs twice (trec_eval could not rank both).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { docidRanks } from "./docid_order.ts";
 * assert(docidRanks(["b", "a", "c"]).join() === "1,0,2");
 * ```
 */
export function docidRanks(ids: readonly string[], what = "the index"): Int32Array {
  const order = Array.from(ids.keys());
  order.sort((i, j) => compareUtf8(ids[i], ids[j]));
  const ranks = new Int32Array(ids.length);
  for (let r = 0; r < order.length; r++) {
    if (r > 0 && ids[order[r]] === ids[order[r - 1]]) {
      throw new InputError(
        `Duplicate document id "${ids[order[r]]}" in ${what}, expected each id once`,
      );
    }
    ranks[order[r]] = r;
  }
  return ranks;
}
