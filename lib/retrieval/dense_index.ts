/**
 * An exact inner-product index over vectors with string ids: vectors are kept
 * in blocks of rows (4,096 by default), searched by blocked matrix products
 * through a {@linkcode ScoreKernel}, with trec_eval's ranking order (score
 * descending, ties by docid descending). With L2-normalised rows, the inner
 * product is the cosine similarity.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { docidRanks } from "./docid_order.ts";
import { DEFAULT_QUERY_BLOCK, type DenseRows, rankRows, searchRows } from "./exact_search.ts";
import { loadKernel } from "./kernels.ts";
import type { ScoreKernel } from "./score_kernel.ts";
import type { Hits, VectorIndex } from "./vector_index.ts";

/** Options of a {@linkcode DenseIndex}. */
export interface DenseIndexOptions {
  /** The matrix-product kernel. */
  kernel: ScoreKernel;
  /** Rows per storage block (one matrix product each). Default 4,096. */
  blockRows?: number;
  /** Queries per sweep over the corpus. Default: the kernel's preferred block, else 256. */
  queryBlock?: number;
}

/** Gives storage blocks back to their kernel when an index is garbage-collected. */
const storage = new FinalizationRegistry<{ kernel: ScoreKernel; blocks: Float32Array[] }>(
  ({ kernel, blocks }) => {
    for (const b of blocks) kernel.release?.(b);
  },
);

/** Default rows per storage block. */
export const DEFAULT_BLOCK_ROWS = 4096;

/**
 * Exact top-k search by inner product.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DenseIndex } from "./dense_index.ts";
 * const index = await DenseIndex.create(2);
 * index.add(["a", "b", "c"], new Float32Array([1, 0, 0, 1, 0.6, 0.8]));
 * const [hits] = index.search(new Float32Array([0, 1]), 2);
 * assert(hits.ids.join() === "b,c");
 * const [ranks] = index.ranksOf(new Float32Array([0, 1]), [["a"]]);
 * assert(ranks[0] === 3);
 * ```
 */
export class DenseIndex implements VectorIndex {
  /** Vector dimension. */
  readonly dim: number;
  /** The kernel in use. */
  readonly kernel: ScoreKernel;
  /** Always true: every ranking is exact. */
  readonly exact = true;
  #blockRows: number;
  #queryBlock: number;
  #blocks: Float32Array[] = [];
  #kernelBlocks: Float32Array[] = []; // the blocks held in the kernel's memory
  #fill = 0; // rows used in the last block
  #ids: string[] = [];
  #rowOf = new Map<string, number>();
  #keys: Int32Array | undefined;

  /**
   * Creates an index with the default kernel (`XLIR_SEARCH_KERNEL`, else `wasm`).
   *
   * @param dim Vector dimension.
   * @param options Kernel, block sizes.
   */
  static async create(dim: number, options: Partial<DenseIndexOptions> = {}): Promise<DenseIndex> {
    const kernel = options.kernel ?? await loadKernel();
    return new DenseIndex(dim, { ...options, kernel });
  }

  /**
   * @param dim Vector dimension (≥ 1).
   * @param options Kernel, block sizes.
   */
  constructor(dim: number, options: DenseIndexOptions) {
    if (!Number.isInteger(dim) || dim < 1) {
      throw new InputError(`DenseIndex: dimension must be an integer >= 1, got ${dim}`);
    }
    this.dim = dim;
    this.kernel = options.kernel;
    this.#blockRows = Math.max(1, Math.floor(options.blockRows ?? DEFAULT_BLOCK_ROWS));
    this.#queryBlock = Math.max(
      1,
      Math.floor(options.queryBlock ?? options.kernel.preferredQueryBlock ?? DEFAULT_QUERY_BLOCK),
    );
    if (options.kernel.allocRows) {
      storage.register(this, { kernel: options.kernel, blocks: this.#kernelBlocks });
    }
  }

  /** A new storage block: in the kernel's memory when it offers some, else an ordinary array. */
  #newBlock(): Float32Array {
    const n = this.#blockRows * this.dim;
    const inKernel = this.kernel.allocRows?.(n);
    if (inKernel) {
      this.#kernelBlocks.push(inKernel);
      return inKernel;
    }
    return new Float32Array(n);
  }

  /** Number of documents. */
  get size(): number {
    return this.#ids.length;
  }

  /** The document ids, in insertion (row) order. */
  get ids(): readonly string[] {
    return this.#ids;
  }

  /** Bytes of the stored vectors (`size × dim × 4`, plus the unused tail of the last block). */
  get sizeBytes(): number {
    return this.#blocks.reduce((n, b) => n + b.byteLength, 0);
  }

  /**
   * Adds documents; nothing is added when any input is rejected.
   *
   * @param ids One id per vector, distinct from each other and from the ids already held.
   * @param vectors Row-major `ids.length × dim`, finite values.
   * @throws {InputError} for a length mismatch, a non-finite value or a duplicate id.
   */
  add(ids: readonly string[], vectors: Float32Array): void {
    const dim = this.dim;
    if (vectors.length !== ids.length * dim) {
      throw new InputError(
        `DenseIndex.add: ${ids.length} ids need ${
          ids.length * dim
        } values (dimension ${dim}), got ${vectors.length}`,
      );
    }
    for (let i = 0; i < vectors.length; i++) {
      if (!Number.isFinite(vectors[i])) {
        throw new InputError(
          `DenseIndex.add: vector of "${ids[Math.floor(i / dim)]}" has a non-finite value (${
            vectors[i]
          }) at dimension ${i % dim}`,
        );
      }
    }
    const fresh = new Set<string>();
    for (const id of ids) {
      if (this.#rowOf.has(id) || fresh.has(id)) {
        throw new InputError(
          `DenseIndex.add: duplicate document id "${id}", expected each id once`,
        );
      }
      fresh.add(id);
    }
    let at = 0;
    while (at < ids.length) {
      if (this.#blocks.length === 0 || this.#fill === this.#blockRows) {
        this.#blocks.push(this.#newBlock());
        this.#fill = 0;
      }
      const n = Math.min(this.#blockRows - this.#fill, ids.length - at);
      this.#blocks[this.#blocks.length - 1].set(
        vectors.subarray(at * dim, (at + n) * dim),
        this.#fill * dim,
      );
      this.#fill += n;
      at += n;
    }
    for (const id of ids) {
      this.#rowOf.set(id, this.#ids.length);
      this.#ids.push(id);
    }
    this.#keys = undefined;
  }

  /** The corpus as row blocks (the last one cut to its filled rows). */
  #rows(): DenseRows {
    this.#keys ??= docidRanks(this.#ids, "the dense index");
    const blocks = this.#blocks.map((b, i) =>
      i === this.#blocks.length - 1 ? b.subarray(0, this.#fill * this.dim) : b
    );
    return { dim: this.dim, size: this.size, blocks, keys: this.#keys };
  }

  /**
   * The top-`k` documents per query, score descending, ties by docid descending.
   *
   * @param queries Row-major `Q × dim`.
   * @param k Hits per query; `0` means the full ranking.
   * @returns One {@linkcode Hits} per query.
   * @throws {InputError} for an empty index, a dimension mismatch or a bad `k`.
   */
  search(queries: Float32Array, k: number): Hits[] {
    const hits = searchRows(this.#rows(), queries, k, {
      kernel: this.kernel,
      queryBlock: this.#queryBlock,
    });
    return hits.map(({ rows, scores }) => ({ ids: Array.from(rows, (r) => this.#ids[r]), scores }));
  }

  /**
   * The 1-based rank of given documents in each query's full ranking (the
   * same order as {@linkcode DenseIndex.search} with `k = 0`), computed without
   * sorting: average precision over the full ranking is `mean_i(i / rank_i)`.
   *
   * @param queries Row-major `Q × dim`.
   * @param relevant Per query, the ids to rank; an id not in the index gets `Infinity`.
   * @returns Per query, one rank per given id, in the given order.
   * @throws {InputError} for an empty index, a dimension mismatch or a list count mismatch.
   */
  ranksOf(queries: Float32Array, relevant: readonly (readonly string[])[]): Float64Array[] {
    const targets = relevant.map((ids) => Int32Array.from(ids, (id) => this.#rowOf.get(id) ?? -1));
    return rankRows(this.#rows(), queries, targets, {
      kernel: this.kernel,
      queryBlock: this.#queryBlock,
    });
  }
}
