/**
 * Threads for WebAssembly kernels: one module instantiated on the main thread
 * and in `threads − 1` workers over one shared `WebAssembly.Memory`, and a
 * synchronous {@linkcode WasmThreadPool.run} that splits a call into chunks
 * the threads claim one at a time (the main thread works too).
 *
 * Claiming is dynamic, so a worker that the OS has descheduled (on a machine
 * whose cores other processes also use) delays a job by at most the chunk it
 * holds, never by the chunks it has not started; the main thread then does
 * them. Results do not depend on which thread ran which chunk as long as a
 * kernel's chunks write disjoint outputs (or per-thread lists).
 *
 * Workers come from `node:worker_threads` (a self-contained script, so no file
 * permission is needed) and are `unref()`'d: an idle pool never keeps the
 * process alive, in `deno run` or under `deno test`'s sanitizers.
 *
 * The thread count is `options.threads`, else the `XLIR_THREADS` environment
 * variable, else `navigator.hardwareConcurrency`.
 *
 * @module
 */

import { Worker } from "node:worker_threads";
import { InputError } from "../util/errors.ts";
import { Arena } from "./arena.ts";

// Control words (Int32Array indices) at byte 0 of the memory; call arguments (float64) at byte 256.
const GEN = 0; // futex word: bumped for every job
const CLAIM = 1; // (generation & 0x7fff) << 16 | next chunk (MAX_CHUNKS: none, job being set up)
const NCHUNKS = 2;
const DONE = 3;
const FN = 4;
const NARGS = 5;
const STOP = 6;
const ERROR = 7;
const ARGS_AT = 256;
const MAX_ARGS = 24;
const MAX_CHUNKS = 0xffff;
/** Bytes at the start of the memory the pool keeps for its control words and arguments. */
export const RESERVED_BYTES = 1024;

/** The worker: instantiate, then claim chunks of each job until told to stop. Plain JS. */
const WORKER_SOURCE = `
import { parentPort, workerData } from "node:worker_threads";
const { memory, bytes, names, thread } = workerData;
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
const fns = names.map((n) => instance.exports[n]);
const ctrl = new Int32Array(memory.buffer, 0, 16);
const args = new Float64Array(memory.buffer, ${ARGS_AT}, ${MAX_ARGS});
parentPort.postMessage("ready");
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${GEN}, seen);
  seen = Atomics.load(ctrl, ${GEN});
  if (Atomics.load(ctrl, ${STOP}) !== 0) break;
  for (;;) {
    const w = Atomics.load(ctrl, ${CLAIM});
    const n = Atomics.load(ctrl, ${NCHUNKS});
    const c = w & 0xffff;
    if (c >= n) break;
    if (Atomics.compareExchange(ctrl, ${CLAIM}, w, w + 1) !== w) continue;
    try {
      const fn = fns[ctrl[${FN}]], k = ctrl[${NARGS}];
      const a = [];
      for (let i = 0; i < k; i++) a.push(args[i]);
      fn(...a, c, thread);
    } catch (err) {
      Atomics.store(ctrl, ${ERROR}, 1);
    }
    if (Atomics.add(ctrl, ${DONE}, 1) + 1 === n) Atomics.notify(ctrl, ${DONE});
  }
}
`;

/** Options of {@linkcode WasmThreadPool.create}. */
export interface ThreadPoolOptions {
  /** Threads, the main one included (≥ 1). Default `XLIR_THREADS`, else the logical cores. */
  threads?: number;
  /** Initial memory in 64 KiB pages, when the pool makes its memory. Default 16. */
  initialPages?: number;
  /**
   * A shared memory (maximum 65536 pages) to run over, with the arena that
   * allocates in it — which must keep the first {@linkcode RESERVED_BYTES}
   * for the pool. Default: a new memory and arena of the pool's own.
   */
  memory?: { memory: WebAssembly.Memory; arena: Arena };
}

/**
 * The thread count to use: the argument, else `XLIR_THREADS`, else
 * `navigator.hardwareConcurrency` (1 when unknown).
 *
 * @param threads An explicit count.
 * @returns A count ≥ 1.
 * @throws {InputError} for a count or `XLIR_THREADS` that is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { threadCount } from "./thread_pool.ts";
 * assert(threadCount(3) === 3 && threadCount() >= 1);
 * ```
 */
export function threadCount(threads?: number): number {
  let n: number | undefined = threads;
  let what = "threads";
  if (n === undefined) {
    let env: string | undefined;
    try {
      env = Deno.env.get("XLIR_THREADS");
    } catch {
      env = undefined; // no --allow-env: use the cores
    }
    if (env !== undefined && env.trim() !== "") {
      n = Number(env.trim());
      what = `XLIR_THREADS ("${env}")`;
    }
  }
  n ??= navigator.hardwareConcurrency || 1;
  if (!Number.isInteger(n) || n < 1) {
    throw new InputError(`${what} must be a positive integer, got ${n}`);
  }
  return n;
}

/**
 * A WebAssembly module run by several threads over one shared memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WasmModule } from "./assembler.ts";
 * import { WasmThreadPool } from "./thread_pool.ts";
 * // Each chunk c writes c + 1 at out[c].
 * const bytes = new WasmModule({ min: 1, max: 65536, shared: true }).func("mark", {
 *   params: [["$out", "i32"], ["$chunk", "i32"], ["$thread", "i32"]],
 *   body: "local.get $out local.get $chunk i32.const 4 i32.mul i32.add local.get $chunk i32.const 1 i32.add i32.store",
 * }).bytes();
 * const pool = await WasmThreadPool.create(bytes, { threads: 2 });
 * const at = pool.alloc(4 * 100);
 * pool.run("mark", [at], 100);
 * assert(new Int32Array(pool.memory.buffer, at, 100)[99] === 100);
 * pool.close();
 * ```
 */
export class WasmThreadPool {
  /** Threads, the main one included (fewer than asked when workers could not start). */
  readonly threads: number;
  /** The shared memory. */
  readonly memory: WebAssembly.Memory;
  /** The main thread's instance's exports. */
  readonly exports: Record<string, (...args: number[]) => unknown>;
  #names: string[];
  #workers: Worker[];
  #ctrl: Int32Array;
  #args: Float64Array;
  #gen = 0;
  #busy = false;
  #closed = false;
  #arena: Arena;

  private constructor(
    memory: WebAssembly.Memory,
    arena: Arena,
    instance: WebAssembly.Instance,
    names: string[],
    workers: Worker[],
  ) {
    this.memory = memory;
    this.exports = instance.exports as Record<string, (...args: number[]) => unknown>;
    this.#names = names;
    this.#workers = workers;
    this.threads = workers.length + 1;
    this.#ctrl = new Int32Array(memory.buffer, 0, 16);
    this.#args = new Float64Array(memory.buffer, ARGS_AT, MAX_ARGS);
    this.#arena = arena;
  }

  /**
   * Compiles the module, creates the memory and starts the workers.
   *
   * @param bytes A module importing a shared `env.memory` (maximum 65536 pages).
   * @param options Threads and initial size.
   * @returns The pool, its workers ready.
   */
  static async create(
    bytes: Uint8Array<ArrayBuffer>,
    options: ThreadPoolOptions = {},
  ): Promise<WasmThreadPool> {
    const threads = threadCount(options.threads);
    const memory = options.memory?.memory ?? new WebAssembly.Memory({
      initial: Math.max(1, options.initialPages ?? 16),
      maximum: 65536,
      shared: true,
    });
    const arena = options.memory?.arena ?? new Arena(memory, RESERVED_BYTES);
    const module = await WebAssembly.compile(bytes);
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const names = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === "function")
      .map((e) => e.name);
    const url = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);
    const started = await Promise.allSettled(
      Array.from({ length: threads - 1 }, (_, k) => startWorker(url, memory, bytes, names, k + 1)),
    );
    let workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    if (workers.length < threads - 1) {
      // Thread numbers must be dense: without all workers, run on the main thread alone.
      for (const w of workers) void w.terminate();
      workers = [];
    }
    return new WasmThreadPool(memory, arena, instance, names, workers);
  }

  /**
   * Calls export `fn(...args, chunk, thread)` for every chunk in `[0, chunks)`,
   * spread over the threads; returns when all are done.
   *
   * @param fn The export's name.
   * @param args Its leading arguments (numbers; at most 24).
   * @param chunks Number of chunks (at most 65535).
   * @param options `threads: 1` runs every chunk on the calling thread; `beforeWork` is called
   *   on the calling thread once the workers have been woken, before it claims chunks itself
   *   (work that does not touch the memory, overlapped with theirs).
   * @throws {Error} when a chunk trapped, or when called re-entrantly.
   */
  run(
    fn: string,
    args: number[],
    chunks: number,
    options: { threads?: number; beforeWork?: () => void } = {},
  ): void {
    if (this.#closed) throw new Error("WasmThreadPool used after close()");
    const f = this.exports[fn];
    if (!f) throw new Error(`WasmThreadPool: the module exports no function "${fn}"`);
    if (args.length > MAX_ARGS) {
      throw new Error(`WasmThreadPool.run: at most ${MAX_ARGS} arguments`);
    }
    if (!(Number.isInteger(chunks) && chunks >= 0 && chunks <= MAX_CHUNKS)) {
      throw new RangeError(`WasmThreadPool.run: chunks must be an integer in [0, ${MAX_CHUNKS}]`);
    }
    if (chunks === 0) return;
    if (this.#workers.length === 0 || (options.threads ?? this.threads) <= 1 || chunks === 1) {
      options.beforeWork?.();
      for (let c = 0; c < chunks; c++) f(...args, c, 0);
      return;
    }
    if (this.#busy) throw new Error("WasmThreadPool.run() called while a job is running");
    this.#busy = true;
    const ctrl = this.#ctrl;
    try {
      // First close the claim word of the last job under the new generation:
      // a worker may hold that word, exhausted, and then read this job's
      // larger NCHUNKS; its compare-exchange must fail, or it would run a
      // chunk twice and count a stale DONE (seen: 1 job in ~5,000).
      this.#gen = (this.#gen + 1) & 0x7fff;
      Atomics.store(ctrl, CLAIM, (this.#gen << 16) | MAX_CHUNKS);
      ctrl[FN] = this.#names.indexOf(fn);
      ctrl[NARGS] = args.length;
      this.#args.set(args);
      Atomics.store(ctrl, ERROR, 0);
      Atomics.store(ctrl, DONE, 0);
      Atomics.store(ctrl, NCHUNKS, chunks);
      Atomics.store(ctrl, CLAIM, this.#gen << 16);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      let failure: unknown;
      try {
        options.beforeWork?.();
      } catch (err) {
        failure = err;
      }
      for (;;) {
        const w = Atomics.load(ctrl, CLAIM);
        const c = w & 0xffff;
        if (c >= chunks) break;
        if (Atomics.compareExchange(ctrl, CLAIM, w, w + 1) !== w) continue;
        try {
          f(...args, c, 0);
        } catch (err) {
          failure ??= err;
        }
        Atomics.add(ctrl, DONE, 1);
      }
      for (let d = Atomics.load(ctrl, DONE); d < chunks; d = Atomics.load(ctrl, DONE)) {
        Atomics.wait(ctrl, DONE, d);
      }
      if (failure !== undefined) throw failure;
      if (Atomics.load(ctrl, ERROR) !== 0) {
        throw new Error(`WasmThreadPool: "${fn}" failed in a worker`);
      }
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Allocates `bytes` of the shared memory (16-byte aligned), growing it when needed.
   *
   * @returns The byte address.
   * @throws {RangeError} past 4 GiB.
   */
  alloc(bytes: number): number {
    return this.#arena.alloc(bytes);
  }

  /** Frees what {@linkcode WasmThreadPool.alloc} returned. */
  free(at: number): void {
    this.#arena.free(at);
  }

  /** A Float32Array view of `n` floats at byte `at` (valid for the pool's life, through growth). */
  f32(at: number, n: number): Float32Array {
    return this.#arena.f32(at, n);
  }

  /** An Int32Array view of `n` ints at byte `at`. */
  i32(at: number, n: number): Int32Array {
    return this.#arena.i32(at, n);
  }

  /** Whether `view` lies in this pool's memory (a view made by {@linkcode WasmThreadPool.f32}). */
  owns(view: ArrayBufferView): boolean {
    return this.#arena.owns(view);
  }

  /** Stops the workers; the pool is unusable afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    Atomics.store(this.#ctrl, STOP, 1);
    Atomics.add(this.#ctrl, GEN, 1);
    Atomics.notify(this.#ctrl, GEN);
    for (const w of this.#workers) void w.terminate();
    this.#workers = [];
  }
}

function startWorker(
  url: URL,
  memory: WebAssembly.Memory,
  bytes: Uint8Array,
  names: string[],
  thread: number,
): Promise<Worker> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(url, { workerData: { memory, bytes, names, thread } });
    } catch (err) {
      reject(err);
      return;
    }
    worker.once("error", reject);
    worker.once("message", () => {
      worker.off("error", reject);
      worker.unref();
      resolve(worker);
    });
  });
}
