/**
 * Retrieval: exact dense search by inner product ({@linkcode DenseIndex},
 * blocked matrix products through a {@linkcode ScoreKernel}: xlir's own
 * WebAssembly SIMD kernel on worker threads by default, tfjs-wasm XNNPACK, or
 * plain TypeScript as the reference), an approximate HNSW
 * index ({@linkcode ApproxDenseIndex}, usearch; efficiency comparisons only),
 * and Lucene's BM25 over token ids ({@linkcode Bm25Index}).
 *
 * Every ranking is in trec_eval's order — score descending, ties broken by
 * docid descending — and every index offers `ranksOf()`, the 1-based ranks of
 * given documents in the full ranking, for exact average precision without a
 * cutoff.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DenseIndex } from "./mod.ts";
 * const index = await DenseIndex.create(2);
 * index.add(["a", "b"], new Float32Array([1, 0, 0, 1]));
 * assert(index.search(new Float32Array([1, 0]), 1)[0].ids[0] === "a");
 * ```
 *
 * @module
 */

export * from "./bm25.ts";
export * from "./dense_index.ts";
export * from "./docid_order.ts";
export * from "./exact_search.ts";
export * from "./js_kernel.ts";
export * from "./kernels.ts";
export * from "./lucene_norms.ts";
export * from "./score_kernel.ts";
export * from "./tfjs_kernel.ts";
export * from "./topk.ts";
export * from "./usearch_index.ts";
export * from "./vector_index.ts";
export * from "./wasm_kernel.ts";
