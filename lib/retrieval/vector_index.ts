/**
 * What every vector index offers (the exact {@linkcode DenseIndex} of
 * `dense_index.ts`, the approximate HNSW index of `usearch_index.ts`).
 *
 * @module
 */

/** The ranked documents of one query, best first. */
export interface Hits {
  /** Document ids. */
  ids: string[];
  /**
   * Their scores (float32 values). A run file must print them so that they
   * read back as the same numbers (e.g. `String(score)`, not `toFixed(4)`), or
   * trec_eval would see ties that the ranking broke differently.
   */
  scores: Float32Array;
}

/** A searchable collection of vectors with string ids. */
export interface VectorIndex {
  /** Vector dimension. */
  readonly dim: number;
  /** Number of documents. */
  readonly size: number;
  /** Bytes held for the vectors (and graph, for an approximate index). */
  readonly sizeBytes: number;
  /** True when the search is exact (every ranking is the true one). */
  readonly exact: boolean;
  /**
   * Adds documents.
   *
   * @param ids One id per vector, distinct from each other and from the ids already held.
   * @param vectors Row-major `ids.length × dim`.
   */
  add(ids: readonly string[], vectors: Float32Array): void;
  /**
   * The top-`k` documents per query by inner product, score descending, ties
   * by docid descending.
   *
   * @param queries Row-major `Q × dim`.
   * @param k Hits per query; `0` means every document (exact indexes only).
   */
  search(queries: Float32Array, k: number): Hits[];
  /**
   * The 1-based rank of each given document in each query's ranking (`Infinity` when absent).
   *
   * @param queries Row-major `Q × dim`.
   * @param relevant Per query, the document ids to rank.
   */
  ranksOf(queries: Float32Array, relevant: readonly (readonly string[])[]): Float64Array[];
}
