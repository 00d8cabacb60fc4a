/**
 * The order of document ids that trec_eval uses to break score ties: `strcmp`
 * on the UTF-8 bytes, which is Unicode code point order. JavaScript's `<`
 * compares UTF-16 code units, which differs from code point order only when a
 * surrogate pair meets a character in U+E000–U+FFFF; {@linkcode compareDocids}
 * corrects that case.
 *
 * A ranking orders documents by score descending, then by docid
 * **descending** (trec_eval's `comp_sim_docno`). Searches precompute each
 * document's position in ascending docid order ({@linkcode docidRanks}), so
 * ties are broken by comparing two integers.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";

/** Maps a UTF-16 code unit ≥ 0xD800 so that surrogates sort after U+E000–U+FFFF. */
function fixup(c: number): number {
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

/**
 * Compares two docids in code point (UTF-8 byte, `strcmp`) order.
 *
 * @param a First id.
 * @param b Second id.
 * @returns A negative number when `a` sorts first, positive when `b` does, 0 when equal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareDocids } from "./docid_order.ts";
 * assert(compareDocids("d10", "d9") < 0);
 * assert(compareDocids("\u{1F600}", "\uFF01") > 0); // code point order, not UTF-16
 * ```
 */
export function compareDocids(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca !== cb) {
      if (ca >= 0xd800 && cb >= 0xd800) {
        ca = fixup(ca);
        cb = fixup(cb);
      }
      return ca - cb;
    }
  }
  return a.length - b.length;
}

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
  order.sort((i, j) => compareDocids(ids[i], ids[j]));
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
