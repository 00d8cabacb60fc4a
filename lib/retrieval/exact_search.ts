/**
 * Exact maximum-inner-product search by blocked matrix products. The corpus is
 * scored block by block (its storage blocks, e.g. 4,096 rows) against blocks
 * of queries (e.g. 256), and each query keeps a bounded top-k heap, so memory
 * is O(queries·k + block rows × query block), whatever the corpus size.
 *
 * Rankings follow trec_eval's order: score descending, ties broken by docid
 * descending (through `keys`, each row's position in ascending docid order).
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import type { QueryBlock, ScoreKernel } from "./score_kernel.ts";
import { ranksBefore, type RowHits, TopK } from "./topk.ts";

/** A corpus of vectors stored in consecutive row blocks. */
export interface DenseRows {
  /** Vector dimension. */
  readonly dim: number;
  /** Number of rows. */
  readonly size: number;
  /** Row-major blocks covering rows `0 … size-1` in order (each `rows × dim` long). */
  readonly blocks: readonly Float32Array[];
  /** Tie-break key of each row: its docid's position in ascending docid order. */
  readonly keys: Int32Array;
}

/** Options of {@linkcode searchRows} and {@linkcode rankRows}. */
export interface ExactSearchOptions {
  /** The matrix-product kernel. */
  kernel: ScoreKernel;
  /** Queries scored together in one sweep over the corpus. Default 256. */
  queryBlock?: number;
}

/** Default number of queries per sweep. */
export const DEFAULT_QUERY_BLOCK = 256;

/**
 * Checks a query matrix against the corpus and returns the number of queries.
 *
 * @throws {InputError} for an empty corpus, a length that is not a multiple of `dim`, or a
 *   non-finite value.
 */
function queryCount(rows: DenseRows, queries: Float32Array): number {
  if (rows.size === 0) {
    throw new InputError("Cannot search an empty index: add documents first");
  }
  if (queries.length % rows.dim !== 0) {
    throw new InputError(
      `Query vectors have length ${queries.length}, expected a multiple of the index dimension ${rows.dim}`,
    );
  }
  for (let i = 0; i < queries.length; i++) {
    if (!Number.isFinite(queries[i])) {
      throw new InputError(
        `Query ${Math.floor(i / rows.dim)} has a non-finite value (${queries[i]}) at dimension ${
          i % rows.dim
        }, expected finite numbers`,
      );
    }
  }
  return queries.length / rows.dim;
}

/**
 * The top-`k` rows for each query by inner product.
 *
 * @param rows The corpus.
 * @param queries Row-major `Q × dim` query vectors.
 * @param k Hits per query; `0` means the full ranking (all rows).
 * @param options The kernel and query block size.
 * @returns Per query, rows and scores best first (`min(k, size)` of them).
 * @throws {InputError} for an empty corpus, a dimension mismatch or a bad `k`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { searchRows } from "./exact_search.ts";
 * import { jsKernel } from "./js_kernel.ts";
 * const rows = { dim: 2, size: 3, blocks: [new Float32Array([1, 0, 0, 1, 0.6, 0.8])], keys: new Int32Array([0, 1, 2]) };
 * const [hits] = searchRows(rows, new Float32Array([0, 1]), 2, { kernel: jsKernel });
 * assert(hits.rows.join() === "1,2");
 * ```
 */
export function searchRows(
  rows: DenseRows,
  queries: Float32Array,
  k: number,
  options: ExactSearchOptions,
): RowHits[] {
  if (!Number.isInteger(k) || k < 0) {
    throw new InputError(`k must be an integer >= 0 (0 = full ranking), got ${k}`);
  }
  const nQueries = queryCount(rows, queries);
  const depth = k === 0 ? rows.size : Math.min(k, rows.size);
  const qb = Math.max(1, options.queryBlock ?? DEFAULT_QUERY_BLOCK);
  const { dim } = rows;
  const results: RowHits[] = [];
  for (let q0 = 0; q0 < nQueries; q0 += qb) {
    const nq = Math.min(qb, nQueries - q0);
    const heaps = Array.from({ length: nq }, () => new TopK(depth));
    const block = options.kernel.prepare(queries.subarray(q0 * dim), nq, dim);
    try {
      if (block.scoreAbove) sweepAbove(rows, block, heaps);
      else sweepAll(rows, block, heaps);
    } finally {
      block.dispose();
    }
    for (const heap of heaps) results.push(heap.drain());
  }
  return results;
}

/** Offers every score of every block to the heaps, skipping those below a heap's minimum. */
function sweepAll(rows: DenseRows, block: QueryBlock, heaps: TopK[]): void {
  const { dim, keys } = rows, nq = heaps.length;
  const threshold = new Float64Array(nq).fill(-Infinity);
  let start = 0;
  for (const docs of rows.blocks) {
    const nd = docs.length / dim;
    const out = block.score(docs, nd);
    for (let i = 0; i < nd; i++) {
      const base = i * nq;
      const row = start + i;
      for (let j = 0; j < nq; j++) {
        const s = out[base + j];
        if (s < threshold[j]) continue;
        const heap = heaps[j];
        heap.push(s, row, keys[row]);
        threshold[j] = heap.minScore;
      }
    }
    start += nd;
  }
}

/**
 * The same through {@linkcode QueryBlock.scoreAbove}: the kernel tests each
 * part of the corpus against the heaps' minima as they stood before it. The
 * first rows go in parts that double — k rows, then as many as seen so far —
 * so that the thresholds rise before most of the corpus is scored.
 */
function sweepAbove(rows: DenseRows, block: QueryBlock, heaps: TopK[]): void {
  const { dim, keys } = rows, nq = heaps.length, k = Math.max(1, heaps[0].k);
  const threshold = new Float32Array(nq).fill(-Infinity);
  let offset = 0; // row of the first document of the part being scored
  const visit = (i: number, j: number, s: number) => {
    const row = offset + i;
    heaps[j].push(s, row, keys[row]);
  };
  let start = 0;
  for (const docs of rows.blocks) {
    const nd = docs.length / dim;
    for (let from = 0; from < nd;) {
      const seen = start + from;
      const to = Math.min(nd, from + Math.max(k, seen));
      offset = seen;
      block.scoreAbove!(docs.subarray(from * dim, to * dim), to - from, threshold, visit);
      for (let j = 0; j < nq; j++) threshold[j] = heaps[j].minScore;
      from = to;
    }
    start += nd;
  }
}

/**
 * The 1-based rank of given rows in each query's full ranking, without sorting
 * it: a row's rank is 1 + the number of rows that rank before it (higher score,
 * or equal score and larger docid). Average precision over the full ranking is
 * then `mean_i(i / rank_i)` over the relevant rows sorted by rank.
 *
 * The targets' scores come from the same kernel as the sweep; should a kernel
 * not be pointwise deterministic, the sweep notices and recounts with the
 * scores it saw, so the ranks always match {@linkcode searchRows}.
 *
 * @param rows The corpus.
 * @param queries Row-major `Q × dim` query vectors.
 * @param targets Per query, the rows to rank; `-1` stands for a document not in the corpus.
 * @param options The kernel and query block size.
 * @returns Per query, the rank of each target (`Infinity` for `-1`).
 * @throws {InputError} for an empty corpus, a dimension mismatch, or `targets` of the wrong length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankRows } from "./exact_search.ts";
 * import { jsKernel } from "./js_kernel.ts";
 * const rows = { dim: 2, size: 3, blocks: [new Float32Array([1, 0, 0, 1, 0.6, 0.8])], keys: new Int32Array([0, 1, 2]) };
 * const [ranks] = rankRows(rows, new Float32Array([0, 1]), [new Int32Array([0, 2])], { kernel: jsKernel });
 * assert(ranks.join() === "3,2");
 * ```
 */
export function rankRows(
  rows: DenseRows,
  queries: Float32Array,
  targets: readonly Int32Array[],
  options: ExactSearchOptions,
): Float64Array[] {
  const nQueries = queryCount(rows, queries);
  if (targets.length !== nQueries) {
    throw new InputError(
      `ranksOf: got relevant documents for ${targets.length} queries, expected ${nQueries} (one list per query)`,
    );
  }
  const qb = Math.max(1, options.queryBlock ?? DEFAULT_QUERY_BLOCK);
  const { dim, keys } = rows;
  const results: Float64Array[] = [];
  for (let q0 = 0; q0 < nQueries; q0 += qb) {
    const nq = Math.min(qb, nQueries - q0);
    const block = options.kernel.prepare(queries.subarray(q0 * dim), nq, dim);
    try {
      const tg = targets.slice(q0, q0 + nq);
      const relScores = targetScores(rows, tg, block);
      let ranks = sweepRanks(rows, tg, relScores, block, keys);
      if (ranks.mismatch) {
        // The kernel gave the targets different scores inside the full sweep: count again with those.
        ranks = sweepRanks(rows, tg, ranks.seen, block, keys);
        if (ranks.mismatch) {
          throw new Error(
            `Kernel ${options.kernel.name} is not deterministic: scores changed between sweeps`,
          );
        }
      }
      for (let j = 0; j < nq; j++) {
        const r = new Float64Array(tg[j].length);
        for (let m = 0; m < r.length; m++) r[m] = tg[j][m] < 0 ? Infinity : ranks.counts[j][m] + 1;
        results.push(r);
      }
    } finally {
      block.dispose();
    }
  }
  return results;
}

/** The row block holding `row`, and the row's offset in it. */
function locate(rows: DenseRows, row: number): [Float32Array, number] {
  let start = 0;
  for (const b of rows.blocks) {
    const n = b.length / rows.dim;
    if (row < start + n) return [b, row - start];
    start += n;
  }
  throw new RangeError(`row ${row} is outside the index (size ${rows.size})`);
}

/** Scores of each query's targets, computed by the kernel on a gathered block of the target rows. */
function targetScores(
  rows: DenseRows,
  targets: readonly Int32Array[],
  block: { nQueries: number; score(docs: Float32Array, n: number): Float32Array },
): Float64Array[] {
  const { dim } = rows;
  const unique = new Map<number, number>();
  for (const t of targets) {
    for (const row of t) {
      if (row >= rows.size) {
        throw new RangeError(`row ${row} is outside the index (size ${rows.size})`);
      }
      if (row >= 0 && !unique.has(row)) unique.set(row, unique.size);
    }
  }
  const gathered = new Float32Array(unique.size * dim);
  for (const [row, at] of unique) {
    const [b, off] = locate(rows, row);
    gathered.set(b.subarray(off * dim, (off + 1) * dim), at * dim);
  }
  const nq = block.nQueries;
  const out = unique.size > 0 ? block.score(gathered, unique.size) : new Float32Array(0);
  return targets.map((t, j) => {
    const s = new Float64Array(t.length);
    for (let m = 0; m < t.length; m++) s[m] = t[m] < 0 ? Infinity : out[unique.get(t[m])! * nq + j];
    return s;
  });
}

/** One sweep counting, per query and target, the rows that rank before the target. */
function sweepRanks(
  rows: DenseRows,
  targets: readonly Int32Array[],
  relScores: Float64Array[],
  block: { nQueries: number; score(docs: Float32Array, n: number): Float32Array },
  keys: Int32Array,
): { counts: Float64Array[]; seen: Float64Array[]; mismatch: boolean } {
  const nq = block.nQueries;
  const { dim } = rows;
  const counts = targets.map((t) => new Float64Array(t.length));
  const seen = relScores.map((s) => s.slice());
  const relKeys = targets.map((t) => Int32Array.from(t, (row) => (row < 0 ? 0 : keys[row])));
  // A row can only rank before a target when its score reaches the lowest target score.
  const floor = new Float64Array(nq);
  for (let j = 0; j < nq; j++) {
    let m = Infinity;
    for (const s of relScores[j]) if (s < m) m = s;
    floor[j] = m;
  }
  // The targets sorted by row, to read each one's score as the sweep passes it.
  const byRow: { row: number; j: number; m: number }[] = [];
  targets.forEach((t, j) => t.forEach((row, m) => row >= 0 && byRow.push({ row, j, m })));
  byRow.sort((a, b) => a.row - b.row);
  let next = 0;
  let mismatch = false;
  let start = 0;
  for (const docs of rows.blocks) {
    const nd = docs.length / dim;
    const out = block.score(docs, nd);
    for (let i = 0; i < nd; i++) {
      const key = keys[start + i];
      for (let j = 0; j < nq; j++) {
        const s = out[i * nq + j];
        if (s < floor[j]) continue;
        const rs = relScores[j], rk = relKeys[j], c = counts[j];
        for (let m = 0; m < rs.length; m++) if (ranksBefore(s, key, rs[m], rk[m])) c[m]++;
      }
    }
    for (; next < byRow.length && byRow[next].row < start + nd; next++) {
      const { row, j, m } = byRow[next];
      const s = out[(row - start) * nq + j];
      if (s !== relScores[j][m]) {
        seen[j][m] = s;
        mismatch = true;
      }
    }
    start += nd;
  }
  return { counts, seen, mismatch };
}
