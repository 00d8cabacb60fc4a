/**
 * The inner-product kernel behind exact dense search, behind one interface so
 * that a faster one (Deno Workers over a `SharedArrayBuffer`, a hand-written
 * WASM SIMD loop, WebGPU) can replace the default without touching the search.
 *
 * Contract every kernel keeps (and its tests check): the score of a (document,
 * query) pair is **pointwise deterministic** — it depends on the two vectors
 * only, never on which other rows share the block. Searches rely on it so that
 * `search()` and `ranksOf()` see bit-identical scores.
 *
 * @module
 */

/** A block of queries prepared once (uploaded, transposed) and scored against many document blocks. */
export interface QueryBlock {
  /** Number of queries in the block. */
  readonly nQueries: number;
  /**
   * Scores documents against the block's queries.
   *
   * @param docs Row-major `nDocs × dim` document vectors (may be longer; only the first rows are read).
   * @param nDocs Number of documents.
   * @returns Row-major `nDocs × nQueries`: `out[i * nQueries + j]` = ⟨doc i, query j⟩ as a float32.
   *   The array may be a view that is only valid until the next `score()` or `dispose()`.
   */
  score(docs: Float32Array, nDocs: number): Float32Array;
  /**
   * Optional, for top-k searches: visits the pairs whose score is not below
   * the query's threshold (`!(score < thresholds[j])`), with the same scores
   * {@linkcode QueryBlock.score} gives, in no particular order. A kernel can
   * test the thresholds where the scores are made and skip writing them all.
   *
   * @param docs As for `score`.
   * @param nDocs Number of documents.
   * @param thresholds Per query (`nQueries`), float32 values or `-Infinity`.
   * @param visit Called with (document index in `docs`, query index, score).
   */
  scoreAbove?(
    docs: Float32Array,
    nDocs: number,
    thresholds: Float32Array,
    visit: (doc: number, query: number, score: number) => void,
  ): void;
  /** Frees what the block holds (tensors, buffers). */
  dispose(): void;
}

/** A matrix-product kernel for inner-product scores. */
export interface ScoreKernel {
  /** Short name, for logs and benchmarks (`"js"`, `"tfjs-wasm"`). */
  readonly name: string;
  /**
   * Prepares a block of queries.
   *
   * @param queries Row-major `nQueries × dim` (may be longer; only the first rows are read).
   * @param nQueries Number of queries.
   * @param dim Vector dimension.
   */
  prepare(queries: Float32Array, nQueries: number, dim: number): QueryBlock;
  /** Optional: the number of queries per block this kernel is fastest with. */
  readonly preferredQueryBlock?: number;
  /**
   * Optional: `n` zeroed floats in memory the kernel scores in place (no copy
   * per call), for an index's storage; `null` when the kernel has no room.
   */
  allocRows?(n: number): Float32Array | null;
  /** Optional: gives back what {@linkcode ScoreKernel.allocRows} returned. */
  release?(rows: Float32Array): void;
}
