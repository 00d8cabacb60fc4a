/**
 * The per-query language bias as a figure: the distribution of each
 * strategy's rank distance (box plots on a log scale, all seeds pooled) with
 * its mean, one panel per base, and the mean rank distance of BM25, chance and
 * the base without fine-tuning as reference lines.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import {
  plotPanel,
  referenceLegend,
  referenceMarks,
  STRATEGY_COLORS,
  STRATEGY_ORDER,
  strategyColor,
  tableReferences,
} from "./_figure_common.ts";
import { composeFigure, type LegendItem } from "./figure_layout.ts";
import { formatTick, type Reference } from "./figure_scale.ts";
import { textWidth } from "./text_width.ts";
import type { Row } from "../util/row.ts";

/** Options of {@linkcode biasDistributionFigure}. */
export interface BiasDistributionOptions {
  title: string;
  subtitle: string;
  /** Table 2 rows (`languageBiasTable`): their BM25, chance and no-fine-tuning means are drawn. */
  table: readonly Row[];
  /** The evaluation set of `rows`, to pick its references from `table`. */
  dataset: string | null;
  width: number;
  bandHeight: number;
  fontSize: number;
  plot: { marginTop: number; marginRight: number; marginBottom: number; boxRadius: number };
}

/** Defaults of {@linkcode biasDistributionFigure}. */
export const BIAS_DISTRIBUTION_DEFAULTS: BiasDistributionOptions = {
  title: "Language bias: the rank distance of each query",
  subtitle:
    "Per query, the gap between the best and the worst pool rank of its answer's translations (all seeds pooled); box: quartiles, whiskers: 1.5 IQR, white dot: mean. Log scale (distance + 1); lower is better.",
  table: [],
  dataset: null,
  width: 680,
  bandHeight: 26,
  fontSize: 11,
  plot: { marginTop: 6, marginRight: 20, marginBottom: 32, boxRadius: 1.5 },
};

/**
 * Distribution of the per-query rank distance of each strategy, one panel per
 * base (a shared log scale: the same pool).
 *
 * @param rows `biasDistribution` rows: `base`, `strategy`, `rank_distance`.
 * @param options Overrides of {@linkcode BIAS_DISTRIBUTION_DEFAULTS}.
 * @returns A standalone SVG with a title.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { biasDistributionFigure } from "./figure_bias.ts";
 * const svg = biasDistributionFigure([{ base: "aligned", strategy: "hybrid", rank_distance: 12 }], { title: "P1" });
 * assert.ok(svg.includes("<title>P1</title>") && svg.includes(">aligned base</text>"));
 * ```
 */
export function biasDistributionFigure(
  rows: readonly Row[],
  options: Partial<BiasDistributionOptions> = {},
): string {
  const o = { ...BIAS_DISTRIBUTION_DEFAULTS, ...options };
  const bases = [...new Set(rows.map((r) => String(r.base)))];
  const data = rows.map((r) => ({
    base: String(r.base),
    strategy: String(r.strategy),
    d1: (r.rank_distance as number) + 1,
  }));
  const table = o.table.filter((r) => o.dataset === null || r.dataset === o.dataset);
  const refsOf = (base: string): Reference[] =>
    tableReferences(table, base).filter((r) => r.setting === "bias").map((r) => ({
      ...r,
      value: r.value + 1,
    }));
  const maxValue = Math.max(
    2,
    ...data.map((d) => d.d1),
    ...bases.flatMap(refsOf).map((r) => r.value),
  );
  // The scale ends at the first 1, 2 or 5 × 10^k above the data; ticks at the powers of ten.
  const k = Math.floor(Math.log10(maxValue));
  const end = [1, 2, 5, 10].map((m) => m * 10 ** k).find((v) => v >= maxValue)!;
  const ticks = Array.from({ length: Math.floor(Math.log10(end) + 1e-9) + 1 }, (_, i) => 10 ** i);
  const labelWidth = Math.max(...STRATEGY_ORDER.map((s) => textWidth(s, o.fontSize))) + 12;
  const lastTick = textWidth(formatTick(ticks.at(-1)!, 0), o.fontSize);
  const allRefs: Reference[] = [];
  const grid = bases.map((base) => {
    const inBase = data.filter((d) => d.base === base);
    const means = STRATEGY_ORDER.map((s) => {
      const v = inBase.filter((d) => d.strategy === s).map((d) => d.d1);
      return { strategy: s, mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN };
    }).filter((m) => Number.isFinite(m.mean));
    const refs = refsOf(base);
    allRefs.push(...refs);
    return {
      panels: [plotPanel({
        width: o.width,
        height: o.plot.marginTop + o.plot.marginBottom + o.bandHeight * STRATEGY_ORDER.length,
        marginLeft: Math.ceil(labelWidth),
        marginRight: Math.ceil(Math.max(o.plot.marginRight, lastTick / 2 + 4)),
        marginTop: o.plot.marginTop,
        marginBottom: o.plot.marginBottom,
        x: {
          type: "log",
          domain: [1, end],
          ticks,
          tickFormat: (d: number) => formatTick(d, 0),
          label: "rank distance + 1 →",
          labelAnchor: "right",
          grid: true,
        },
        y: { domain: STRATEGY_ORDER, label: null, tickSize: 0 },
        color: { domain: STRATEGY_ORDER, range: STRATEGY_COLORS },
        marks: [
          Plot.boxX(inBase, { x: "d1", y: "strategy", fill: "strategy", r: o.plot.boxRadius }),
          ...referenceMarks(refs, "x"),
          Plot.dot(means, { x: "mean", y: "strategy", fill: "white", stroke: "black", r: 3.5 }),
        ],
      }, { title: base === "aligned" || base === "unaligned" ? `${base} base` : base })],
    };
  });
  const legend: LegendItem[] = [
    ...STRATEGY_ORDER.map((s) => ({ label: s, mark: "band" as const, color: strategyColor(s) })),
    ...referenceLegend(allRefs).map((l) => ({ ...l, label: `${l.label} (mean)` })),
  ];
  return composeFigure({ title: o.title, subtitle: o.subtitle, legend, rows: grid }).svg;
}
