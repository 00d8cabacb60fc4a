/**
 * Summaries of timings: medians (the bench's statistic, robust to a slow
 * outlier from a busy machine), the spread, and throughput from a time.
 *
 * @module
 */

/**
 * The median of the values (mean of the middle two for an even count).
 *
 * @param values Finite numbers, at least one.
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
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median() of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, extremes and count of a list of timings. */
export interface Summary {
  /** Number of values. */
  n: number;
  /** The median. */
  median: number;
  /** The smallest value. */
  min: number;
  /** The largest value. */
  max: number;
}

/**
 * Summarises values: count, median, min, max.
 *
 * @param values At least one number.
 * @returns The summary.
 * @throws {RangeError} for an empty list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarize } from "./stats.ts";
 * const s = summarize([5, 1, 3]);
 * assert(s.n === 3 && s.median === 3 && s.min === 1 && s.max === 5);
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
  };
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
