/**
 * BM25 over token ids, as Lucene ≥ 8 `BM25Similarity` scores it (the variant
 * Anserini uses), with an inverted index in typed arrays:
 *
 *   score(q, d) = Σ_{t ∈ q} c_t · idf(t) · tf / (tf + k1 · (1 − b + b · dl / avgdl))
 *   idf(t)      = ln(1 + (N − df + 0.5) / (df + 0.5))
 *
 * with `k1 = 0.9`, `b = 0.4` (Anserini's defaults), `c_t` the number of times
 * `t` occurs in the query (Anserini's bag-of-words query has one SHOULD clause
 * per query token; Lucene merges repeated clauses into one with boost `c_t`),
 * `N` the number of documents with at least one token, `avgdl` the exact mean
 * length (`sumTotalTermFreq / N`), and `dl` the length after Lucene's one-byte
 * norm round trip (`luceneNorms: true`, see `lucene_norms.ts`) or the exact
 * length (`luceneNorms: false`). The arithmetic follows Lucene's float32
 * steps (`weight − weight / (1 + tf · normInverse)`, per-clause scores summed in
 * float64 and rounded to float32), so scores match Lucene's on the same terms.
 *
 * Documents and queries are token-id arrays; with the project's tokenizer use
 * {@linkcode bm25Tokens} (mBERT WordPiece ids, special tokens left out).
 * Rankings follow trec_eval's order (score descending, ties by docid
 * descending); the full ranking (`k = 0`) ranks every document, those scoring 0
 * after the matching ones.
 *
 * @module
 */

import type { TextTokenizer } from "../data/tokenizer.ts";
import { InputError } from "../util/errors.ts";
import { docidRanks } from "./docid_order.ts";
import { intToByte4, LENGTH_TABLE } from "./lucene_norms.ts";
import { ranksBefore, TopK } from "./topk.ts";
import type { Hits } from "./vector_index.ts";

/** BM25 parameters. */
export interface Bm25Options {
  /** Term-frequency saturation. Default 0.9. */
  k1?: number;
  /** Length normalisation. Default 0.4. */
  b?: number;
  /** Score with Lucene's lossy one-byte document lengths (default true) or exact lengths. */
  luceneNorms?: boolean;
}

/** Counts describing a built index. */
export interface Bm25Stats {
  /** Documents added. */
  docs: number;
  /** Documents with at least one token (BM25's N). */
  docCount: number;
  /** Distinct terms. */
  terms: number;
  /** Postings (distinct (term, document) pairs). */
  postings: number;
  /** Total tokens. */
  sumTotalTermFreq: number;
  /** Mean length as Lucene computes it (float32). */
  avgdl: number;
}

const f = Math.fround;

/** A growable Int32Array. */
class IntBuffer {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Distinct values of `tokens` (ascending) and how often each occurs. */
function countTokens(tokens: Int32Array): { terms: Int32Array; counts: Int32Array } {
  const sorted = tokens.slice().sort();
  const terms = new Int32Array(sorted.length), counts = new Int32Array(sorted.length);
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (n > 0 && terms[n - 1] === sorted[i]) counts[n - 1]++;
    else (terms[n] = sorted[i]), (counts[n++] = 1);
  }
  return { terms: terms.subarray(0, n), counts: counts.subarray(0, n) };
}

/** Distinct token ids (ascending) and the sum of each one's weights. */
function _mergeWeights(
  terms: Int32Array,
  weights: ArrayLike<number>,
): { distinct: Int32Array; boosts: Float64Array } {
  if (weights.length !== terms.length) {
    throw new InputError(
      `BM25 weighted query: ${terms.length} terms but ${weights.length} weights, expected one per term`,
    );
  }
  const sums = new Map<number, number>();
  for (let i = 0; i < terms.length; i++) {
    const w = weights[i];
    if (!(w >= 0 && Number.isFinite(w))) {
      throw new InputError(
        `BM25 weighted query: weight ${w} of term ${terms[i]}, expected a finite number >= 0`,
      );
    }
    sums.set(terms[i], (sums.get(terms[i]) ?? 0) + w);
  }
  const distinct = Int32Array.from(sums.keys()).sort();
  return { distinct, boosts: Float64Array.from(distinct, (t) => sums.get(t)!) };
}

/** What {@linkcode Bm25Index} computes once all documents are in. */
interface Built {
  termStart: Int32Array;
  postDocs: Int32Array;
  postTfs: Int32Array;
  normInverse: Float32Array;
  docCount: number;
  sumTotalTermFreq: number;
  avgdl: number;
  keys: Int32Array;
  /** Rows by docid descending (the order of the zero-score tail). */
  byKeyDesc: Int32Array;
}

/**
 * An inverted index over token ids, scored with Lucene's BM25.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Bm25Index } from "./bm25.ts";
 * const index = new Bm25Index();
 * index.add(["d1", "d2", "d3"], [Int32Array.of(1, 2, 3), Int32Array.of(2, 2, 4), Int32Array.of(5)]);
 * const [hits] = index.search([Int32Array.of(2)], 0);
 * assert(hits.ids.join() === "d2,d1,d3" && hits.scores[2] === 0);
 * assert(index.ranksOf([Int32Array.of(2)], [["d3", "d1"]])[0].join() === "3,2");
 * ```
 */
export class Bm25Index {
  /** Term-frequency saturation. */
  readonly k1: number;
  /** Length normalisation. */
  readonly b: number;
  /** Whether lengths go through Lucene's one-byte norm. */
  readonly luceneNorms: boolean;
  #ids: string[] = [];
  #rowOf = new Map<string, number>();
  #docStart = new IntBuffer();
  #docTerms = new IntBuffer();
  #docTfs = new IntBuffer();
  #lengths = new IntBuffer();
  #maxTerm = -1;
  #built: Built | undefined;
  #acc = new Float64Array(0);
  #mark = new Uint8Array(0);
  #touched = new Int32Array(0);

  /** @param options `k1` (0.9), `b` (0.4), `luceneNorms` (true). */
  constructor(options: Bm25Options = {}) {
    const k1 = options.k1 ?? 0.9, b = options.b ?? 0.4;
    if (!Number.isFinite(k1) || k1 < 0) {
      throw new InputError(`BM25 k1 must be finite and >= 0, got ${k1}`);
    }
    if (!(b >= 0 && b <= 1)) throw new InputError(`BM25 b must be in [0, 1], got ${b}`);
    this.k1 = k1;
    this.b = b;
    this.luceneNorms = options.luceneNorms ?? true;
    this.#docStart.push(0);
  }

  /** Number of documents. */
  get size(): number {
    return this.#ids.length;
  }

  /** The document ids in insertion (row) order. */
  get ids(): readonly string[] {
    return this.#ids;
  }

  /**
   * Adds documents; nothing is added when any input is rejected.
   *
   * @param ids One id per document, distinct from each other and from the ids already held.
   * @param docs Token ids of each document (ids ≥ 0).
   * @throws {InputError} for a count mismatch, a negative token id or a duplicate id.
   */
  add(ids: readonly string[], docs: readonly Int32Array[]): void {
    if (ids.length !== docs.length) {
      throw new InputError(
        `Bm25Index.add: ${ids.length} ids but ${docs.length} documents, expected one per id`,
      );
    }
    const fresh = new Set<string>();
    ids.forEach((id, i) => {
      if (this.#rowOf.has(id) || fresh.has(id)) {
        throw new InputError(`Bm25Index.add: duplicate document id "${id}", expected each id once`);
      }
      fresh.add(id);
      const at = docs[i].findIndex((t) => t < 0);
      if (at >= 0) {
        throw new InputError(
          `Bm25Index.add: document "${id}" has token id ${docs[i][at]} at ${at}, expected ids >= 0`,
        );
      }
    });
    ids.forEach((id, i) => {
      const { terms, counts } = countTokens(docs[i]);
      for (let t = 0; t < terms.length; t++) {
        this.#docTerms.push(terms[t]);
        this.#docTfs.push(counts[t]);
      }
      if (terms.length > 0 && terms[terms.length - 1] > this.#maxTerm) {
        this.#maxTerm = terms[terms.length - 1];
      }
      this.#docStart.push(this.#docTerms.length);
      this.#lengths.push(docs[i].length);
      this.#rowOf.set(id, this.#ids.length);
      this.#ids.push(id);
    });
    this.#built = undefined;
  }

  /** Builds the postings (by term), the norms and the docid order; cached until the next `add`. */
  #build(): Built {
    if (this.#built) return this.#built;
    const n = this.size;
    const vocab = this.#maxTerm + 1;
    const docStart = this.#docStart.view(),
      docTerms = this.#docTerms.view(),
      docTfs = this.#docTfs.view();
    const lengths = this.#lengths.view();
    const termStart = new Int32Array(vocab + 1);
    for (const t of docTerms) termStart[t + 1]++;
    for (let t = 0; t < vocab; t++) termStart[t + 1] += termStart[t];
    const cursor = termStart.slice(0, vocab);
    const postDocs = new Int32Array(docTerms.length), postTfs = new Int32Array(docTerms.length);
    for (let d = 0; d < n; d++) {
      for (let p = docStart[d]; p < docStart[d + 1]; p++) {
        const at = cursor[docTerms[p]]++;
        postDocs[at] = d;
        postTfs[at] = docTfs[p];
      }
    }
    let docCount = 0, sumTotalTermFreq = 0;
    for (const len of lengths) {
      if (len > 0) docCount++;
      sumTotalTermFreq += len;
    }
    const avgdl = docCount > 0 ? f(sumTotalTermFreq / docCount) : 1;
    const k1 = f(this.k1), b = f(this.b);
    // Lucene: 1f / (k1 * ((1 - b) + b * dl / avgdl)), every step in float32.
    const normInv = (dl: number) => f(1 / f(k1 * f(f(1 - b) + f(f(b * f(dl)) / avgdl))));
    const cache = Float32Array.from(LENGTH_TABLE, normInv);
    const normInverse = new Float32Array(n);
    for (let d = 0; d < n; d++) {
      normInverse[d] = this.luceneNorms ? cache[intToByte4(lengths[d])] : normInv(lengths[d]);
    }
    const keys = docidRanks(this.#ids, "the BM25 index");
    const byKeyDesc = new Int32Array(n);
    for (let d = 0; d < n; d++) byKeyDesc[n - 1 - keys[d]] = d;
    this.#acc = new Float64Array(n);
    this.#mark = new Uint8Array(n);
    this.#touched = new Int32Array(n);
    this.#built = {
      termStart,
      postDocs,
      postTfs,
      normInverse,
      docCount,
      sumTotalTermFreq,
      avgdl,
      keys,
      byKeyDesc,
    };
    return this.#built;
  }

  /** Counts of the built index. */
  get stats(): Bm25Stats {
    const b = this.#build();
    let terms = 0;
    for (let t = 0; t + 1 < b.termStart.length; t++) {
      if (b.termStart[t + 1] > b.termStart[t]) terms++;
    }
    return {
      docs: this.size,
      docCount: b.docCount,
      terms,
      postings: b.postDocs.length,
      sumTotalTermFreq: b.sumTotalTermFreq,
      avgdl: b.avgdl,
    };
  }

  /** Bytes of the typed arrays the built index holds (postings, norms, offsets, order; not the id strings). */
  get sizeBytes(): number {
    const b = this.#build();
    return [b.termStart, b.postDocs, b.postTfs, b.normInverse, b.keys, b.byKeyDesc].reduce(
      (s, a) => s + a.byteLength,
      0,
    );
  }

  /** The idf Lucene computes for a document frequency (float32). */
  idf(df: number): number {
    const n = this.#build().docCount;
    return f(Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }

  /**
   * Accumulates the query's scores into `#acc` for the documents it matches.
   *
   * @returns The number of matched documents, listed in `#touched` (their `#mark` set).
   */
  #accumulate(query: Int32Array): number {
    const { terms, counts } = countTokens(query);
    return this.#accumulateTerms(terms, counts);
  }

  /** {@linkcode Bm25Index.#accumulate} over distinct terms with their boosts (query counts or weights). */
  #accumulateTerms(terms: Int32Array, counts: ArrayLike<number>): number {
    const b = this.#build();
    const acc = this.#acc, mark = this.#mark, touched = this.#touched;
    let nTouched = 0;
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i];
      if (t < 0 || t + 1 >= b.termStart.length) continue;
      const p0 = b.termStart[t], p1 = b.termStart[t + 1];
      if (p1 === p0) continue;
      const weight = f(counts[i] * this.idf(p1 - p0));
      for (let p = p0; p < p1; p++) {
        const d = b.postDocs[p];
        // Lucene: weight - weight / (1f + freq * normInverse), in float32.
        const s = f(weight - f(weight / f(1 + f(b.postTfs[p] * b.normInverse[d]))));
        if (mark[d] === 0) {
          mark[d] = 1;
          acc[d] = 0;
          touched[nTouched++] = d;
        }
        acc[d] += s;
      }
    }
    return nTouched;
  }

  /** Clears the marks of the last accumulation. */
  #reset(nTouched: number): void {
    for (let i = 0; i < nTouched; i++) this.#mark[this.#touched[i]] = 0;
  }

  /**
   * The score of every document for one query.
   *
   * @param query Token ids (repeats count).
   * @returns One float32 score per document, in row order (0 for documents sharing no term).
   */
  scoreAll(query: Int32Array): Float32Array {
    this.#checkNotEmpty();
    const out = new Float32Array(this.size);
    const n = this.#accumulate(query);
    for (let i = 0; i < n; i++) out[this.#touched[i]] = this.#acc[this.#touched[i]];
    this.#reset(n);
    return out;
  }

  /**
   * The score of every document for a weighted query: each term's clause has
   * boost `weight` instead of its count (Lucene's `BoostQuery`: the clause
   * weight is `boost · idf`), a term given twice gets the sum of its weights.
   * With integer weights equal to the counts this is {@linkcode scoreAll}.
   *
   * @param terms Token ids.
   * @param weights One non-negative weight per token id.
   * @returns One float32 score per document, in row order.
   * @throws {InputError} When the lengths differ or a weight is negative or not finite.
   */
  scoreWeighted(terms: Int32Array, weights: ArrayLike<number>): Float32Array {
    this.#checkNotEmpty();
    const { distinct, boosts } = _mergeWeights(terms, weights);
    const out = new Float32Array(this.size);
    const n = this.#accumulateTerms(distinct, boosts);
    for (let i = 0; i < n; i++) out[this.#touched[i]] = this.#acc[this.#touched[i]];
    this.#reset(n);
    return out;
  }

  /**
   * The least upper bound of a weighted query's BM25 score in this index:
   * Σ over its terms that occur here of `boost · idf` (each clause scores
   * `w − w / (1 + tf · normInverse) < w`), in float32 steps. Dividing scores
   * by it puts every index's scores for the query on one [0, 1) scale.
   *
   * @param terms Token ids.
   * @param weights One weight per token id.
   * @returns The bound (0 when no term occurs).
   */
  maxScore(terms: Int32Array, weights: ArrayLike<number>): number {
    this.#checkNotEmpty();
    const b = this.#build();
    const { distinct, boosts } = _mergeWeights(terms, weights);
    let sum = 0;
    for (let i = 0; i < distinct.length; i++) {
      const t = distinct[i];
      if (t < 0 || t + 1 >= b.termStart.length) continue;
      const df = b.termStart[t + 1] - b.termStart[t];
      if (df > 0) sum += f(boosts[i] * this.idf(df));
    }
    return f(sum);
  }

  #checkNotEmpty(): void {
    if (this.size === 0) {
      throw new InputError("Cannot search an empty BM25 index: add documents first");
    }
  }

  /**
   * The top-`k` documents per query, score descending, ties by docid descending.
   *
   * @param queries Token ids of each query.
   * @param k Hits per query; `0` means the full ranking (documents scoring 0 last, by docid descending).
   * @returns One {@linkcode Hits} per query.
   * @throws {InputError} for an empty index or a bad `k`.
   */
  search(queries: readonly Int32Array[], k: number): Hits[] {
    if (!Number.isInteger(k) || k < 0) {
      throw new InputError(`k must be an integer >= 0 (0 = full ranking), got ${k}`);
    }
    this.#checkNotEmpty();
    const b = this.#build();
    const depth = k === 0 ? this.size : Math.min(k, this.size);
    return queries.map((query) => {
      const n = this.#accumulate(query);
      let positive = 0;
      for (let i = 0; i < n; i++) if (f(this.#acc[this.#touched[i]]) > 0) positive++;
      const top = new TopK(Math.min(depth, positive));
      for (let i = 0; i < n; i++) {
        const d = this.#touched[i];
        const s = f(this.#acc[d]);
        if (s > 0) top.push(s, d, b.keys[d]);
      }
      const { rows, scores } = top.drain();
      const ids = Array.from(rows, (r) => this.#ids[r]);
      const outScores = new Float32Array(depth);
      outScores.set(scores);
      // The zero-score tail, by docid descending.
      for (let i = 0; ids.length < depth; i++) {
        const d = b.byKeyDesc[i];
        if (this.#mark[d] === 1 && f(this.#acc[d]) > 0) continue;
        ids.push(this.#ids[d]);
      }
      this.#reset(n);
      return { ids, scores: outScores };
    });
  }

  /**
   * The 1-based rank of given documents in each query's full ranking (the
   * order of `search(queries, 0)`), without sorting it.
   *
   * @param queries Token ids of each query.
   * @param relevant Per query, the ids to rank; an id not in the index gets `Infinity`.
   * @returns Per query, one rank per given id, in the given order.
   * @throws {InputError} for an empty index or a list count mismatch.
   */
  ranksOf(
    queries: readonly Int32Array[],
    relevant: readonly (readonly string[])[],
  ): Float64Array[] {
    if (relevant.length !== queries.length) {
      throw new InputError(
        `ranksOf: got relevant documents for ${relevant.length} queries, expected ${queries.length} (one list per query)`,
      );
    }
    this.#checkNotEmpty();
    const b = this.#build();
    const size = this.size;
    return queries.map((query, q) => {
      const n = this.#accumulate(query);
      const score = (d: number) => (this.#mark[d] === 1 ? f(this.#acc[d]) : 0);
      const ranks = new Float64Array(relevant[q].length);
      relevant[q].forEach((id, m) => {
        const r = this.#rowOf.get(id);
        if (r === undefined) return void (ranks[m] = Infinity);
        const sr = score(r), kr = b.keys[r];
        let before = 0, positiveAbove = 0;
        for (let i = 0; i < n; i++) {
          const d = this.#touched[i];
          const s = f(this.#acc[d]);
          if (s > 0 && ranksBefore(s, b.keys[d], sr, kr)) before++;
          if (s > 0 && b.keys[d] > kr) positiveAbove++;
        }
        // A zero-score document is preceded by every positive one and by the zero-score ones with larger docids.
        if (sr === 0) before += size - 1 - kr - positiveAbove;
        ranks[m] = before + 1;
      });
      this.#reset(n);
      return ranks;
    });
  }
}

/**
 * Token ids of a text for BM25: the tokenizer's ids without special tokens
 * (`[CLS]`, `[SEP]`, `[UNK]`, … for mBERT).
 *
 * @param tokenizer The project's tokenizer (mBERT WordPiece by default).
 * @param text The text.
 * @returns Its content token ids.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyTokenizer } from "../data/_testing.ts";
 * import { bm25Tokens } from "./bm25.ts";
 * const tok = await tinyTokenizer();
 * const ids = bm25Tokens(tok, "wer war die hauptstadt von zzz?"); // "zzz" is [UNK]
 * assert.deepEqual([...ids], [...tok.encode("wer war die hauptstadt von ?", { addSpecialTokens: false })]);
 * ```
 */
export function bm25Tokens(tokenizer: TextTokenizer, text: string): Int32Array {
  const ids = tokenizer.encode(text, { addSpecialTokens: false });
  const special = tokenizer.specialIds;
  return ids.filter((id) => !special.has(id));
}
