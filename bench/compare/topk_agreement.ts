/**
 * The checksum of a search comparison: how far two engines' top-k lists
 * agree. Exact searches return the same id sets; their order may differ
 * where scores tie (or differ in the last bit, from a different summation
 * order), so sets are compared per query, and positions are reported apart.
 *
 * @module
 */

import { InputError } from "../../lib/util/errors.ts";

/** How two sets of top-k lists agree. */
export interface TopkAgreement {
  /** Number of queries. */
  queries: number;
  /** Hits per query. */
  k: number;
  /** Fraction of all ids (over queries) that are in both lists of their query. */
  shared: number;
  /** Fraction of positions holding the same id in both lists. */
  samePosition: number;
  /** Queries whose two lists hold exactly the same ids. */
  identicalQueries: number;
  /** The query with the fewest shared ids, and that count. */
  worst: { query: number; shared: number };
}

/**
 * Compares two row-major `queries × k` id matrices (`-1` = no hit, ignored).
 *
 * @param a The ids of one engine.
 * @param b The ids of the other, same shape.
 * @param k Hits per query.
 * @returns The agreement.
 * @throws {InputError} when the shapes differ or are not multiples of `k`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { topkAgreement } from "./topk_agreement.ts";
 * const r = topkAgreement(new Int32Array([1, 2, 3, 4]), new Int32Array([2, 1, 3, 5]), 2);
 * assert(r.shared === 0.75 && r.samePosition === 0.25 && r.identicalQueries === 1);
 * ```
 */
export function topkAgreement(a: Int32Array, b: Int32Array, k: number): TopkAgreement {
  if (!(Number.isInteger(k) && k > 0) || a.length !== b.length || a.length % k !== 0) {
    throw new InputError(
      `Cannot compare top-k lists: lengths ${a.length} and ${b.length}, expected equal multiples of k = ${k}`,
    );
  }
  const queries = a.length / k;
  let shared = 0, same = 0, counted = 0, identical = 0;
  let worst = { query: -1, shared: Infinity };
  const inB = new Set<number>();
  for (let q = 0; q < queries; q++) {
    inB.clear();
    for (let i = q * k; i < (q + 1) * k; i++) if (b[i] >= 0) inB.add(b[i]);
    let s = 0, n = 0;
    for (let i = q * k; i < (q + 1) * k; i++) {
      if (a[i] < 0) continue;
      n++;
      if (inB.has(a[i])) s++;
      if (a[i] === b[i]) same++;
    }
    const size = Math.max(n, inB.size);
    if (s === size) identical++;
    if (s < worst.shared) worst = { query: q, shared: s };
    shared += s;
    counted += size;
  }
  return {
    queries,
    k,
    shared: counted === 0 ? 1 : shared / counted,
    samePosition: counted === 0 ? 1 : same / counted,
    identicalQueries: identical,
    worst: queries === 0 ? { query: -1, shared: 0 } : worst,
  };
}
