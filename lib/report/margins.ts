/**
 * The margins the verdicts test against, each derived from the paper's own
 * effect sizes (`paper.ts`) for the counterpart base and dataset, by rules
 * fixed before any result:
 *
 * - **paper scale** (the regime check's fine-tuning margin): the mean |a − b|
 *   over the nine strategy effects of Table 1 (hybrid − X-X, hybrid − X-Y,
 *   X-Y − X-X × mono, cross, multi) — the typical size of what the claims
 *   are about; fine-tuning that moves no setting by that much cannot show it;
 * - **non-inferiority margin** δ in a setting: half the gap the paper reports
 *   between its two single-kind strategies there, ½·|X-Y − X-X|: "comparable"
 *   means within half of the trade-off the method balances;
 * - **substantial bias reduction**: half the paper's relative reduction of
 *   the rank distance by hybrid against X-X, ½·(X-X − hybrid)/X-X.
 *
 * Each is `null` for a base the paper has no counterpart of.
 *
 * @module
 */

import { paperEffect, type PaperSetting, paperValue } from "./paper.ts";

const CONTRASTS = [["hybrid", "X-X"], ["hybrid", "X-Y"], ["X-Y", "X-X"]] as const;
const SETTINGS: PaperSetting[] = ["mono", "cross", "multi"];

/**
 * The paper's typical strategy effect for a stand-in base and dataset (mean
 * absolute Table 1 effect over the nine contrast × setting pairs).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paperScale } from "./margins.ts";
 * // XLM-R on XQuAD-R: (.006+.031+.046 + .043+.005+.000 + .037+.026+.046) / 9
 * assert(Math.abs(paperScale("unaligned", "xquad-r")! - 0.24 / 9) < 1e-9);
 * assert.equal(paperScale("—", "xquad-r"), null);
 * ```
 */
export function paperScale(standIn: string, dataset: string): number | null {
  let sum = 0;
  for (const [a, b] of CONTRASTS) {
    for (const s of SETTINGS) {
      const e = paperEffect(standIn, dataset, a, b, s);
      if (e === null) return null;
      sum += Math.abs(e);
    }
  }
  return sum / (CONTRASTS.length * SETTINGS.length);
}

/**
 * The non-inferiority margin of a setting: ½·|X-Y − X-X| in the paper.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nonInferiorityMargin } from "./margins.ts";
 * assert(Math.abs(nonInferiorityMargin("unaligned", "xquad-r", "mono")! - 0.0185) < 1e-9);
 * ```
 */
export function nonInferiorityMargin(
  standIn: string,
  dataset: string,
  setting: "mono" | "cross" | "multi",
): number | null {
  const e = paperEffect(standIn, dataset, "X-Y", "X-X", setting);
  return e === null ? null : Math.abs(e) / 2;
}

/**
 * The relative bias reduction (hybrid against X-X) that counts as
 * substantial: half the paper's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { substantialBiasReduction } from "./margins.ts";
 * // LaBSE on MLQA-R: (225 − 195) / 225 = 13.3%, half of it 6.7%
 * assert(Math.abs(substantialBiasReduction("aligned", "mlqa-r")! - 30 / 225 / 2) < 1e-12);
 * ```
 */
export function substantialBiasReduction(standIn: string, dataset: string): number | null {
  const xx = paperValue(standIn, dataset, "X-X", "bias");
  const hy = paperValue(standIn, dataset, "hybrid", "bias");
  return xx === null || hy === null ? null : (xx - hy) / xx / 2;
}
