/**
 * What every evaluation ranks with: one adapter per kind of model, dense
 * encoders (cosine of L2-normalised embeddings, exact) and BM25 (the lexical
 * anchor). An adapter does the two things the evaluations need:
 *
 * - **score rows** — for a block of queries and a collection of candidates,
 *   the full matrix of scores (the LAReQA evaluation, whose mAP needs every
 *   candidate's rank);
 * - **an index** — a corpus represented (tokenized, or encoded with the
 *   model's passage prompt) and then indexed, searched top-k (the BEIR/MIRACL
 *   evaluation, which times each phase).
 *
 * @module
 */

import type { TextTokenizer } from "../data/tokenizer.ts";
import type { Encoder } from "../model/encoder.ts";
import { Bm25Index, type Bm25Options, bm25Tokens } from "../retrieval/bm25.ts";
import { DenseIndex } from "../retrieval/dense_index.ts";
import { encodeTexts } from "../retrieval/encode.ts";
import type { ScoreKernel } from "../retrieval/score_kernel.ts";
import type { Hits } from "../retrieval/vector_index.ts";
import { InputError } from "../util/errors.ts";

/** Candidates ranked together. */
export interface Collection {
  /** Identifies the collection (its statistics, for BM25): e.g. `"de"` or `"all"`. */
  key: string;
  ids: readonly string[];
  texts: readonly string[];
}

/** Documents to index: ids and texts, in the same order. */
export type Corpus = Pick<Collection, "ids" | "texts">;

/** Queries to score (ids are unique across languages: `"{lang}:{qid}"`). */
export interface QuerySet {
  ids: readonly string[];
  texts: readonly string[];
}

/** Receives a block of score rows: `rows[j * size + i]` = score of query `q0 + j` for candidate `i`. */
export type RowsCallback = (q0: number, nq: number, rows: Float32Array) => void;

/** What a result records about the model. */
export type ModelDescription = Record<string, unknown> & { name: string; kind: "bm25" | "dense" };

/** How a scorer indexes a corpus, recorded with the efficiency figures. */
export interface IndexingInfo {
  /** The index: BM25 postings or exact dense vectors. */
  kind: "bm25" | "dense-exact";
  /** Vector dimension (null for BM25). */
  dim: number | null;
  /** What representing the corpus does (the first timed phase). */
  what: string;
  /** Texts per encoder batch (null for BM25). */
  batchSize: number | null;
  /** Dense search kernel name (null for BM25). */
  kernel: string | null;
  /** Threads the search uses (BM25 and the `js` kernel: 1). */
  threads: number;
}

/** A searchable index of a corpus. */
export interface CorpusIndex {
  /** Bytes the index holds (postings, norms and offsets, or float32 vectors; not the id strings). */
  readonly sizeBytes: number;
  /** The top `k` documents of each query text, score descending, ties by docid descending. */
  search(texts: readonly string[], k: number): Hits[];
}

/** Scores queries against collections, and indexes corpora for top-k search. */
export interface Scorer {
  /** For tables: `"bm25"`, or the model's name. */
  readonly name: string;
  /** What a result records about the model. */
  readonly description: ModelDescription;
  /**
   * True when a candidate's score does not depend on the collection it is in
   * (dense models); then the evaluation scores the pool once and reads every
   * language's block from it. BM25's idf and average length do depend on it.
   */
  readonly collectionIndependent: boolean;
  /** How {@linkcode Scorer.prepareIndex} indexes a corpus. */
  readonly indexing: IndexingInfo;
  /** Scores `queries` against `collection`, block by block. */
  scoreQueries(queries: QuerySet, collection: Collection, onRows: RowsCallback): void;
  /**
   * Represents a corpus (tokens or embeddings), calling `tick` with the
   * documents done; the returned function builds the index from that
   * representation (timed apart).
   */
  prepareIndex(corpus: Corpus, tick?: (n: number) => void): () => CorpusIndex;
}

/** What the LAReQA evaluation needs of a {@linkcode Scorer}: its name and score rows. */
export type RowScorer = Pick<Scorer, "name" | "collectionIndependent" | "scoreQueries">;

/** Options of {@linkcode DenseScorer}. */
export interface DenseScorerOptions {
  /** Queries per block (rows held at once: block × collection size floats). Default 128. */
  queryBlock?: number;
  /** Texts per encoder batch. Default 256. */
  encodeBatch?: number;
  /** Progress lines on stderr while encoding. Default true. */
  progress?: boolean;
  /**
   * Rewrites the embeddings of a block of texts before scoring (e.g.
   * `mean_centered.ts`). Score rows only: it needs every text's id, which a
   * top-k search's queries lack, so {@linkcode DenseScorer.prepareIndex} refuses it.
   */
  postprocess?: EmbeddingPostprocess;
}

/** Rewrites `ids.length × dim` row-major embeddings of one role; returns the new rows. */
export type EmbeddingPostprocess = (
  vectors: Float32Array,
  ids: readonly string[],
  role: "query" | "passage",
) => Float32Array;

/**
 * Cosine scores of a dual encoder (queries and candidates with the model's
 * prompts, `promptsOf`: the stand-ins' `Query: ` / `Passage: `), computed exactly with a matrix-product kernel. For score rows,
 * embeddings are computed once per text id and kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DenseScorer } from "./scorers.ts";
 * import { createStaticEncoder } from "../model/static_encoder.ts";
 * import { tinyTokenizer } from "../model/_testing.ts";
 * import { jsKernel } from "../retrieval/js_kernel.ts";
 * const encoder = createStaticEncoder({ tokenizer: await tinyTokenizer(), dim: 8, kernels: "js" });
 * const scorer = new DenseScorer("tiny", encoder, jsKernel, { progress: false });
 * const texts = ["the cat sat", "berlin"];
 * const rows: number[] = [];
 * const query = { ids: ["q"], texts: ["cat"] };
 * scorer.scoreQueries(query, { key: "all", ids: ["a", "b"], texts }, (_q0, _n, r) => rows.push(...r));
 * // The index ranks by the same scores.
 * const [hits] = scorer.prepareIndex({ ids: ["a", "b"], texts })().search(["cat"], 2);
 * assert.deepEqual([...hits.scores], [...rows].sort((x, y) => y - x));
 * encoder.dispose();
 * ```
 */
export class DenseScorer implements Scorer {
  readonly collectionIndependent = true;
  readonly indexing: IndexingInfo;
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
    this.indexing = {
      kind: "dense-exact",
      dim: encoder.dim,
      what: "dense encoding: tokenization (the model's passage prompt) + forward pass, batched",
      batchSize: this.#options.encodeBatch,
      kernel: kernel.name,
      threads: (kernel as { threads?: number }).threads ?? 1,
    };
  }

  /** Read when a result records the model (not at construction: a scorer needs only the encoder's width). */
  get description(): ModelDescription {
    const { encoder } = this;
    return {
      name: this.name,
      kind: "dense",
      architecture: encoder.architecture,
      dim: encoder.dim,
      max_length: encoder.maxLength,
      tokenizer: encoder.tokenizer.source,
    };
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
        label: this.#options.progress
          ? `encode ${this.name} ${role === "query" ? "queries" : "passages"}`
          : undefined,
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

  prepareIndex({ ids, texts }: Corpus, tick?: (n: number) => void): () => CorpusIndex {
    if (this.#post) {
      throw new InputError(
        `${this.name}: an embedding postprocess applies to score rows only, not to a top-k index`,
      );
    }
    // Encoded batch by batch, not through the embedding cache (a corpus is encoded once).
    const { encoder } = this, batchSize = this.#options.encodeBatch;
    const vectors = new Float32Array(texts.length * encoder.dim);
    for (let i = 0; i < texts.length; i += batchSize) {
      const part = texts.slice(i, i + batchSize);
      vectors.set(encodeTexts(encoder, part, "passage", { batchSize }), i * encoder.dim);
      tick?.(part.length);
    }
    return () => {
      const index = new DenseIndex(encoder.dim, { kernel: this.kernel });
      index.add(ids, vectors);
      return {
        get sizeBytes() {
          return index.sizeBytes;
        },
        search: (queries, k) =>
          index.search(encodeTexts(encoder, queries, "query", { batchSize }), k),
      };
    };
  }
}

/**
 * BM25 (Lucene's formula, k1 = 0.9, b = 0.4 by default) over the model
 * tokenizer's WordPiece ids, one index per collection (its own idf and
 * average length), no prefixes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Bm25Scorer } from "./scorers.ts";
 * import { tinyTokenizer } from "../model/_testing.ts";
 * const scorer = new Bm25Scorer(await tinyTokenizer());
 * const texts = ["the cat sat on the mat", "berlin is a city"];
 * const [hits] = scorer.prepareIndex({ ids: ["d1", "d2"], texts })().search(["cat"], 1);
 * assert.deepEqual(hits.ids, ["d1"]);
 * const rows: number[] = [];
 * scorer.scoreQueries({ ids: ["q"], texts: ["berlin"] }, { key: "all", ids: ["d1", "d2"], texts }, (_q0, _n, r) => rows.push(...r));
 * assert(rows[0] === 0 && rows[1] > 0);
 * ```
 */
export class Bm25Scorer implements Scorer {
  readonly collectionIndependent = false;
  readonly description: ModelDescription;
  readonly indexing: IndexingInfo = {
    kind: "bm25",
    dim: null,
    what: "BM25 indexing: WordPiece tokenization + postings build",
    batchSize: null,
    kernel: null,
    threads: 1,
  };
  #indexes = new Map<string, Bm25Index>();
  #tokens = new Map<string, Int32Array>();

  /**
   * @param tokenizer The WordPiece tokenizer whose ids are the terms.
   * @param options BM25 parameters.
   * @param name For tables and results. Default `"bm25"`.
   */
  constructor(
    readonly tokenizer: TextTokenizer,
    readonly options: Bm25Options = {},
    readonly name = "bm25",
  ) {
    const probe = new Bm25Index(options);
    this.description = {
      name,
      kind: "bm25",
      k1: probe.k1,
      b: probe.b,
      lucene_norms: probe.luceneNorms,
      tokenizer: tokenizer.source,
    };
  }

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

  prepareIndex({ ids, texts }: Corpus, tick?: (n: number) => void): () => CorpusIndex {
    // Tokenized once, not through the token cache (a corpus is indexed once).
    const tokens = texts.map((t) => {
      tick?.(1);
      return bm25Tokens(this.tokenizer, t);
    });
    return () => {
      const index = new Bm25Index(this.options);
      index.add(ids, tokens);
      void index.stats; // builds the postings now, inside the timing
      return {
        get sizeBytes() {
          return index.sizeBytes;
        },
        search: (queries, k) => index.search(queries.map((t) => bm25Tokens(this.tokenizer, t)), k),
      };
    };
  }
}
