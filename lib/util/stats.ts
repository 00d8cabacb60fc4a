/**
 * Statistics of timings and samples: percentiles with linear interpolation
 * (numpy's default), the median, and throughput from a time. The BEIR
 * efficiency figures and the benchmarks both take them from here.
 *
 * @module
 */

/**
 * The `p`-th percentile with linear interpolation between closest ranks
 * (numpy's default): position `(n − 1) · p / 100` in the sorted values.
 *
 * @param values The sample (any order; not modified).
 * @param p Percentile in [0, 100].
 * @returns The percentile; `NaN` for an empty sample.
 * @throws {RangeError} When `p` is outside [0, 100].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { percentile } from "./stats.ts";
 * assert(percentile([4, 1, 3, 2], 50) === 2.5);
 * assert(percentile([1, 2, 3, 4, 5], 95) === 4.8);
 * ```
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const pos = (n - 1) * p / 100;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * The median of the values: {@linkcode percentile} 50 (the mean of the middle
 * two for an even count).
 *
 * @param values Finite numbers, at least one (not modified).
 * @returns The median.
 * @throws {RangeError} for an empty list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { median } from "./stats.ts";
 * assert(median([3, 1, 2]) === 2 && median([4, 1, 2, 3]) === 2.5);
 * ```
 */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) throw new RangeError("median() of an empty list");
  return percentile(values, 50);
}

/**
 * Items per second from the milliseconds one repetition of `items` took.
 *
 * @param items Items done in one repetition (pairs, texts, queries).
 * @param ms Milliseconds it took (> 0).
 * @returns `items / (ms / 1000)`.
 * @throws {RangeError} when `ms` is not a positive number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perSecond } from "./stats.ts";
 * assert(perSecond(64, 32) === 2000);
 * ```
 */
export function perSecond(items: number, ms: number): number {
  if (!(ms > 0)) throw new RangeError(`perSecond(): time must be > 0 ms, got ${ms}`);
  return items / (ms / 1000);
}
