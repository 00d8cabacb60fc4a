/**
 * The α sweep as figures: mAP per setting and the language bias against α,
 * one panel per dataset and setting, each with its own y scale, the 95%
 * intervals over seeds as capped bars, the reference lines of BM25, chance
 * and the base without fine-tuning, and the paper's choice of α (0.5, stable
 * for 0.4–0.6) as a band.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import {
  datasetName,
  datasetOrder,
  offScaleNote,
  plotPanel,
  referenceLegend,
  referenceMarks,
  type TableReference,
  tickLabels,
} from "./_figure_common.ts";
import { composeFigure, type LegendItem, type Panel } from "./figure_layout.ts";
import { fitExtent, niceScale, type Reference } from "./figure_scale.ts";
import { PAPER } from "./paper.ts";
import type { Row } from "../util/row.ts";

const PAPER_ALPHA = PAPER.setup.alpha as { chosen: number; stableRange: [number, number] };

/** Options of {@linkcode alphaSweepFigure} and {@linkcode alphaBiasFigure}. */
export interface AlphaFigureOptions {
  title: string;
  subtitle: string;
  /** Settings shown, one panel each per dataset. */
  settings: string[];
  /** Reference lines (`tableReferences` of Table 1 or 2 for the sweep's base). */
  references: readonly TableReference[];
  /** The paper's α and its stable range, drawn as a band (null: none). */
  paperAlpha: { chosen: number; stableRange: [number, number] } | null;
  panelWidth: number;
  panelHeight: number;
  /** The smallest y span a panel shows, relative to its mean (a flat line stays flat). */
  minRelativeSpan: number;
  fontSize: number;
  /** Plot options of every panel (margins other than the left one, which fits the ticks). */
  plot: { marginTop: number; marginRight: number; marginBottom: number; line: string };
}

/** Defaults of {@linkcode alphaSweepFigure} (mAP against α). */
export const ALPHA_SWEEP_DEFAULTS: AlphaFigureOptions = {
  title: "mAP against α, the share of monolingual (X-X) batches",
  subtitle:
    "Mean over seeds with its 95% interval (Student t) per evaluation set and setting; each panel has its own y scale. α = 0 is X-Y only, α = 1 X-X only.",
  settings: ["mono", "cross", "multi"],
  references: [],
  paperAlpha: PAPER_ALPHA,
  panelWidth: 230,
  panelHeight: 170,
  minRelativeSpan: 0.08,
  fontSize: 11,
  plot: { marginTop: 10, marginRight: 14, marginBottom: 34, line: "#333" },
};

/** Defaults of {@linkcode alphaBiasFigure} (language bias against α). */
export const ALPHA_BIAS_DEFAULTS: AlphaFigureOptions = {
  ...ALPHA_SWEEP_DEFAULTS,
  title: "Language bias against α (mean rank distance, lower is better)",
  subtitle:
    "Mean over seeds with its 95% interval (Student t) per evaluation set; each panel has its own y scale (the pools differ in size).",
  settings: ["bias"],
  panelWidth: 300,
};

const SETTING_TITLE: Record<string, string> = {
  mono: "monolingual mAP",
  cross: "cross-lingual mAP",
  multi: "multilingual mAP",
  bias: "mean rank distance",
};

function _panel(
  rows: readonly Row[],
  refs: readonly TableReference[],
  o: AlphaFigureOptions,
  title: string,
): { panel: Panel; drawn: Reference[] } {
  const data = rows.map((r) => {
    const mean = r.mean as number, ci = typeof r.ci === "number" ? r.ci : 0;
    return { alpha: r.alpha as number, mean, lo: mean - ci, hi: mean + ci, ci };
  });
  const values = data.flatMap((d) => [d.lo, d.hi]);
  const level = Math.abs(data.reduce((t, d) => t + d.mean, 0) / Math.max(1, data.length));
  const fit = fitExtent(values, refs, o.minRelativeSpan * level);
  const scale = niceScale(fit.extent[0], fit.extent[1], 4);
  const ticks = tickLabels(scale, o.fontSize);
  const cap = 0.025;
  const withCi = data.filter((d) => d.ci > 0);
  const band = o.paperAlpha;
  const panel = plotPanel({
    width: o.panelWidth,
    height: o.panelHeight,
    marginLeft: Math.ceil(ticks.widest + 12),
    marginTop: o.plot.marginTop,
    marginRight: o.plot.marginRight,
    marginBottom: o.plot.marginBottom,
    x: {
      domain: [0, 1],
      ticks: [0, 0.25, 0.5, 0.75, 1],
      tickFormat: (d: number) => String(d),
      label: "α →",
      labelAnchor: "right",
    },
    y: {
      domain: scale.domain,
      ticks: scale.ticks,
      tickFormat: ticks.format,
      label: null,
      grid: true,
    },
    marks: [
      ...(band
        ? [
          Plot.rect([band], { x1: band.stableRange[0], x2: band.stableRange[1], fill: "#e8e8e8" }),
          Plot.ruleX([band.chosen], { stroke: "#bbb" }),
        ]
        : []),
      ...referenceMarks(fit.inside, "y"),
      Plot.ruleX(withCi, { x: "alpha", y1: "lo", y2: "hi", stroke: o.plot.line, strokeWidth: 1.5 }),
      Plot.ruleY(withCi, {
        y: "lo",
        x1: (d) => d.alpha - cap,
        x2: (d) => d.alpha + cap,
        stroke: o.plot.line,
        strokeWidth: 1.5,
      }),
      Plot.ruleY(withCi, {
        y: "hi",
        x1: (d) => d.alpha - cap,
        x2: (d) => d.alpha + cap,
        stroke: o.plot.line,
        strokeWidth: 1.5,
      }),
      Plot.lineY(data, { x: "alpha", y: "mean", stroke: o.plot.line, strokeWidth: 1.5 }),
      Plot.dot(data, { x: "alpha", y: "mean", fill: o.plot.line, r: 3.5 }),
    ],
  }, { title, note: offScaleNote(fit.outside) });
  return { panel, drawn: fit.inside };
}

function _figure(rows: readonly Row[], o: AlphaFigureOptions): string {
  const datasets = datasetOrder(
    rows.filter((r) => o.settings.includes(String(r.setting))).map((r) => String(r.dataset)),
  );
  const drawn: Reference[] = [];
  const seeds = [
    ...new Set(rows.map((r) => r.seeds).filter((s) => typeof s === "number")),
  ] as number[];
  const bias = o.settings.length === 1;
  const panels = (dataset: string, setting: string) => {
    const { panel, drawn: refs } = _panel(
      rows.filter((r) => r.dataset === dataset && r.setting === setting),
      o.references.filter((r) => r.dataset === dataset && r.setting === setting),
      o,
      bias ? datasetName(dataset) : SETTING_TITLE[setting] ?? setting,
    );
    drawn.push(...refs);
    return panel;
  };
  const grid = bias
    ? [{ panels: datasets.map((d) => panels(d, o.settings[0])) }]
    : datasets.map((d) => ({ label: datasetName(d), panels: o.settings.map((s) => panels(d, s)) }));
  const legend: LegendItem[] = [
    seeds.some((s) => s > 1)
      ? { label: "mean ± 95% interval over seeds", mark: "interval", color: o.plot.line }
      : { label: "one seed (no interval)", mark: "dot", color: o.plot.line },
    ...referenceLegend(drawn),
    ...(o.paperAlpha
      ? [{
        label: `the paper's α = ${o.paperAlpha.chosen} (stable ${
          o.paperAlpha.stableRange.join("–")
        })`,
        mark: "band" as const,
        color: "#e8e8e8",
      }]
      : []),
  ];
  const seedText = seeds.length ? ` Seeds per point: ${seeds.join(", ")}.` : "";
  return composeFigure({ title: o.title, subtitle: o.subtitle + seedText, legend, rows: grid }).svg;
}

/**
 * mAP against α (mean over seeds ± 95% interval), one panel per evaluation
 * set and setting, each with its own y scale.
 *
 * @param rows `alphaSweepTable` rows: `dataset`, `alpha`, `setting`, `mean`, `ci`, `seeds`.
 * @param options Overrides of {@linkcode ALPHA_SWEEP_DEFAULTS} (e.g. `references`).
 * @returns A standalone SVG with a title.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alphaSweepFigure } from "./figure_alpha.ts";
 * const svg = alphaSweepFigure([{ dataset: "xquad-r", alpha: 0.5, setting: "multi", mean: 0.1, ci: 0.01, seeds: 5 }]);
 * assert.ok(svg.includes("<title>mAP against α"));
 * ```
 */
export function alphaSweepFigure(
  rows: readonly Row[],
  options: Partial<AlphaFigureOptions> = {},
): string {
  return _figure(rows, { ...ALPHA_SWEEP_DEFAULTS, ...options });
}

/**
 * Language bias (mean rank distance ± 95% interval) against α, one panel per
 * evaluation set.
 *
 * @param rows `alphaSweepTable` rows (those with `setting: "bias"` are drawn).
 * @param options Overrides of {@linkcode ALPHA_BIAS_DEFAULTS}.
 * @returns A standalone SVG with a title.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alphaBiasFigure } from "./figure_alpha.ts";
 * const svg = alphaBiasFigure([{ dataset: "xquad-r", alpha: 0, setting: "bias", mean: 900, ci: 20, seeds: 3 }]);
 * assert.ok(svg.startsWith("<svg") && svg.includes(">XQuAD-R</text>"));
 * ```
 */
export function alphaBiasFigure(
  rows: readonly Row[],
  options: Partial<AlphaFigureOptions> = {},
): string {
  return _figure(rows, { ...ALPHA_BIAS_DEFAULTS, ...options });
}
