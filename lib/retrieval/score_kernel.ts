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
}
