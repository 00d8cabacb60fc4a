/**
 * What the LAReQA evaluation ranks with: a scorer gives, for a block of
 * queries and a collection of candidates, the full matrix of scores. Dense
 * encoders (cosine of L2-normalised embeddings, exact) and BM25 (the lexical
 * anchor) implement it.
 *
 * @module
 */

import type { TextTokenizer } from "../data/tokenizer.ts";
import type { Encoder } from "../model/encoder.ts";
import { Bm25Index, type Bm25Options, bm25Tokens } from "../retrieval/bm25.ts";
import { encodeTexts } from "../retrieval/encode.ts";
import type { ScoreKernel } from "../retrieval/score_kernel.ts";

/** Candidates ranked together. */
export interface Collection {
  /** Identifies the collection (its statistics, for BM25): e.g. `"de"` or `"all"`. */
  key: string;
  ids: readonly string[];
  texts: readonly string[];
}

/** Queries to score (ids are unique across languages: `"{lang}:{qid}"`). */
export interface QuerySet {
  ids: readonly string[];
  texts: readonly string[];
}

/** Receives a block of score rows: `rows[j * size + i]` = score of query `q0 + j` for candidate `i`. */
export type RowsCallback = (q0: number, nq: number, rows: Float32Array) => void;

/** Scores queries against collections. */
export interface Scorer {
  /** For tables: `"bm25"`, or the model's name. */
  readonly name: string;
  /**
   * True when a candidate's score does not depend on the collection it is in
   * (dense models); then the evaluation scores the pool once and reads every
   * language's block from it. BM25's idf and average length do depend on it.
   */
  readonly collectionIndependent: boolean;
  /** Scores `queries` against `collection`, block by block. */
  scoreQueries(queries: QuerySet, collection: Collection, onRows: RowsCallback): void;
}

/** Options of {@linkcode DenseScorer}. */
export interface DenseScorerOptions {
  /** Queries per block (rows held at once: block × collection size floats). Default 128. */
  queryBlock?: number;
  /** Texts per encoder batch. Default 256. */
  encodeBatch?: number;
  /** Progress lines on stderr while encoding. Default true. */
  progress?: boolean;
  /** Rewrites the embeddings of a block of texts before scoring (e.g. `mean_centered.ts`). */
  postprocess?: EmbeddingPostprocess;
}

/** Rewrites `ids.length × dim` row-major embeddings of one role; returns the new rows. */
export type EmbeddingPostprocess = (
  vectors: Float32Array,
  ids: readonly string[],
  role: "query" | "passage",
) => Float32Array;

/**
 * Cosine scores of a dual encoder (queries with `Query: `, candidates with
 * `Passage: `), computed exactly with a matrix-product kernel. Embeddings are
 * computed once per text id and kept.
 *
 * @example
 * ```ts ignore
 * import { DenseScorer } from "./scorers.ts";
 * import { loadKernel } from "../retrieval/kernels.ts";
 * const scorer = new DenseScorer("hybrid", encoder, await loadKernel());
 * ```
 */
export class DenseScorer implements Scorer {
  readonly collectionIndependent = true;
  #cache = new Map<string, Float32Array>();
  #options: Required<Omit<DenseScorerOptions, "postprocess">>;
  #post: EmbeddingPostprocess | undefined;

  constructor(
    readonly name: string,
    readonly encoder: Encoder,
    readonly kernel: ScoreKernel,
    options: DenseScorerOptions = {},
  ) {
    const { postprocess, ...rest } = options;
    this.#options = { queryBlock: 128, encodeBatch: 256, progress: true, ...rest };
    this.#post = postprocess;
  }

  /** Embeddings of `texts` (by id, cached), row-major. */
  embed(ids: readonly string[], texts: readonly string[], role: "query" | "passage"): Float32Array {
    const dim = this.encoder.dim;
    const missing: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (!this.#cache.has(`${role}\u0000${ids[i]}`)) missing.push(i);
    }
    if (missing.length) {
      const vecs = encodeTexts(this.encoder, missing.map((i) => texts[i]), role, {
        batchSize: this.#options.encodeBatch,
        label: this.#options.progress ? `encode ${this.name} ${role}s` : undefined,
      });
      missing.forEach((i, k) =>
        this.#cache.set(`${role}\u0000${ids[i]}`, vecs.subarray(k * dim, (k + 1) * dim))
      );
    }
    const out = new Float32Array(ids.length * dim);
    for (let i = 0; i < ids.length; i++) {
      out.set(this.#cache.get(`${role}\u0000${ids[i]}`)!, i * dim);
    }
    return out;
  }

  scoreQueries(queries: QuerySet, collection: Collection, onRows: RowsCallback): void {
    const dim = this.encoder.dim;
    let q = this.embed(queries.ids, queries.texts, "query");
    let docs = this.embed(collection.ids, collection.texts, "passage");
    if (this.#post) {
      q = this.#post(q, queries.ids, "query");
      docs = this.#post(docs, collection.ids, "passage");
    }
    const nDocs = collection.ids.length;
    const qb = this.#options.queryBlock;
    const docBlock = 4096;
    for (let q0 = 0; q0 < queries.ids.length; q0 += qb) {
      const nq = Math.min(qb, queries.ids.length - q0);
      const rows = new Float32Array(nq * nDocs);
      const block = this.kernel.prepare(q.subarray(q0 * dim), nq, dim);
      try {
        for (let d0 = 0; d0 < nDocs; d0 += docBlock) {
          const nd = Math.min(docBlock, nDocs - d0);
          const out = block.score(docs.subarray(d0 * dim), nd);
          for (let i = 0; i < nd; i++) {
            const base = i * nq;
            for (let j = 0; j < nq; j++) rows[j * nDocs + d0 + i] = out[base + j];
          }
        }
      } finally {
        block.dispose();
      }
      onRows(q0, nq, rows);
    }
  }
}

/**
 * BM25 (Lucene's formula, k1 = 0.9, b = 0.4 by default) over the model
 * tokenizer's WordPiece ids, one index per collection (its own idf and
 * average length), no prefixes.
 *
 * @example
 * ```ts ignore
 * import { Bm25Scorer } from "./scorers.ts";
 * const scorer = new Bm25Scorer(await loadMbertTokenizer());
 * ```
 */
export class Bm25Scorer implements Scorer {
  readonly name = "bm25";
  readonly collectionIndependent = false;
  #indexes = new Map<string, Bm25Index>();
  #tokens = new Map<string, Int32Array>();

  constructor(readonly tokenizer: TextTokenizer, readonly options: Bm25Options = {}) {}

  #tok(id: string, text: string): Int32Array {
    let t = this.#tokens.get(id);
    if (!t) this.#tokens.set(id, t = bm25Tokens(this.tokenizer, text));
    return t;
  }

  #index(c: Collection): Bm25Index {
    let index = this.#indexes.get(c.key);
    if (!index) {
      index = new Bm25Index(this.options);
      index.add(c.ids, c.ids.map((id, i) => this.#tok(id, c.texts[i])));
      this.#indexes.set(c.key, index);
    }
    return index;
  }

  scoreQueries(queries: QuerySet, collection: Collection, onRows: RowsCallback): void {
    const index = this.#index(collection);
    const n = collection.ids.length;
    const qb = 128;
    for (let q0 = 0; q0 < queries.ids.length; q0 += qb) {
      const nq = Math.min(qb, queries.ids.length - q0);
      const rows = new Float32Array(nq * n);
      for (let j = 0; j < nq; j++) {
        rows.set(index.scoreAll(this.#tok(queries.ids[q0 + j], queries.texts[q0 + j])), j * n);
      }
      onRows(q0, nq, rows);
    }
  }
}
