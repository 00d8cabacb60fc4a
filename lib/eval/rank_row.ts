/**
 * Ranks inside one row of scores (one query against a collection), in the
 * order trec_eval sorts a run: score descending, ties broken by docid
 * descending — here through `keys`, each document's position in ascending
 * docid order (`lib/retrieval/docid_order.ts`).
 *
 * @module
 */

import { TopK } from "../retrieval/topk.ts";

/**
 * The 1-based ranks of `targets` (column indices) among `scores[0 … n)`,
 * without sorting: a target's rank is 1 + the number of columns that rank
 * before it. Returns ranks in ascending order (what average precision needs).
 *
 * @param scores The row (a view of length ≥ n).
 * @param keys Tie-break keys of the columns (a view aligned with `scores`).
 * @param n Number of columns.
 * @param targets Columns to rank (distinct).
 * @param aligned Return `ranks[i]` for `targets[i]` instead of ascending ranks.
 *
 * @example
 * ```ts
 * import { ranksInRow } from "./rank_row.ts";
 * const scores = new Float32Array([0.5, 0.9, 0.5, 0.1]);
 * const keys = new Int32Array([0, 1, 2, 3]);
 * // order: col1 (0.9), col2 (0.5, larger key), col0 (0.5), col3 → ranks of cols 0 and 3: 3 and 4
 * console.assert(ranksInRow(scores, keys, 4, [3, 0]).join() === "3,4");
 * ```
 */
export function ranksInRow(
  scores: ArrayLike<number>,
  keys: ArrayLike<number>,
  n: number,
  targets: ArrayLike<number>,
  aligned = false,
): Float64Array {
  const m = targets.length;
  // Targets sorted best first: (score desc, key desc).
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => {
    const sa = scores[targets[a]], sb = scores[targets[b]];
    return sa !== sb ? sb - sa : keys[targets[b]] - keys[targets[a]];
  });
  const ts = new Float64Array(m);
  const tk = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    ts[i] = scores[targets[order[i]]];
    tk[i] = keys[targets[order[i]]];
  }
  // beats[i]: columns (other than targets) ranking before target i, counted
  // as "columns ranking before worst-to-best prefixes", via a difference array.
  const before = new Float64Array(m + 1);
  const worst = ts[m - 1];
  for (let j = 0; j < n; j++) {
    const s = scores[j];
    if (s < worst) continue;
    const k = keys[j];
    // The first target that column j does NOT rank before … binary search.
    let lo = 0, hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s > ts[mid] || (s === ts[mid] && k > tk[mid])) hi = mid;
      else lo = mid + 1;
    }
    // Column j ranks before targets lo … m-1.
    before[lo]++;
  }
  const ranks = new Float64Array(m);
  let acc = 0;
  for (let i = 0; i < m; i++) {
    acc += before[i];
    // acc counts columns before target i, including targets 0 … i-1 themselves
    // (each target ranks before the later ones) — so rank = acc + 1.
    ranks[aligned ? order[i] : i] = acc + 1;
  }
  return ranks;
}

/**
 * Like {@linkcode ranksInRow}, but `ranks[i]` is the rank of `targets[i]`
 * (input order, not sorted).
 *
 * @example
 * ```ts
 * import { ranksOfTargets } from "./rank_row.ts";
 * const r = ranksOfTargets(new Float32Array([0.5, 0.9, 0.5, 0.1]), new Int32Array([0, 1, 2, 3]), 4, [3, 0]);
 * console.assert(r.join() === "4,3");
 * ```
 */
export function ranksOfTargets(
  scores: ArrayLike<number>,
  keys: ArrayLike<number>,
  n: number,
  targets: ArrayLike<number>,
): Float64Array {
  return ranksInRow(scores, keys, n, targets, true);
}

/**
 * The best `depth` columns of a row (all of them when `depth` is 0), best
 * first, in trec_eval's order.
 *
 * @example
 * ```ts
 * import { topOfRow } from "./rank_row.ts";
 * const top = topOfRow(new Float32Array([0.5, 0.9, 0.5]), new Int32Array([0, 1, 2]), 3, 2);
 * console.assert(top.join() === "1,2");
 * ```
 */
export function topOfRow(
  scores: Float32Array,
  keys: ArrayLike<number>,
  n: number,
  depth: number,
): Int32Array {
  if (depth === 0 || depth >= n) {
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const keyed = Array.from(all);
    keyed.sort((a, b) => scores[a] !== scores[b] ? scores[b] - scores[a] : keys[b] - keys[a]);
    return Int32Array.from(keyed);
  }
  const top = new TopK(depth);
  let threshold = -Infinity;
  for (let j = 0; j < n; j++) {
    const s = scores[j];
    if (s < threshold) continue;
    top.push(s, j, keys[j]);
    threshold = top.minScore;
  }
  return top.drain().rows;
}
