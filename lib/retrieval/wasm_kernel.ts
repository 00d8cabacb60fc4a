/**
 * The hand-written WebAssembly score kernel (`wasm`, the default): a
 * register-blocked float32 matrix product with fused multiply-adds
 * (relaxed SIMD) — see {@link ../wasm/score_gemm.ts} — run by the calling
 * thread and `threads − 1` workers over a shared memory
 * ({@link ../wasm/thread_pool.ts}), each claiming chunks of 96 document rows.
 *
 * Scores are pointwise deterministic and bit-identical for any thread count
 * (one summation order per pair; threads only decide who computes a row).
 * They are float32 sums in dimension order, so they differ from the `js`
 * kernel's float64 sums in the last bits (relative differences ~1e-7).
 *
 * Besides {@linkcode QueryBlock.score}, blocks implement
 * {@linkcode QueryBlock.scoreAbove}: the threshold test runs inside the
 * kernel on the register tile, so a top-k search only sees the pairs that
 * can still enter a heap.
 *
 * @module
 */

import { scoreModuleBytes, THREAD_SCRATCH } from "../wasm/score_gemm.ts";
import { threadCount, WasmThreadPool } from "../wasm/thread_pool.ts";
import type { QueryBlock, ScoreKernel } from "./score_kernel.ts";

const PANEL = 8;
/** Document rows per chunk a thread claims. */
const CHUNK_ROWS = 96;
/** Below this many multiply-adds a call runs on the calling thread alone. */
const PARALLEL_MIN_MACS = 1 << 21;
/** Candidates a thread may list per call (beyond, the block is rescored in full). */
const MAX_CANDIDATES = 1 << 20;

/** Options of {@linkcode createWasmKernel}. */
export interface WasmKernelOptions {
  /** Threads, the caller's included. Default `XLIR_THREADS`, else the logical cores. */
  threads?: number;
  /** Use fused multiply-adds (relaxed SIMD). Default: when the engine supports them. */
  relaxed?: boolean;
}

/** The `wasm` kernel: a {@linkcode ScoreKernel} with threads to release. */
export interface WasmScoreKernel extends ScoreKernel {
  /** Threads in use, the caller's included. */
  readonly threads: number;
  /**
   * A Float32Array of `n` zeroed floats inside the kernel's memory: documents
   * stored there are scored in place, without a copy per call. Kept until
   * `release` is called on it; `null` when the memory (at most 4 GiB) is full.
   */
  allocRows(n: number): Float32Array | null;
  /** Returns memory from {@linkcode WasmScoreKernel.allocRows}. */
  release(rows: Float32Array): void;
  /** Stops the worker threads; the kernel is unusable afterwards. */
  close(): void;
}

/** A region of the pool's memory that grows on demand. */
class Region {
  at = 0;
  bytes = 0;
  constructor(private pool: WasmThreadPool) {}
  ensure(bytes: number): number {
    if (bytes > this.bytes) {
      if (this.bytes > 0) this.pool.free(this.at);
      this.bytes = Math.max(bytes, Math.ceil(this.bytes * 1.5));
      this.at = this.pool.alloc(this.bytes);
    }
    return this.at;
  }
  release(): void {
    if (this.bytes > 0) this.pool.free(this.at);
    this.bytes = 0;
  }
}

class WasmQueryBlock implements QueryBlock {
  readonly nQueries: number;
  #pool: WasmThreadPool;
  #dim: number;
  #np: number;
  #panels: number;
  #thr: number;
  #scratch: number;
  #docs: Region;
  #out: Region;
  #cands: Region;
  #disposed = false;

  constructor(pool: WasmThreadPool, queries: Float32Array, nQueries: number, dim: number) {
    this.#pool = pool;
    this.nQueries = nQueries;
    this.#dim = dim;
    const np = Math.ceil(nQueries / PANEL);
    this.#np = np;
    this.#panels = pool.alloc(np * dim * PANEL * 4);
    this.#thr = pool.alloc(np * PANEL * 4);
    this.#scratch = pool.alloc(pool.threads * THREAD_SCRATCH);
    this.#docs = new Region(pool);
    this.#out = new Region(pool);
    this.#cands = new Region(pool);
    const panels = pool.f32(this.#panels, np * dim * PANEL);
    panels.fill(0);
    for (let j = 0; j < nQueries; j++) {
      const base = Math.floor(j / PANEL) * dim * PANEL + (j % PANEL), q = j * dim;
      for (let t = 0; t < dim; t++) panels[base + t * PANEL] = queries[q + t];
    }
  }

  /** The byte address of the documents, copied into the pool's memory unless they are in it. */
  #place(docs: Float32Array, nDocs: number): number {
    if (this.#pool.owns(docs)) return docs.byteOffset;
    const n = nDocs * this.#dim;
    const at = this.#docs.ensure(n * 4);
    this.#pool.f32(at, n).set(docs.subarray(0, n));
    return at;
  }

  #threadsFor(nDocs: number): number {
    return nDocs * this.#np * PANEL * this.#dim >= PARALLEL_MIN_MACS ? this.#pool.threads : 1;
  }

  score(docs: Float32Array, nDocs: number): Float32Array {
    if (this.#disposed) throw new Error("QueryBlock.score() called after dispose()");
    const nq = this.nQueries, ldo = this.#np * PANEL;
    if (nDocs === 0) return new Float32Array(0);
    const at = this.#place(docs, nDocs);
    const out = this.#out.ensure(nDocs * ldo * 4);
    this.#pool.run(
      "score",
      [at, nDocs, this.#dim, this.#panels, this.#np, out, ldo, CHUNK_ROWS],
      Math.ceil(nDocs / CHUNK_ROWS),
      { threads: this.#threadsFor(nDocs) },
    );
    const view = this.#pool.f32(out, nDocs * ldo);
    if (ldo !== nq) {
      for (let i = 1; i < nDocs; i++) view.copyWithin(i * nq, i * ldo, i * ldo + nq);
    }
    return view.subarray(0, nDocs * nq);
  }

  scoreAbove(
    docs: Float32Array,
    nDocs: number,
    thresholds: Float32Array,
    visit: (doc: number, query: number, score: number) => void,
  ): void {
    if (this.#disposed) throw new Error("QueryBlock.scoreAbove() called after dispose()");
    const nq = this.nQueries, pool = this.#pool, threads = pool.threads;
    if (nDocs === 0) return;
    let open = true;
    for (let j = 0; j < nq && open; j++) open = thresholds[j] === -Infinity;
    const pairs = nDocs * nq;
    if (!open) {
      const cap = Math.min(pairs, MAX_CANDIDATES);
      const at = this.#place(docs, nDocs);
      const thr = pool.f32(this.#thr, this.#np * PANEL);
      thr.set(thresholds.subarray(0, nq));
      thr.fill(Infinity, nq);
      const counts = pool.i32(this.#scratch, (threads * THREAD_SCRATCH) / 4);
      for (let t = 0; t < threads; t++) counts[(t * THREAD_SCRATCH) / 4] = 0;
      const cands = this.#cands.ensure(threads * cap * 8);
      pool.run(
        "filter",
        [
          at,
          nDocs,
          this.#dim,
          this.#panels,
          this.#np,
          nq,
          this.#thr,
          this.#scratch,
          cands,
          cap,
          CHUNK_ROWS,
        ],
        Math.ceil(nDocs / CHUNK_ROWS),
        { threads: this.#threadsFor(nDocs) },
      );
      let overflow = false;
      for (let t = 0; t < threads; t++) overflow ||= counts[(t * THREAD_SCRATCH) / 4] > cap;
      if (!overflow) {
        for (let t = 0; t < threads; t++) {
          const n = counts[(t * THREAD_SCRATCH) / 4], base = cands + t * cap * 8;
          const idx = pool.i32(base, 2 * n), sc = pool.f32(base, 2 * n);
          for (let k = 0; k < n; k++) {
            const p = idx[2 * k], i = Math.floor(p / nq);
            visit(i, p - i * nq, sc[2 * k + 1]);
          }
        }
        return;
      }
    }
    // Every pair may enter (or too many did): score the block in full.
    const out = this.score(docs, nDocs);
    for (let i = 0; i < nDocs; i++) {
      const base = i * nq;
      for (let j = 0; j < nq; j++) {
        const s = out[base + j];
        if (!(s < thresholds[j])) visit(i, j, s);
      }
    }
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#pool.free(this.#panels);
    this.#pool.free(this.#thr);
    this.#pool.free(this.#scratch);
    this.#docs.release();
    this.#out.release();
    this.#cands.release();
  }
}

const shared = new Map<string, Promise<WasmScoreKernel>>();

/**
 * Creates (or returns the process's) `wasm` kernel for a thread count.
 *
 * @param options Threads (default `XLIR_THREADS`, else the cores) and FMA use.
 * @returns The kernel; kernels with the same options are shared.
 *
 * @example
 * ```ts
 * import { createWasmKernel } from "./wasm_kernel.ts";
 * const kernel = await createWasmKernel({ threads: 1 });
 * const block = kernel.prepare(new Float32Array([1, 0, 0, 1]), 2, 2);
 * const out = block.score(new Float32Array([0.5, 0.25]), 1);
 * console.assert(out[0] === 0.5 && out[1] === 0.25);
 * block.dispose();
 * ```
 */
export function createWasmKernel(options: WasmKernelOptions = {}): Promise<WasmScoreKernel> {
  const threads = threadCount(options.threads);
  const key = `${threads}:${options.relaxed ?? "auto"}`;
  let kernel = shared.get(key);
  if (!kernel) {
    kernel = build(threads, options.relaxed, () => shared.delete(key));
    shared.set(key, kernel);
    kernel.catch(() => shared.delete(key));
  }
  return kernel;
}

async function build(
  threads: number,
  relaxed: boolean | undefined,
  onClose: () => void,
): Promise<WasmScoreKernel> {
  const pool = await WasmThreadPool.create(scoreModuleBytes({ relaxed }), { threads });
  const rows = new Map<Float32Array, number>();
  return {
    name: "wasm",
    threads: pool.threads,
    preferredQueryBlock: 1024,
    prepare(queries: Float32Array, nQueries: number, dim: number): QueryBlock {
      return new WasmQueryBlock(pool, queries, nQueries, dim);
    },
    allocRows(n: number): Float32Array | null {
      let at: number;
      try {
        at = pool.alloc(n * 4);
      } catch (err) {
        if (err instanceof RangeError) return null;
        throw err;
      }
      const view = pool.f32(at, n);
      view.fill(0);
      rows.set(view, at);
      return view;
    },
    release(view: Float32Array): void {
      const at = rows.get(view);
      if (at === undefined) throw new Error("release(): these rows were not allocated here");
      rows.delete(view);
      pool.free(at);
    },
    close(): void {
      onClose();
      pool.close();
    },
  };
}
