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
/** The float32 unit roundoff. */
const U32 = 2 ** -24;
/** Relative margin on every error bound of the int16 first pass (covers float32 rounding in them). */
const MARGIN = 1 + 2 ** -10;

/**
 * The largest int16 magnitude `L` at which a dot product of two `dimP`-long
 * int16 vectors cannot overflow int32: `dimP · L² ≤ 2³¹ − 1` (2896 at 256).
 */
function int16Limit(dimP: number): number {
  return Math.min(32767, Math.floor(Math.sqrt((2 ** 31 - 1) / dimP)));
}

const F32_BITS = new Float32Array(1), U32_BITS = new Uint32Array(F32_BITS.buffer);

/** The largest float32 value ≤ `x` (`x` itself when it is one). */
function f32Below(x: number): number {
  const f = Math.fround(x);
  if (!(f > x)) return f;
  F32_BITS[0] = f;
  if (f > 0) U32_BITS[0]--;
  else if (f < 0) U32_BITS[0]++;
  else U32_BITS[0] = 0x80000001; // −(smallest subnormal)
  return F32_BITS[0];
}

/** Options of {@linkcode createWasmKernel}. */
export interface WasmKernelOptions {
  /** Threads, the caller's included. Default `XLIR_THREADS`, else the logical cores. */
  threads?: number;
  /** Use fused multiply-adds (relaxed SIMD). Default: when the engine supports them. */
  relaxed?: boolean;
  /**
   * The first pass of {@linkcode QueryBlock.scoreAbove}: `"int16"` (default;
   * integer products bounded against the float32 scores, then exact rescoring)
   * or `"f32"` (the float32 products themselves). Both visit the same pairs
   * with the same scores.
   */
  firstPass?: "int16" | "f32";
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
  // The int16 first pass (null with firstPass "f32").
  #q16: {
    limit: number; // L
    pairs: number; // dimension pairs (dim rounded up to even, halved)
    panels: number; // int16 panels, np × pairs × 8 queries × 2
    uvec: number; // per query (padded): its scale u_j (float32)
    thrQ: number; // per query (padded): the lowered threshold (float32)
    err: Float64Array; // ‖q − u·Q‖ + 3.01u‖u·Q‖ per query, bounded above
    norm: Float64Array; // ‖q‖ per query, bounded above
    docs16: Region;
    stats: Region;
  } | null = null;

  constructor(
    pool: WasmThreadPool,
    queries: Float32Array,
    nQueries: number,
    dim: number,
    firstPass: "int16" | "f32",
  ) {
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
    if (firstPass === "int16") this.#prepareInt16(queries);
  }

  /**
   * Quantises the queries: `Q_j = round(q_j / u_j)` with `u_j = fl32(max|q_j| / L)`,
   * packed for `i32x4.dot_i16x8_s` (per dimension pair, four queries × two dims a
   * vector), with float64 bounds on each query's error and norm.
   */
  #prepareInt16(queries: Float32Array): void {
    const pool = this.#pool, np = this.#np, dim = this.#dim, nq = this.nQueries;
    const pairs = (dim + 1) >> 1, limit = int16Limit(2 * pairs);
    const panels = pool.alloc(np * pairs * PANEL * 4);
    const uvec = pool.alloc(np * PANEL * 4), thrQ = pool.alloc(np * PANEL * 4);
    const q16 = new Int16Array(pool.memory.buffer, panels, np * pairs * PANEL * 2).fill(0);
    const u = pool.f32(uvec, np * PANEL).fill(0);
    const err = new Float64Array(nq), norm = new Float64Array(nq);
    for (let j = 0; j < nq; j++) {
      const q = j * dim;
      let m = 0;
      for (let t = 0; t < dim; t++) m = Math.max(m, Math.abs(queries[q + t]));
      const uj = Math.fround(m / limit);
      u[j] = uj;
      const base = (j >> 3) * pairs * 16 + ((j & 7) >> 2) * 8 + (j & 3) * 2;
      let ee = 0, nn = 0, hh = 0;
      for (let t = 0; t < dim; t++) {
        const x = queries[q + t];
        const Q = uj > 0 ? Math.max(-limit, Math.min(limit, Math.round(x / uj))) : 0;
        q16[base + (t >> 1) * 16 + (t & 1)] = Q;
        const r = x - uj * Q; // exact to float64 rounding
        ee += r * r;
        nn += x * x;
        hh += (uj * Q) * (uj * Q);
      }
      const slack = 1 + 2 ** -20;
      err[j] = (Math.sqrt(ee) + 3.01 * U32 * Math.sqrt(hh)) * slack;
      norm[j] = Math.sqrt(nn) * slack;
    }
    this.#q16 = {
      limit,
      pairs,
      panels,
      uvec,
      thrQ,
      err,
      norm,
      docs16: new Region(pool),
      stats: new Region(pool),
    };
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
      for (let t = 0; t < threads; t++) {
        counts.fill(0, (t * THREAD_SCRATCH) / 4, (t * THREAD_SCRATCH) / 4 + 2);
      }
      const cands = this.#cands.ensure(threads * cap * 8);
      const chunks = Math.ceil(nDocs / CHUNK_ROWS), run = { threads: this.#threadsFor(nDocs) };
      if (this.#q16) {
        this.#int16Pass(at, nDocs, thresholds, cands, cap, chunks, run);
      } else {
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
          chunks,
          run,
        );
      }
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

  /**
   * The int16 first pass: quantises the documents (scale s_i = max|d_i| / L),
   * bounds |approximate − float32 score| for each query over these documents,
   * lowers the thresholds by it, and lets `filter16` rescore exactly the pairs
   * that reach them.
   *
   * The bound, for document i and query j with D, Q the integer vectors:
   * `|s_i u_j (D·Q) − d·q| ≤ ‖s_i D‖·‖q − u_j Q‖ + ‖d − s_i D‖·‖q‖`; the float32
   * score is within `γ·‖d‖‖q‖` of `d·q` (`γ = 2·dim·u/(1 − 2·dim·u)`); the
   * computed approximation within `3.01u·‖s_i D‖‖u_j Q‖` of `s_i u_j (D·Q)`.
   * Document terms are bounded by their maxima over the call, with margins
   * for the float32 arithmetic that measured them.
   */
  #int16Pass(
    at: number,
    nDocs: number,
    thresholds: Float32Array,
    cands: number,
    cap: number,
    chunks: number,
    run: { threads: number },
  ): void {
    const pool = this.#pool, q = this.#q16!, dim = this.#dim, nq = this.nQueries;
    const d16 = q.docs16.ensure(nDocs * q.pairs * 4), st = q.stats.ensure(nDocs * 16);
    pool.run("quant16", [at, nDocs, dim, q.limit, d16, st, CHUNK_ROWS], chunks, run);
    const stats = pool.f32(st, 4 * nDocs);
    // In units of s_i, the computed residual may miss up to √dimP·4u·L (x·(L/m) is not x/s exactly).
    const unitSlack = Math.sqrt(2 * q.pairs) * 4 * U32 * q.limit;
    const gamma = (2 * dim * U32) / (1 - 2 * dim * U32);
    let aMax = 0, zMax = 0;
    for (let i = 0; i < nDocs; i++) {
      const s = stats[4 * i];
      const a = s * stats[4 * i + 1] * MARGIN;
      const e = s * (stats[4 * i + 2] * MARGIN + unitSlack);
      const dn = s * (stats[4 * i + 3] * MARGIN + unitSlack);
      const z = e + gamma * dn;
      // NaN (a non-finite document) poisons the maxima: then every pair is rescored.
      aMax = a > aMax || a !== a ? a : aMax;
      zMax = z > zMax || z !== z ? z : zMax;
    }
    const thrQ = pool.f32(q.thrQ, this.#np * PANEL);
    for (let j = 0; j < nq; j++) {
      const bound = (aMax * q.err[j] + zMax * q.norm[j]) * MARGIN;
      thrQ[j] = f32Below(thresholds[j] - bound);
    }
    thrQ.fill(Infinity, nq);
    pool.run(
      "filter16",
      [
        d16,
        nDocs,
        q.pairs,
        q.panels,
        this.#np,
        nq,
        q.thrQ,
        q.uvec,
        st,
        at,
        dim,
        this.#panels,
        this.#thr,
        this.#scratch,
        cands,
        cap,
        CHUNK_ROWS,
      ],
      chunks,
      run,
    );
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#q16) {
      for (const at of [this.#q16.panels, this.#q16.uvec, this.#q16.thrQ]) this.#pool.free(at);
      this.#q16.docs16.release();
      this.#q16.stats.release();
      this.#q16 = null;
    }
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
 * import assert from "node:assert/strict";
 * import { createWasmKernel } from "./wasm_kernel.ts";
 * const kernel = await createWasmKernel({ threads: 1 });
 * const block = kernel.prepare(new Float32Array([1, 0, 0, 1]), 2, 2);
 * const out = block.score(new Float32Array([0.5, 0.25]), 1);
 * assert(out[0] === 0.5 && out[1] === 0.25);
 * block.dispose();
 * ```
 */
export function createWasmKernel(options: WasmKernelOptions = {}): Promise<WasmScoreKernel> {
  const threads = threadCount(options.threads);
  const firstPass = options.firstPass ?? "int16";
  const key = `${threads}:${options.relaxed ?? "auto"}:${firstPass}`;
  let kernel = shared.get(key);
  if (!kernel) {
    kernel = build(threads, options.relaxed, firstPass, () => shared.delete(key));
    shared.set(key, kernel);
    kernel.catch(() => shared.delete(key));
  }
  return kernel;
}

async function build(
  threads: number,
  relaxed: boolean | undefined,
  firstPass: "int16" | "f32",
  onClose: () => void,
): Promise<WasmScoreKernel> {
  const pool = await WasmThreadPool.create(scoreModuleBytes({ relaxed }), { threads });
  const rows = new Map<Float32Array, number>();
  return {
    name: "wasm",
    threads: pool.threads,
    preferredQueryBlock: 1024,
    prepare(queries: Float32Array, nQueries: number, dim: number): QueryBlock {
      return new WasmQueryBlock(pool, queries, nQueries, dim, firstPass);
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
