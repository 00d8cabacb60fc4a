/**
 * Scales the figures choose for themselves, so that every panel shows its own
 * data (independent scales where panels differ) with round ticks whose labels
 * fit: a domain around the data and the reference values near it, and the
 * references too far from the data to share its scale listed instead.
 *
 * @module
 */

/** A value drawn as a reference line (BM25, a base without fine-tuning, …). */
export interface Reference {
  label: string;
  value: number;
}

/** A linear scale: its domain, ticks and the decimals its tick labels need. */
export interface NiceScale {
  domain: [number, number];
  ticks: number[];
  decimals: number;
}

/**
 * A round domain covering `[lo, hi]` with about `count` ticks at 1, 2 or 5
 * × 10^k, and the decimals that tell its ticks apart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { niceScale } from "./figure_scale.ts";
 * assert.deepEqual(niceScale(0.381, 0.394, 4), {
 *   domain: [0.38, 0.395], ticks: [0.38, 0.385, 0.39, 0.395], decimals: 3,
 * });
 * assert.deepEqual(niceScale(5, 5, 4).domain, [4, 6]);
 * ```
 */
export function niceScale(lo: number, hi: number, count = 4): NiceScale {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.2;
    return niceScale(lo - pad, hi + pad, count);
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const a = Math.floor(lo / step + 1e-9), b = Math.ceil(hi / step - 1e-9);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const fix = (x: number) => Number(x.toFixed(decimals + 2));
  const ticks: number[] = [];
  for (let i = a; i <= b; i++) ticks.push(fix(i * step));
  return { domain: [fix(a * step), fix(b * step)], ticks, decimals };
}

/**
 * The extent a panel's scale must cover: the data's `[lo, hi]` (widened to
 * `minSpan` around its middle), and each reference within one data span of
 * it; the references farther away are returned as `outside`, to be named in
 * the panel's note rather than squeeze the data into a corner.
 *
 * @param values The data values the panel draws (means and interval ends).
 * @param refs Reference values.
 * @param minSpan The smallest span shown (so that noise on a flat line is not magnified).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitExtent } from "./figure_scale.ts";
 * const fit = fitExtent([0.58, 0.59], [{ label: "base", value: 0.6 }, { label: "BM25", value: 0.74 }], 0.01);
 * assert.deepEqual(fit.extent, [0.58, 0.6]);
 * assert.deepEqual(fit.inside.map((r) => r.label), ["base"]);
 * assert.deepEqual(fit.outside.map((r) => r.label), ["BM25"]);
 * ```
 */
export function fitExtent(
  values: readonly number[],
  refs: readonly Reference[],
  minSpan = 0,
): { extent: [number, number]; inside: Reference[]; outside: Reference[] } {
  const finite = values.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (hi - lo < minSpan) {
    const mid = (lo + hi) / 2;
    [lo, hi] = [mid - minSpan / 2, mid + minSpan / 2];
  }
  const span = hi - lo;
  const inside: Reference[] = [], outside: Reference[] = [];
  for (const r of refs) {
    if (!Number.isFinite(r.value)) continue;
    (r.value >= lo - span && r.value <= hi + span ? inside : outside).push(r);
  }
  for (const r of inside) [lo, hi] = [Math.min(lo, r.value), Math.max(hi, r.value)];
  return { extent: [lo, hi], inside, outside };
}

/**
 * Formats a number with `decimals` decimals, a true minus sign and no `-0`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTick } from "./figure_scale.ts";
 * assert.deepEqual([formatTick(-0.5, 1), formatTick(-0.0001, 2), formatTick(8600, 0)], ["−0.5", "0.00", "8,600"]);
 * ```
 */
export function formatTick(x: number, decimals: number): string {
  const s = Math.abs(x).toLocaleString("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  return Number(x.toFixed(decimals)) < 0 ? `−${s}` : s;
}
