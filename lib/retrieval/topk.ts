/**
 * Bounded top-k selection under the ranking order used everywhere in xlir:
 * score descending, ties broken by a document key descending (the key is the
 * docid's position in ascending docid order, see `docid_order.ts`), which is
 * the order trec_eval sorts a run in.
 *
 * @module
 */

/** Rows and scores of a ranking, best first. */
export interface RowHits {
  /** Row (document index) of each hit. */
  rows: Int32Array;
  /** Score of each hit (float32 values). */
  scores: Float32Array;
}

/**
 * True when (score `s1`, key `k1`) ranks before (score `s2`, key `k2`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ranksBefore } from "./topk.ts";
 * assert(ranksBefore(0.5, 0, 0.4, 9));
 * assert(ranksBefore(0.5, 3, 0.5, 2)); // tie: the larger docid first
 * ```
 */
export function ranksBefore(s1: number, k1: number, s2: number, k2: number): boolean {
  return s1 > s2 || (s1 === s2 && k1 > k2);
}

/**
 * The best `k` of a stream of (score, row, key) entries, kept in a binary heap
 * whose root is the worst entry held: O(log k) per accepted entry, O(k) memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TopK } from "./topk.ts";
 * const top = new TopK(2);
 * top.push(0.1, 0, 0);
 * top.push(0.9, 1, 1);
 * top.push(0.5, 2, 2);
 * assert(top.drain().rows.join() === "1,2");
 * ```
 */
export class TopK {
  /** Capacity. */
  readonly k: number;
  #size = 0;
  #scores: Float32Array;
  #rows: Int32Array;
  #keys: Int32Array;

  /** @param k Number of entries to keep (≥ 0). */
  constructor(k: number) {
    if (!Number.isInteger(k) || k < 0) {
      throw new RangeError(`TopK: k must be an integer >= 0, got ${k}`);
    }
    this.k = k;
    this.#scores = new Float32Array(k);
    this.#rows = new Int32Array(k);
    this.#keys = new Int32Array(k);
  }

  /** Number of entries held. */
  get size(): number {
    return this.#size;
  }

  /**
   * The lowest score an entry needs to be considered: `-Infinity` until the
   * heap is full, then the worst held score (an entry with an equal score
   * still enters when its key is larger).
   */
  get minScore(): number {
    if (this.k === 0) return Infinity;
    return this.#size < this.k ? -Infinity : this.#scores[0];
  }

  /**
   * Offers an entry; kept when among the best `k` so far.
   *
   * @param score Its score (a float32 value, not NaN).
   * @param row Its row.
   * @param key Its tie-break key (larger ranks first on equal scores).
   */
  push(score: number, row: number, key: number): void {
    const s = this.#scores, r = this.#rows, kk = this.#keys;
    if (this.#size < this.k) {
      // Sift up from the end.
      let i = this.#size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!ranksBefore(s[p], kk[p], score, key)) break;
        s[i] = s[p];
        r[i] = r[p];
        kk[i] = kk[p];
        i = p;
      }
      s[i] = score;
      r[i] = row;
      kk[i] = key;
      return;
    }
    if (this.k === 0 || !ranksBefore(score, key, s[0], kk[0])) return;
    this.#siftDown(score, row, key, this.#size);
  }

  /** Places (score,row,key) at the root and sifts it down within the first `n` slots. */
  #siftDown(score: number, row: number, key: number, n: number): void {
    const s = this.#scores, r = this.#rows, kk = this.#keys;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      // The worse child moves up.
      if (c + 1 < n && ranksBefore(s[c], kk[c], s[c + 1], kk[c + 1])) c++;
      if (!ranksBefore(score, key, s[c], kk[c])) break;
      s[i] = s[c];
      r[i] = r[c];
      kk[i] = kk[c];
      i = c;
    }
    s[i] = score;
    r[i] = row;
    kk[i] = key;
  }

  /**
   * Empties the heap and returns its entries best first.
   *
   * @returns The rows and scores, sorted by score descending, key descending.
   */
  drain(): RowHits {
    const n = this.#size;
    const rows = new Int32Array(n);
    const scores = new Float32Array(n);
    const s = this.#scores, r = this.#rows, kk = this.#keys;
    // Heap sort: repeatedly move the worst (root) to the end of the output.
    for (let end = n - 1; end >= 0; end--) {
      rows[end] = r[0];
      scores[end] = s[0];
      this.#siftDown(s[end], r[end], kk[end], end);
    }
    this.#size = 0;
    return { rows, scores };
  }
}
