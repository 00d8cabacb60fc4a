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
 * import assert from "node:assert/strict";
 * import { ranksInRow } from "./rank_row.ts";
 * const scores = new Float32Array([0.5, 0.9, 0.5, 0.1]);
 * const keys = new Int32Array([0, 1, 2, 3]);
 * // order: col1 (0.9), col2 (0.5, larger key), col0 (0.5), col3 → ranks of cols 0 and 3: 3 and 4
 * assert(ranksInRow(scores, keys, 4, [3, 0]).join() === "3,4");
 * ```
 */
export function ranksInRow(
  scores: Float32Array,
  keys: Int32Array,
  n: number,
  targets: ArrayLike<number>,
  aligned = false,
): Float64Array {
  const ranks = rankTargets(scores, keys, n, targets, null);
  return aligned ? ranks : ranks.sort();
}

/**
 * The core of the rank functions: trec_eval ranks of `targets` (aligned with
 * them) and, when `mid` is given, their tie-aware ranks written into it.
 */
function rankTargets(
  scores: Float32Array,
  keys: Int32Array,
  n: number,
  targets: ArrayLike<number>,
  mid: Float64Array | null,
): Float64Array {
  const m = targets.length;
  if (m === 1) {
    // One target (mono and cross settings): a tight count.
    const t = targets[0];
    const st = scores[t], kt = keys[t];
    let before = 0, greater = 0, equal = 0;
    for (let j = 0; j < n; j++) {
      const s = scores[j];
      if (s > st) greater++;
      else if (s === st) {
        equal++;
        if (keys[j] > kt) before++;
      }
    }
    if (mid) mid[0] = greater + (equal + 1) / 2;
    return Float64Array.of(greater + before + 1);
  }
  // Several targets (multi setting): a histogram of the row's scores over
  // BUCKETS equal-width buckets (floor((s − min)·scale) is monotone in s, so a
  // column in a higher bucket than a target has a higher score); columns in a
  // target's own bucket are compared exactly. Three linear passes instead of a
  // search per column.
  let lo = Infinity, hi = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = scores[j];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? (BUCKETS - 1) / (hi - lo) : 0;
  const hist = new Float64Array(BUCKETS);
  for (let j = 0; j < n; j++) hist[Math.floor((scores[j] - lo) * scale)]++;
  // above[b]: columns in buckets above b.
  const above = new Float64Array(BUCKETS);
  for (let b = BUCKETS - 2; b >= 0; b--) above[b] = above[b + 1] + hist[b + 1];
  const tb = new Int32Array(m);
  const inTargetBucket = new Uint8Array(BUCKETS);
  const ranksAligned = new Float64Array(m);
  const equal = mid ? new Float64Array(m) : null;
  for (let i = 0; i < m; i++) {
    tb[i] = Math.floor((scores[targets[i]] - lo) * scale);
    inTargetBucket[tb[i]] = 1;
    ranksAligned[i] = above[tb[i]] + 1;
    if (mid) mid[i] = above[tb[i]];
  }
  for (let j = 0; j < n; j++) {
    const s = scores[j];
    const b = Math.floor((s - lo) * scale);
    if (inTargetBucket[b] === 0) continue;
    const k = keys[j];
    for (let i = 0; i < m; i++) {
      if (tb[i] !== b) continue;
      const t = targets[i];
      const st = scores[t];
      if (s > st) {
        ranksAligned[i]++;
        if (mid) mid[i]++;
      } else if (s === st) {
        if (k > keys[t]) ranksAligned[i]++;
        if (equal) equal[i]++;
      }
    }
  }
  if (mid && equal) { for (let i = 0; i < m; i++) mid[i] += (equal[i] + 1) / 2; }
  return ranksAligned;
}

/** Histogram buckets of {@linkcode ranksInRow}'s multi-target path. */
const BUCKETS = 4096;

/**
 * Like {@linkcode ranksInRow}, but `ranks[i]` is the rank of `targets[i]`
 * (input order, not sorted).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ranksOfTargets } from "./rank_row.ts";
 * const r = ranksOfTargets(new Float32Array([0.5, 0.9, 0.5, 0.1]), new Int32Array([0, 1, 2, 3]), 4, [3, 0]);
 * assert(r.join() === "4,3");
 * ```
 */
export function ranksOfTargets(
  scores: Float32Array,
  keys: Int32Array,
  n: number,
  targets: ArrayLike<number>,
): Float64Array {
  return ranksInRow(scores, keys, n, targets, true);
}

/**
 * The trec_eval ranks of `targets` (as {@linkcode ranksOfTargets}) and their
 * tie-aware ranks: a target tied with others takes the mean of the ranks the
 * tied group spans, `1 + #{higher} + #{tied others}/2`, whatever the docids.
 * One pass over the row for both.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ranksWithTies } from "./rank_row.ts";
 * // cols 0 and 2 tie at 0.5 below col 1: ranks 2 and 3 by docid, 2.5 each tie-aware
 * const r = ranksWithTies(new Float32Array([0.5, 0.9, 0.5, 0.1]), new Int32Array([0, 1, 2, 3]), 4, [0, 3]);
 * assert.deepEqual([...r.trec], [3, 4]);
 * assert.deepEqual([...r.mid], [2.5, 4]);
 * ```
 */
export function ranksWithTies(
  scores: Float32Array,
  keys: Int32Array,
  n: number,
  targets: ArrayLike<number>,
): { trec: Float64Array; mid: Float64Array } {
  const mid = new Float64Array(targets.length);
  const trec = rankTargets(scores, keys, n, targets, mid);
  return { trec, mid };
}

/**
 * The share of the top `k` columns of a row that belong to a group (e.g. the
 * query's language), tie-aware: columns tied at the k-th score share the
 * remaining places in proportion (the expected share over random orders of
 * the tie), so docids play no part.
 *
 * @param inGroup 1 for a column of the group (aligned with `scores`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { topShare } from "./rank_row.ts";
 * const scores = new Float32Array([0.9, 0.5, 0.5, 0.5, 0.1]);
 * // top 2: col 0, then one of three tied cols, of which one (col 1) is in the group
 * assert.equal(topShare(scores, 5, 2, Uint8Array.of(1, 1, 0, 0, 0)), (1 + 1 / 3) / 2);
 * ```
 */
export function topShare(scores: Float32Array, n: number, k: number, inGroup: Uint8Array): number {
  k = Math.min(k, n);
  if (k <= 0) return NaN;
  // The k-th largest score: a sorted (descending) buffer of the best k seen.
  const best = new Float64Array(k).fill(-Infinity);
  for (let j = 0; j < n; j++) {
    const s = scores[j];
    if (s <= best[k - 1]) continue;
    let i = k - 1;
    while (i > 0 && best[i - 1] < s) {
      best[i] = best[i - 1];
      i--;
    }
    best[i] = s;
  }
  const kth = best[k - 1];
  let gt = 0, gtIn = 0, eq = 0, eqIn = 0;
  for (let j = 0; j < n; j++) {
    const s = scores[j];
    if (s > kth) {
      gt++;
      gtIn += inGroup[j];
    } else if (s === kth) {
      eq++;
      eqIn += inGroup[j];
    }
  }
  return (gtIn + ((k - gt) * eqIn) / eq) / k;
}

/**
 * The best `depth` columns of a row (all of them when `depth` is 0), best
 * first, in trec_eval's order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { topOfRow } from "./rank_row.ts";
 * const top = topOfRow(new Float32Array([0.5, 0.9, 0.5]), new Int32Array([0, 1, 2]), 3, 2);
 * assert(top.join() === "1,2");
 * ```
 */
export function topOfRow(
  scores: Float32Array,
  keys: Int32Array,
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
