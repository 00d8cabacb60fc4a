/**
 * An **approximate** inner-product index (HNSW graph, `usearch`'s prebuilt
 * native module), behind the same {@linkcode VectorIndex} interface as the
 * exact {@linkcode DenseIndex}. Rankings may miss true neighbours; the exact
 * index stays the default for every result in xlir, and this one is for
 * efficiency comparisons only.
 *
 * Scores are usearch's `1 − distance` for the `ip` metric (float32), and hits
 * are re-sorted by score descending, docid descending, so equal scores come
 * out in trec_eval's order.
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { docidRanks } from "./docid_order.ts";
import { ranksBefore } from "./topk.ts";
import type { Hits, VectorIndex } from "./vector_index.ts";

type Usearch = typeof import("usearch");

/** HNSW parameters (usearch's names). */
export interface ApproxIndexOptions {
  /** Graph degree (`connectivity`, HNSW's M). Default 16. */
  connectivity?: number;
  /** Beam width while adding (`expansion_add`, efConstruction). Default 128. */
  expansionAdd?: number;
  /** Beam width while searching (`expansion_search`, ef). Default 64. */
  expansionSearch?: number;
  /** Threads for batch add/search; 0 = all cores. Default 0. */
  threads?: number;
  /** Depth of the approximate ranking that `ranksOf()` looks in. Default 1000. */
  rankDepth?: number;
}

/**
 * Approximate top-k search by inner product (HNSW, usearch).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ApproxDenseIndex } from "./usearch_index.ts";
 * const index = await ApproxDenseIndex.create(2);
 * index.add(["a", "b", "c"], new Float32Array([1, 0, 0, 1, 0.6, 0.8]));
 * const [hits] = index.search(new Float32Array([0, 1]), 2);
 * assert(hits.ids.join() === "b,c" && !index.exact);
 * ```
 */
export class ApproxDenseIndex implements VectorIndex {
  /** Vector dimension. */
  readonly dim: number;
  /** Always false: rankings are approximate. */
  readonly exact = false;
  #index: InstanceType<Usearch["Index"]>;
  #threads: number;
  #rankDepth: number;
  #ids: string[] = [];
  #rowOf = new Map<string, number>();
  #keys: Int32Array | undefined;
  #bytes: number | undefined;

  /**
   * Loads usearch and creates an empty index.
   *
   * @param dim Vector dimension.
   * @param options HNSW parameters.
   * @throws {InputError} when usearch's native module cannot load here.
   */
  static async create(dim: number, options: ApproxIndexOptions = {}): Promise<ApproxDenseIndex> {
    let lib: Usearch;
    try {
      lib = await import("usearch");
    } catch (err) {
      throw new InputError(
        `The approximate index needs usearch's native module, which did not load: ${
          (err as Error).message
        }`,
      );
    }
    return new ApproxDenseIndex(lib, dim, options);
  }

  private constructor(lib: Usearch, dim: number, options: ApproxIndexOptions) {
    if (!Number.isInteger(dim) || dim < 1) {
      throw new InputError(`ApproxDenseIndex: dimension must be an integer >= 1, got ${dim}`);
    }
    this.dim = dim;
    this.#threads = options.threads ?? 0;
    this.#rankDepth = options.rankDepth ?? 1000;
    this.#index = new lib.Index({
      dimensions: dim,
      metric: lib.MetricKind.IP,
      quantization: lib.ScalarKind.F32,
      connectivity: options.connectivity ?? 16,
      expansion_add: options.expansionAdd ?? 128,
      expansion_search: options.expansionSearch ?? 64,
      multi: false,
    });
  }

  /** Number of documents. */
  get size(): number {
    return this.#ids.length;
  }

  /** Bytes of the serialised index (vectors and graph), measured by saving it to a temporary file. */
  get sizeBytes(): number {
    if (this.#bytes === undefined) {
      const dir = Deno.makeTempDirSync({ prefix: "xlir-usearch-" });
      try {
        const path = join(dir, "index.usearch");
        this.#index.save(path);
        this.#bytes = Deno.statSync(path).size;
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    }
    return this.#bytes;
  }

  /**
   * Adds documents; nothing is added when any input is rejected.
   *
   * @param ids One id per vector, distinct from each other and from the ids already held.
   * @param vectors Row-major `ids.length × dim`, finite values.
   * @throws {InputError} for a length mismatch, a non-finite value or a duplicate id.
   */
  add(ids: readonly string[], vectors: Float32Array): void {
    if (vectors.length !== ids.length * this.dim) {
      throw new InputError(
        `ApproxDenseIndex.add: ${ids.length} ids need ${
          ids.length * this.dim
        } values (dimension ${this.dim}), got ${vectors.length}`,
      );
    }
    if (!vectors.every(Number.isFinite)) {
      throw new InputError(
        "ApproxDenseIndex.add: vectors have a non-finite value, expected finite numbers",
      );
    }
    const fresh = new Set<string>();
    for (const id of ids) {
      if (this.#rowOf.has(id) || fresh.has(id)) {
        throw new InputError(
          `ApproxDenseIndex.add: duplicate document id "${id}", expected each id once`,
        );
      }
      fresh.add(id);
    }
    if (ids.length === 0) return;
    const start = this.#ids.length;
    const keys = BigUint64Array.from(ids, (_, i) => BigInt(start + i));
    this.#index.add(keys, vectors.slice(), this.#threads);
    for (const id of ids) {
      this.#rowOf.set(id, this.#ids.length);
      this.#ids.push(id);
    }
    this.#keys = undefined;
    this.#bytes = undefined;
  }

  #checkQueries(queries: Float32Array): number {
    if (this.size === 0) throw new InputError("Cannot search an empty index: add documents first");
    if (queries.length % this.dim !== 0) {
      throw new InputError(
        `Query vectors have length ${queries.length}, expected a multiple of the index dimension ${this.dim}`,
      );
    }
    return queries.length / this.dim;
  }

  /** Approximate top-`k` rows per query, re-sorted by score descending, docid descending. */
  #searchRows(queries: Float32Array, k: number): { rows: Int32Array; scores: Float32Array }[] {
    const n = this.#checkQueries(queries);
    this.#keys ??= docidRanks(this.#ids, "the approximate index");
    const keys = this.#keys;
    const depth = Math.min(k, this.size);
    const out: { rows: Int32Array; scores: Float32Array }[] = [];
    if (n === 0) return out;
    // usearch returns Matches for one query and BatchMatches for several.
    const result = this.#index.search(queries.slice(), depth, this.#threads) as unknown as
      | InstanceType<Usearch["Matches"]>
      | InstanceType<Usearch["BatchMatches"]>;
    for (let q = 0; q < n; q++) {
      const m = "counts" in result ? result.get(q) : result;
      const rows = Array.from(m.keys, (key) => Number(key));
      const score = new Map(rows.map((r, i) => [r, Math.fround(1 - m.distances[i])]));
      rows.sort((a, b) => (ranksBefore(score.get(a)!, keys[a], score.get(b)!, keys[b]) ? -1 : 1));
      out.push({
        rows: Int32Array.from(rows),
        scores: Float32Array.from(rows, (r) => score.get(r)!),
      });
    }
    return out;
  }

  /**
   * Approximate top-`k` documents per query.
   *
   * @param queries Row-major `Q × dim`.
   * @param k Hits per query (≥ 1; an approximate index has no full ranking).
   * @returns One {@linkcode Hits} per query (possibly fewer than `k`).
   * @throws {InputError} for an empty index, a dimension mismatch or `k < 1`.
   */
  search(queries: Float32Array, k: number): Hits[] {
    if (!Number.isInteger(k) || k < 1) {
      throw new InputError(
        `ApproxDenseIndex.search: k must be an integer >= 1 (no full ranking), got ${k}`,
      );
    }
    return this.#searchRows(queries, k).map(({ rows, scores }) => ({
      ids: Array.from(rows, (r) => this.#ids[r]),
      scores,
    }));
  }

  /**
   * The rank of given documents in each query's approximate ranking of depth
   * `rankDepth` (default 1000); `Infinity` for a document not found there.
   *
   * @param queries Row-major `Q × dim`.
   * @param relevant Per query, the ids to rank.
   * @returns Per query, one rank per given id.
   */
  ranksOf(queries: Float32Array, relevant: readonly (readonly string[])[]): Float64Array[] {
    const lists = this.#searchRows(queries, this.#rankDepth);
    if (relevant.length !== lists.length) {
      throw new InputError(
        `ranksOf: got relevant documents for ${relevant.length} queries, expected ${lists.length} (one list per query)`,
      );
    }
    return lists.map(({ rows }, q) => {
      const at = new Map(Array.from(rows, (r, i) => [r, i + 1]));
      return Float64Array.from(relevant[q], (id) => at.get(this.#rowOf.get(id) ?? -1) ?? Infinity);
    });
  }
}
