/**
 * Measuring inference efficiency the same way for every model: latency
 * percentiles of a one-at-a-time loop (warm-up excluded), throughput, peak
 * memory (sampled `Deno.memoryUsage().rss` plus the kernel's high-water mark
 * `VmHWM` from `/proc/self/status`) and a description of the machine and
 * runtime the numbers came from.
 *
 * Deno reads `/proc` only under `--allow-all`; without it the `/proc` files
 * are read through `cat` (needs `--allow-run=cat`), and are left out
 * (`undefined`) when neither works.
 *
 * The `/proc` readers are `lib/util/proc.ts`'s, the percentiles
 * `lib/util/stats.ts`'s.
 *
 * @module
 */

import { readCpuInfo, readLoadavg } from "../util/proc.ts";
import { percentile } from "../util/stats.ts";

/** Summary of a latency sample, in milliseconds. */
export interface LatencySummary {
  /** Timed calls (warm-up excluded). */
  n: number;
  /** Arithmetic mean. */
  mean_ms: number;
  /** Median. */
  p50_ms: number;
  /** 95th percentile. */
  p95_ms: number;
  /** 99th percentile. */
  p99_ms: number;
  /** Fastest call. */
  min_ms: number;
  /** Slowest call. */
  max_ms: number;
}

/**
 * Summarises latencies: mean, p50/p95/p99 ({@linkcode percentile}), min, max.
 *
 * @param ms Latencies in milliseconds.
 * @returns The summary (`NaN` fields for an empty sample).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizeLatencies } from "./efficiency.ts";
 * const s = summarizeLatencies([1, 2, 3]);
 * assert(s.n === 3 && s.mean_ms === 2 && s.p50_ms === 2 && s.max_ms === 3);
 * ```
 */
export function summarizeLatencies(ms: ArrayLike<number>): LatencySummary {
  let sum = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < ms.length; i++) {
    sum += ms[i];
    min = Math.min(min, ms[i]);
    max = Math.max(max, ms[i]);
  }
  const n = ms.length;
  return {
    n,
    mean_ms: n ? sum / n : NaN,
    p50_ms: percentile(ms, 50),
    p95_ms: percentile(ms, 95),
    p99_ms: percentile(ms, 99),
    min_ms: n ? min : NaN,
    max_ms: n ? max : NaN,
  };
}

/** Options of {@linkcode measureLatencies}. */
export interface LatencyOptions {
  /** Untimed calls first, on `items[0]`, `items[1]`, … (cycling). Default 10. */
  warmup?: number;
  /** The clock, in milliseconds (tests pass a fake one). Default `performance.now`. */
  now?: () => number;
  /** Called after each timed call with its index (e.g. to sample memory); not timed. */
  after?: (i: number) => void;
}

/**
 * Calls `fn` once per item, one at a time, and times each call (an async
 * `fn` is awaited inside its own timing). The warm-up calls are not timed.
 *
 * @param items The inputs, e.g. query texts.
 * @param fn The work to time for one input (e.g. encode one query and search).
 * @param options Warm-up count, clock, hook.
 * @returns One latency in milliseconds per item, in item order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { measureLatencies } from "./efficiency.ts";
 * let t = 0;
 * const ms = await measureLatencies([1, 2, 3], (x) => void (t += 10 * x), {
 *   warmup: 2,
 *   now: () => t,
 * });
 * assert(ms.join() === "10,20,30");
 * ```
 */
export async function measureLatencies<T>(
  items: readonly T[],
  fn: (item: T) => unknown,
  options: LatencyOptions = {},
): Promise<Float64Array> {
  const now = options.now ?? (() => performance.now());
  const warmup = items.length === 0 ? 0 : options.warmup ?? 10;
  for (let i = 0; i < warmup; i++) {
    const r = fn(items[i % items.length]);
    if (r instanceof Promise) await r;
  }
  const out = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const t0 = now();
    const r = fn(items[i]);
    if (r instanceof Promise) await r;
    out[i] = now() - t0;
    options.after?.(i);
  }
  return out;
}

/**
 * Times one call.
 *
 * @param fn The work.
 * @param now The clock in milliseconds. Default `performance.now`.
 * @returns The result and the seconds it took.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timed } from "./efficiency.ts";
 * const { value, seconds } = await timed(() => 42);
 * assert(value === 42 && seconds >= 0);
 * ```
 */
export async function timed<T>(
  fn: () => T | Promise<T>,
  now: () => number = () => performance.now(),
): Promise<{ value: T; seconds: number }> {
  const t0 = now();
  const value = await fn();
  return { value, seconds: (now() - t0) / 1000 };
}

/** One memory sample. */
export interface MemorySample {
  /** What had just finished, e.g. `"index"`. */
  label: string;
  /** `Deno.memoryUsage().rss`. */
  rss_bytes: number;
  /** V8 heap in use. */
  heap_used_bytes: number;
  /** Memory outside the V8 heap held by JS objects (ArrayBuffers, wasm memory). */
  external_bytes: number;
}

/**
 * Samples `Deno.memoryUsage()` when asked (phase boundaries, every N queries)
 * and keeps the largest resident set size seen.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MemoryMonitor } from "./efficiency.ts";
 * const mem = new MemoryMonitor();
 * mem.sample("start");
 * const big = new Float64Array(1 << 20).fill(1);
 * mem.sample("allocated");
 * assert(mem.peakRssBytes >= mem.samples[0].rss_bytes && big[0] === 1);
 * ```
 */
export class MemoryMonitor {
  /** Labelled samples, in order (the silent ones of `peek()` are not kept). */
  readonly samples: MemorySample[] = [];
  #peak = 0;

  /**
   * Takes and keeps a labelled sample.
   *
   * @param label What had just finished.
   * @returns The sample.
   */
  sample(label: string): MemorySample {
    const m = Deno.memoryUsage();
    const s = {
      label,
      rss_bytes: m.rss,
      heap_used_bytes: m.heapUsed,
      external_bytes: m.external,
    };
    this.samples.push(s);
    this.#peak = Math.max(this.#peak, m.rss);
    return s;
  }

  /** Samples the resident set size for the peak only (cheap enough for every query). */
  peek(): void {
    this.#peak = Math.max(this.#peak, Deno.memoryUsage().rss);
  }

  /** Largest `rss` sampled so far. */
  get peakRssBytes(): number {
    return this.#peak;
  }
}

/** The machine and runtime a measurement ran on. */
export interface MachineRuntime {
  /** CPU model (`/proc/cpuinfo`'s first `model name`), or `"unknown"`. */
  cpu: string;
  /** Logical cores (`navigator.hardwareConcurrency`). */
  cores: number;
  /** OS and architecture. */
  os: string;
  /** Deno version. */
  deno: string;
  /** V8 version. */
  v8: string;
  /** `XLIR_THREADS` when set (the wasm search kernel's thread count), else null. */
  xlir_threads_env: string | null;
  /** Load averages over 1, 5 and 15 minutes (`/proc/loadavg`) when measured; null without `/proc`. */
  loadavg: number[] | null;
}

/**
 * Describes this machine and runtime.
 *
 * @returns CPU model, cores, OS, Deno and V8 versions, load averages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { machineRuntime } from "./efficiency.ts";
 * const m = machineRuntime();
 * assert(m.cores >= 1 && m.deno.length > 0);
 * ```
 */
export function machineRuntime(): MachineRuntime {
  let threadsEnv: string | null = null;
  try {
    threadsEnv = Deno.env.get("XLIR_THREADS") ?? null;
  } catch {
    // no --allow-env
  }
  return {
    cpu: readCpuInfo().model,
    cores: navigator.hardwareConcurrency,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    xlir_threads_env: threadsEnv,
    loadavg: readLoadavg(),
  };
}
