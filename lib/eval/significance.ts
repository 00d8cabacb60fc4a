/**
 * Confidence intervals over seeds: the mean of a few values (one metric over
 * the seeds of a strategy) with its Student-t 95% interval. Comparisons
 * between strategies are tested by the hierarchical bootstrap
 * (`hierarchical_bootstrap.ts`).
 *
 * @module
 */

// Two-sided 95% Student t quantiles for 1..30 degrees of freedom.
const T975 = [
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];

/** Mean and 95% interval of a few values (e.g. one metric over seeds). */
export interface MeanCi {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one value. */
  sd: number;
  /** Half-width of the 95% Student-t interval; `NaN` for one value. */
  halfWidth: number;
  n: number;
}

/**
 * Mean ± 95% Student-t interval of values (seeds are few: t, not normal).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanCi } from "./significance.ts";
 * const r = meanCi([1, 2, 3]);
 * assert(r.mean === 2 && Math.abs(r.halfWidth - 4.303 / Math.sqrt(3)) < 1e-9);
 * ```
 */
export function meanCi(values: readonly number[]): MeanCi {
  const n = values.length;
  if (n === 0) return { mean: NaN, sd: NaN, halfWidth: NaN, n };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { mean, sd: 0, halfWidth: NaN, n };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const t = n - 1 <= 30 ? T975[n - 2] : 1.96;
  return { mean, sd, halfWidth: (t * sd) / Math.sqrt(n), n };
}
