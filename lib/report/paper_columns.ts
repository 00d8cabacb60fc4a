/**
 * The paper's numbers beside the measured ones: functions that take the
 * measured tables (`lib/pipeline/summarize.ts`, `effects.ts`) and add the
 * paper's value for the same base (its counterpart: unaligned → XLM-R,
 * aligned → LaBSE), dataset and strategy — `null` where the paper has none
 * (BM25, bases without fine-tuning, extra baselines, chance).
 *
 * @module
 */

import type { Effect } from "../pipeline/effects.ts";
import { PAPER, paperBaseOf, paperEffect, paperValue } from "./paper.ts";
import { roundSignificant, type Row } from "./tables.ts";

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Table 1 rows with `paper_base`, `paper_mono`, `paper_cross`, `paper_multi`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withPaperMap } from "./paper_columns.ts";
 * const [row] = withPaperMap([{ dataset: "xquad-r", base: "aligned", strategy: "hybrid", mono: 0.5 }]);
 * assert.equal(row.paper_base, "LaBSE");
 * assert.equal(row.paper_mono, 0.817);
 * ```
 */
export function withPaperMap(rows: readonly Row[]): Row[] {
  return rows.map((r) => {
    const args = [String(r.base), String(r.dataset), String(r.strategy)] as const;
    const base = paperBaseOf(args[0]);
    const v = (s: "mono" | "cross" | "multi") => paperValue(...args, s);
    return {
      ...r,
      paper_base: v("mono") === null ? null : base ?? null,
      paper_mono: v("mono"),
      paper_cross: v("cross"),
      paper_multi: v("multi"),
    };
  });
}

/**
 * Table 2 rows with `paper_bias` (and the paper's bias as a share of its
 * X-X's, `paper_vs_xx`, since the pools differ in size from the paper's).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withPaperBias } from "./paper_columns.ts";
 * const [row] = withPaperBias([{ dataset: "xquad-r", base: "unaligned", strategy: "hybrid", bias: 9000 }]);
 * assert.equal(row.paper_bias, 287);
 * assert.equal(row.paper_vs_xx, 0.7);
 * ```
 */
export function withPaperBias(rows: readonly Row[]): Row[] {
  return rows.map((r) => {
    const bias = paperValue(String(r.base), String(r.dataset), String(r.strategy), "bias");
    const xx = paperValue(String(r.base), String(r.dataset), "X-X", "bias");
    return {
      ...r,
      paper_bias: bias,
      paper_vs_xx: bias !== null && xx !== null ? round(bias / xx, 4) : null,
    };
  });
}

/**
 * Table 3's shape (means over source languages) with the paper's Table 3
 * beside the rows of its counterpart (XLM-R on XQuAD-R: unaligned, xquad-r).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withPaperTable3 } from "./paper_columns.ts";
 * const [row] = withPaperTable3([{ dataset: "xquad-r", base: "unaligned", strategy: "X-Y", map_mono: 0.5 }]);
 * assert.equal(row.paper_map_mono, 0.7554);
 * assert.equal(row.paper_r1_multi, 0.5155);
 * ```
 */
export function withPaperTable3(rows: readonly Row[]): Row[] {
  const t3 = PAPER.table3;
  const keys = ["map_mono", "map_cross", "map_multi", "r1_mono", "r1_cross", "r1_multi"] as const;
  return rows.map((r) => {
    const match = paperBaseOf(String(r.base)) === t3.base && r.dataset === t3.dataset
      ? t3.rows.find((p) => p.strategy === r.strategy)
      : undefined;
    return {
      ...r,
      ...Object.fromEntries(keys.map((k) => [`paper_${k}`, match ? match[k] : null])),
    };
  });
}

/**
 * Effect sizes as table rows, with the paper's effect for the counterpart
 * beside each: `diff` [`ci_lo`, `ci_hi`], two-sided `p` (t test on `df`
 * degrees of freedom; empty: normal), the minimum
 * detectable effect `mde`, seeds and questions resampled.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeStatistics } from "../pipeline/effects.ts";
 * import { syntheticResults } from "../pipeline/_synthetic.ts";
 * import { effectsTable } from "./paper_columns.ts";
 * const stats = computeStatistics(syntheticResults({ value: () => 0.5 }), { iterations: 50 });
 * const row = effectsTable(stats.effects).find((r) => r.contrast === "X-Y − X-X" && r.setting === "mono" && r.base === "unaligned")!;
 * assert.equal(row.paper_effect, -0.037);
 * ```
 */
export function effectsTable(effects: readonly Effect[]): Row[] {
  return effects.map((e) => ({
    finetune: e.finetune,
    dataset: e.dataset,
    base: e.base,
    setting: e.setting,
    contrast: `${e.a} − ${e.b}`,
    diff: round(e.diff, e.setting === "bias" ? 1 : 5),
    ci_lo: round(e.ciLo, e.setting === "bias" ? 1 : 5),
    ci_hi: round(e.ciHi, e.setting === "bias" ? 1 : 5),
    p: roundSignificant(e.p),
    df: Number.isFinite(e.df) ? round(e.df, 1) : null,
    mde: round(e.mde, e.setting === "bias" ? 1 : 5),
    seeds: `${e.seedsA}/${e.seedsB}${e.paired ? " paired" : ""}`,
    questions: e.questions,
    paper_effect: paperEffect(e.base, e.dataset, e.a, e.b, e.setting),
    paper_base: paperBaseOf(e.base) ?? null,
  }));
}
