/**
 * Ranks inside one row of scores (one query against a collection), in the
 * order trec_eval sorts a run: score descending, ties broken by docid
 * descending — here through `keys`, each document's position in ascending
 * docid order (`lib/retrieval/docid_order.ts`).
 *
 * @module
 */

import { TopK } from "../retrieval/topk.ts";
import { CountPass } from "../wasm/row_count.ts";

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
  // Several targets (multi setting): one pass of rankRow().
  const r = rankRow(scores, keys, n, targets);
  if (mid) mid.set(r.mid);
  return r.trec;
}

/** Buckets between the lowest and the highest target score in {@linkcode rankRow}. */
const TABLE = 512;

/** The k-th best score among `cols` (at least k of them). */
function kthBest(scores: Float32Array, cols: readonly number[], k: number): number {
  const v = new Float32Array(cols.length);
  for (let i = 0; i < cols.length; i++) v[i] = scores[cols[i]];
  return v.sort()[cols.length - k];
}

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
  const { trec, mid } = rankRow(scores, keys, n, targets);
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
  return rankRow(scores, null, n, [], { k, inGroup }).topShare;
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

/** Options of {@linkcode rankRow}. */
export interface RankRowOptions {
  /**
   * Contiguous segments of the row (e.g. one per candidate language):
   * `bounds[s] … bounds[s + 1]` are segment s's columns, `bounds[0] = 0`,
   * last = n. Each target's rank among its own segment's columns is returned
   * in `local`.
   */
  bounds?: Int32Array;
  /** The top `k` whose group share {@linkcode topShare} measures (0 = none). */
  k?: number;
  /** 1 for a column of the group (aligned with `scores`); required with `k`. */
  inGroup?: Uint8Array;
}

/** What {@linkcode rankRow} measures, aligned with its `targets`. */
export interface RowRanks {
  /** trec_eval ranks in the whole row. */
  trec: Float64Array;
  /** Tie-aware ranks in the whole row: `1 + #{higher} + #{tied others}/2`. */
  mid: Float64Array;
  /** trec_eval ranks among the target's own segment (empty without `bounds`). */
  local: Float64Array;
  /** The group's tie-aware share of the top k (NaN without `k`). */
  topShare: number;
}

/**
 * Everything the multilingual setting needs from one row of scores, in one
 * pass over it: each target's trec_eval rank and tie-aware rank in the whole
 * row and its trec_eval rank inside its segment, and the group's share of
 * the top k. The distinct target scores u₀ > u₁ > … split the scores into
 * intervals; a column is counted in its (segment, interval) cell, and a
 * column equal to some uᵣ is kept for the exact tie-break by key. A target
 * with score uᵣ has `#{higher}` = the cells of intervals above uᵣ plus the
 * ties of higher uᵣ′. The top k is found among the columns at or above a
 * running threshold that never exceeds the row's k-th best score. The pass
 * itself runs in WebAssembly (`lib/wasm/row_count.ts`). Scores must not be
 * NaN (a target's NaN score is a `RangeError`).
 *
 * @param keys Tie-break keys (a view aligned with `scores`); `null` only
 *   without targets.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankRow } from "./rank_row.ts";
 * // two segments [0, 2) and [2, 4); cols 0 and 2 tie at 0.5 below col 1
 * const r = rankRow(new Float32Array([0.5, 0.9, 0.5, 0.1]), new Int32Array([0, 1, 2, 3]), 4, [0, 3], {
 *   bounds: Int32Array.of(0, 2, 4), k: 2, inGroup: Uint8Array.of(1, 1, 0, 0),
 * });
 * assert.deepEqual([...r.trec], [3, 4]);
 * assert.deepEqual([...r.mid], [2.5, 4]);
 * assert.deepEqual([...r.local], [2, 2]);
 * assert.equal(r.topShare, (1 + 1 / 2) / 2); // col 1, then one of the tied cols 0 and 2
 * ```
 */
export function rankRow(
  scores: Float32Array,
  keys: Int32Array | null,
  n: number,
  targets: ArrayLike<number>,
  options: RankRowOptions = {},
): RowRanks {
  const m = targets.length;
  const bounds = options.bounds ?? Int32Array.of(0, n);
  const nSeg = bounds.length - 1;
  const k = Math.min(options.k ?? 0, n);
  const inGroup = options.inGroup;
  if (k > 0 && !inGroup) throw new TypeError("rankRow: k needs inGroup");
  if (m > 0 && !keys) throw new TypeError("rankRow: targets need keys");
  if (Array.from(targets).some((t) => Number.isNaN(scores[t]))) {
    throw new RangeError("rankRow: a target's score is NaN");
  }
  // Distinct target scores, descending; rOf[i]: the index of target i's score.
  const u = Array.from(new Set(Array.from(targets, (t) => scores[t]))).sort((a, b) => b - a);
  const p = u.length;
  const rOf = Int32Array.from(targets, (t) => u.indexOf(scores[t]));
  // cell[s·w + i]: columns of segment s with u[i] < score < u[i − 1]; i = p
  // (below every target) is not read. tie[s·w + r]: columns of s equal to u[r].
  const w = p + 1;
  // Buckets: b(s) = ⌊(s − u_min)·scale⌋, monotone in s, clamped to
  // [−1, TABLE + 1]. A bucket that holds no target score lies inside one
  // interval, looked up in the table; the buckets of the target scores
  // (marked −1) are compared exactly.
  const lo = p > 0 ? u[p - 1] : 0;
  const finite = u.every(Number.isFinite);
  const span = p > 1 ? u[0] - lo : Math.max(Math.abs(lo), 1) * 1e-3;
  const scale = finite ? TABLE / span : 0;
  const pass = CountPass.shared();
  const v = pass.prepare({ n, nCells: nSeg * w, nTable: TABLE + 3, nU: p, m });
  v.scores.set(scores.subarray(0, n));
  if (m > 0) v.keys.set(keys!.subarray(0, n));
  v.u.set(u);
  const table = v.table;
  if (p === 0) table.fill(0);
  else if (finite) {
    const bucketOf = (x: number) => Math.min(Math.max(Math.floor((x - lo) * scale), -1), TABLE + 1);
    // marks[r]: u[r]'s bucket (descending in r); r: the targets above bucket c.
    const marks = u.map(bucketOf);
    for (let c = -1, r = p; c <= TABLE + 1; c++) {
      while (r > 0 && marks[r - 1] < c) r--;
      table[c + 1] = r;
    }
    for (const b of marks) table[b + 1] = -1;
  } else table.fill(-1); // an infinite target score: compare every column exactly
  // The targets grouped by score (slot[i]: target i's place), with their segments.
  const segOf = Int32Array.from(targets, (t) => {
    let sg = 0;
    while (bounds[sg + 1] <= t) sg++;
    return sg;
  });
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => rOf[a] - rOf[b]);
  const slot = new Int32Array(m);
  order.forEach((i, x) => {
    slot[i] = x;
    v.targetKey[x] = keys![targets[i]];
    v.targetSeg[x] = segOf[i];
  });
  for (let r = 0, x = 0; r <= p; r++) {
    while (x < m && rOf[order[x]] < r) x++;
    v.groupStart[r] = x;
  }
  // Top k: the pass lists every column at or above a running threshold thr
  // (never above the row's k-th best score); those above it are kept
  // (`above`, fewer than k), those equal to it counted (`atThr`). thr starts
  // at the k-th best of the first 8k columns and rises to the k-th best of
  // `above` whenever that holds k columns; at the end thr is the k-th best.
  let above: number[] = [];
  let thr = NaN, atThr = 0, atThrIn = 0;
  if (k > 0) {
    const head = scores.slice(0, Math.min(n, 8 * k)).sort();
    thr = head[head.length - k];
  }
  for (let sg = 0; sg < nSeg; sg++) {
    for (let j = bounds[sg], end = bounds[sg + 1]; j < end;) {
      const r = pass.run(v, j, end, sg, sg * w, lo, scale, TABLE + 1, thr);
      for (const col of r.candidates) {
        if (scores[col] > thr) above.push(col);
        else {
          atThr++;
          atThrIn += inGroup![col];
        }
      }
      if (above.length >= k) {
        thr = kthBest(scores, above, k);
        atThr = atThrIn = 0;
        for (const c of above) {
          if (scores[c] === thr) {
            atThr++;
            atThrIn += inGroup![c];
          }
        }
        above = above.filter((c) => scores[c] > thr);
      }
      j = r.stop;
    }
  }
  const cell = Float64Array.from(v.cells);
  const tie = Float64Array.from(v.tieCells);
  const trec = new Float64Array(m);
  const mid = new Float64Array(m);
  const local = new Float64Array(options.bounds ? m : 0);
  // higher[r]: columns above u[r] in the whole row; ties[r]: columns equal to it.
  const higher = new Float64Array(p), ties = new Float64Array(p);
  for (let r = 0, acc = 0; r < p; r++) {
    for (let sg = 0; sg < nSeg; sg++) {
      acc += cell[sg * w + r];
      ties[r] += tie[sg * w + r];
    }
    higher[r] = acc;
    acc += ties[r];
  }
  for (let i = 0; i < m; i++) {
    const r = rOf[i];
    trec[i] = higher[r] + v.before[slot[i]] + 1;
    mid[i] = higher[r] + (ties[r] + 1) / 2;
    if (options.bounds) {
      const base = segOf[i] * w;
      let above = v.localBefore[slot[i]];
      for (let q = 0; q <= r; q++) above += cell[base + q] + (q < r ? tie[base + q] : 0);
      local[i] = above + 1;
    }
  }
  let share = NaN;
  if (k > 0) {
    let aboveIn = 0;
    for (const c of above) aboveIn += inGroup![c];
    share = (aboveIn + ((k - above.length) * atThrIn) / atThr) / k;
  }
  return { trec, mid, local, topShare: share };
}
