/**
 * Language bias in multilingual retrieval (the paper's rank distance): for a
 * query whose answer exists in several languages of the pool,
 *
 *   bias(q) = max_L r_L(q) − min_L r_L(q)
 *
 * where `r_L(q)` is the 1-based rank, in the pool ranking, of the query's best
 * relevant candidate in language `L` (with one answer sentence per language,
 * as in XQuAD-R, simply that sentence's rank). A model without language
 * preference ranks all translations of the answer next to each other (bias
 * near 0); a model that prefers the query's own language pushes the other
 * translations down. Lower is better. Queries with relevant candidates in
 * fewer than two languages have no bias (`NaN`) and are left out of means.
 * The dataset's value is the mean over queries, then over query languages.
 *
 * Ranks here are tie-aware (`ranksWithTies` in `rank_row.ts`: a candidate
 * tied with others takes the mean rank of the tie), so that a scorer with many
 * tied scores (BM25's zero scores) is not ranked by the alphabetical order of
 * the language-prefixed candidate ids; the trec_eval measures (mAP, recall)
 * keep trec_eval's docid tie order.
 *
 * @module
 */

/**
 * The rank distance of one query.
 *
 * @param ranks Pool ranks of the query's relevant candidates.
 * @param langs The language of each of those candidates.
 * @returns max − min over languages of each language's best rank; `NaN` with fewer than 2 languages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankDistance } from "./language_bias.ts";
 * assert(rankDistance([1, 7, 3], ["en", "de", "de"]) === 2);
 * assert(Number.isNaN(rankDistance([4], ["en"])));
 * ```
 */
export function rankDistance(ranks: ArrayLike<number>, langs: ArrayLike<string>): number {
  const best = bestRankByLanguage(ranks, langs);
  if (best.size < 2) return NaN;
  let lo = Infinity, hi = -Infinity;
  for (const r of best.values()) {
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  return hi - lo;
}

/**
 * Each language's best (smallest) rank among a query's relevant candidates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bestRankByLanguage } from "./language_bias.ts";
 * assert.deepEqual([...bestRankByLanguage([1, 7, 3], ["en", "de", "de"])], [["en", 1], ["de", 3]]);
 * ```
 */
export function bestRankByLanguage(
  ranks: ArrayLike<number>,
  langs: ArrayLike<string>,
): Map<string, number> {
  const best = new Map<string, number>();
  for (let i = 0; i < ranks.length; i++) {
    const b = best.get(langs[i]);
    if (b === undefined || ranks[i] < b) best.set(langs[i], ranks[i]);
  }
  return best;
}

/**
 * The two sides of the rank distance: the best rank of an answer in the
 * query's own language, and the mean over the other languages of their
 * answer's best rank (`NaN` when the query has no answer in that language /
 * in fewer than two languages). A model that prefers the query's language
 * ranks its own answer high and the others low.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ownAndOtherRanks } from "./language_bias.ts";
 * assert.deepEqual(ownAndOtherRanks([1, 7, 3], ["en", "de", "fr"], "en"), { own: 1, other: 5 });
 * ```
 */
export function ownAndOtherRanks(
  ranks: ArrayLike<number>,
  langs: ArrayLike<string>,
  own: string,
): { own: number; other: number } {
  const best = bestRankByLanguage(ranks, langs);
  let sum = 0, n = 0;
  for (const [l, r] of best) {
    if (l !== own) {
      sum += r;
      n++;
    }
  }
  return {
    own: best.get(own) ?? NaN,
    other: best.size >= 2 && n > 0 ? sum / n : NaN,
  };
}

/**
 * Mean of the finite values (NaN entries, queries without a bias, are skipped);
 * `NaN` when there are none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanDefined } from "./language_bias.ts";
 * assert(meanDefined([2, NaN, 4]) === 3);
 * ```
 */
export function meanDefined(values: ArrayLike<number>): number {
  let s = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) {
      s += values[i];
      n++;
    }
  }
  return n ? s / n : NaN;
}
