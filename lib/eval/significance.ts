/**
 * Uncertainty for comparisons between training strategies: paired tests over
 * queries, and confidence intervals over seeds.
 *
 * The paired statistic is a macro-average, as the paper's metrics are: queries
 * are grouped in strata (a language, or a language pair) and
 * `stat = mean over strata of (mean over the stratum's queries of a_i − b_i)`.
 * Without strata it is the plain mean difference.
 *
 * @module
 */

import { Rng } from "../sampling/rng.ts";

/** Options of the paired tests. */
export interface PairedOptions {
  /** Resamples / permutations. Default 10,000. */
  iterations?: number;
  /** Seed of the resampling. Default 0. */
  seed?: number;
  /** Stratum index of each query (e.g. its language); default: one stratum. */
  strata?: ArrayLike<number>;
}

/** Result of a paired comparison of `a` against `b`. */
export interface PairedResult {
  /** The observed macro-averaged difference `a − b`. */
  diff: number;
  /** 95% percentile-bootstrap interval of the difference. */
  ci95: [number, number];
  /** Two-sided p-value (paired randomisation / sign-flip test). */
  p: number;
  /** Number of queries. */
  n: number;
}

function strataOf(n: number, strata?: ArrayLike<number>): number[][] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const s = strata ? strata[i] : 0;
    let g = groups.get(s);
    if (!g) groups.set(s, g = []);
    g.push(i);
  }
  return [...groups.keys()].sort((x, y) => x - y).map((k) => groups.get(k)!);
}

function macroMean(d: Float64Array, groups: number[][]): number {
  let total = 0;
  for (const g of groups) {
    let s = 0;
    for (const i of g) s += d[i];
    total += s / g.length;
  }
  return total / groups.length;
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Compares per-query scores `a` and `b` (same queries, same order): the
 * macro-averaged difference, its 95% paired-bootstrap interval (queries
 * resampled with replacement within each stratum), and a two-sided paired
 * sign-flip randomisation p-value (`(1 + #{|stat*| ≥ |stat|}) / (1 + iterations)`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairedCompare } from "./significance.ts";
 * const a = Array.from({ length: 50 }, (_, i) => 0.6 + (i % 5) * 0.01);
 * const b = a.map((x) => x - 0.1);
 * const r = pairedCompare(a, b, { iterations: 999 });
 * assert(Math.abs(r.diff - 0.1) < 1e-12 && r.p < 0.01 && r.ci95[0] > 0);
 * ```
 */
export function pairedCompare(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: PairedOptions = {},
): PairedResult {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`paired scores differ in length: ${n} vs ${b.length}`);
  if (n === 0) throw new RangeError("paired scores are empty");
  const iterations = options.iterations ?? 10_000;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = a[i] - b[i];
  const groups = strataOf(n, options.strata);
  const diff = macroMean(d, groups);

  const rng = new Rng(options.seed ?? 0);
  const boot = new Float64Array(iterations);
  for (let it = 0; it < iterations; it++) {
    let total = 0;
    for (const g of groups) {
      let s = 0;
      for (let k = 0; k < g.length; k++) s += d[g[rng.int(g.length)]];
      total += s / g.length;
    }
    boot[it] = total / groups.length;
  }
  boot.sort();

  let extreme = 0;
  const observed = Math.abs(diff) - 1e-12;
  for (let it = 0; it < iterations; it++) {
    let total = 0;
    for (const g of groups) {
      let s = 0;
      for (const i of g) s += (rng.nextU32() & 1) ? d[i] : -d[i];
      total += s / g.length;
    }
    if (Math.abs(total / groups.length) >= observed) extreme++;
  }
  return {
    diff,
    ci95: [quantile(boot, 0.025), quantile(boot, 0.975)],
    p: (1 + extreme) / (1 + iterations),
    n,
  };
}

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
