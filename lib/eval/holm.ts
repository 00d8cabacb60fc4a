/**
 * Holm's step-down correction for multiple tests (Holm 1979): with the m
 * p-values sorted ascending, `p̃(i) = max over j ≤ i of min(1, (m − j + 1)·p(j))`.
 * Rejecting every test with `p̃ < α` controls the family-wise error rate at α
 * for any dependence between the tests; it is uniformly more powerful than
 * Bonferroni.
 *
 * @module
 */

/**
 * Holm-adjusted p-values, in the input order.
 *
 * @param pValues Raw p-values in [0, 1] (NaN entries stay NaN and do not count as tests).
 * @returns Adjusted p-values aligned with the input.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holm } from "./holm.ts";
 * // sorted 0.01, 0.02, 0.04 → 3·0.01, max(0.03, 2·0.02), max(0.04, 1·0.04)
 * assert.deepEqual(holm([0.04, 0.01, 0.02]).map((p) => +p.toFixed(10)), [0.04, 0.03, 0.04]);
 * ```
 */
export function holm(pValues: readonly number[]): number[] {
  const idx = pValues.map((_, i) => i).filter((i) => !Number.isNaN(pValues[i]));
  idx.sort((a, b) => pValues[a] - pValues[b] || a - b);
  const m = idx.length;
  const out = pValues.map(() => NaN);
  let running = 0;
  idx.forEach((i, rank) => {
    const p = pValues[i];
    if (p < 0 || p > 1) throw new RangeError(`p-value ${p} at index ${i} is outside [0, 1]`);
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
