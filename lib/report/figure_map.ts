/**
 * Table 1 as a figure: per (protocol, evaluation set, base) a row of three
 * panels — mono, cross, multi mAP — each with its own x scale, the strategies'
 * means with their 95% intervals over seeds, reference lines (BM25, chance,
 * the base without fine-tuning) and, as open diamonds, where each strategy
 * would be if it differed from X-X by the paper's effect (the paper's
 * absolute values come from other models and data; its effect sizes are what
 * compares).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import {
  datasetName,
  offScaleNote,
  plotPanel,
  referenceLegend,
  referenceMarks,
  STRATEGY_COLORS,
  STRATEGY_ORDER,
  strategyColor,
  tableReferences,
  tickLabels,
} from "./_figure_common.ts";
import { composeFigure, type LegendItem, type Panel } from "./figure_layout.ts";
import { fitExtent, niceScale, type Reference } from "./figure_scale.ts";
import { textWidth } from "./text_width.ts";
import type { Row } from "../util/row.ts";

/** Options of {@linkcode mapFigure}. */
export interface MapFigureOptions {
  title: string;
  subtitle: string;
  settings: string[];
  /** Draw the paper's effects over X-X as diamonds (rows need `paper_*`, from `withPaperMap`). */
  paperEffects: boolean;
  /** Width of a setting's panel, px (the first one adds the strategy labels). */
  panelWidth: number;
  /** Height of one strategy's band, px. */
  bandHeight: number;
  /** The smallest x span a panel shows, relative to its mean. */
  minRelativeSpan: number;
  fontSize: number;
  plot: { marginTop: number; marginRight: number; marginBottom: number };
}

/** Defaults of {@linkcode mapFigure}. */
export const MAP_FIGURE_DEFAULTS: MapFigureOptions = {
  title: "Table 1: mAP by batch strategy in the three settings",
  subtitle:
    "Mean over seeds with its 95% interval (Student t), per protocol, evaluation set and base; each panel has its own x scale, so compare strategies within a panel.",
  settings: ["mono", "cross", "multi"],
  paperEffects: true,
  panelWidth: 210,
  bandHeight: 20,
  minRelativeSpan: 0.04,
  fontSize: 11,
  plot: { marginTop: 4, marginRight: 16, marginBottom: 24 },
};

const SETTING_TITLE: Record<string, string> = {
  mono: "monolingual",
  cross: "cross-lingual",
  multi: "multilingual",
};
const BASE_NAME: Record<string, string> = {
  aligned: "aligned base (stand-in for LaBSE)",
  unaligned: "unaligned base (stand-in for XLM-R)",
};

interface Point {
  strategy: string;
  mean: number;
  lo: number;
  hi: number;
  ci: number;
}

function _panel(
  points: Point[],
  paper: { strategy: string; value: number }[],
  refs: ReturnType<typeof tableReferences>,
  o: MapFigureOptions,
  first: boolean,
  title: string,
): { panel: Panel; drawn: Reference[] } {
  const values = [...points.flatMap((p) => [p.lo, p.hi]), ...paper.map((p) => p.value)];
  const level = points.reduce((t, p) => t + p.mean, 0) / Math.max(1, points.length);
  const fit = fitExtent(values, refs, o.minRelativeSpan * Math.abs(level));
  const scale = niceScale(fit.extent[0], fit.extent[1], 3);
  const ticks = tickLabels(scale, o.fontSize);
  const labels = first ? Math.max(...STRATEGY_ORDER.map((s) => textWidth(s, o.fontSize))) + 10 : 0;
  const marginLeft = Math.ceil(Math.max(labels, ticks.widest / 2 + 4));
  const marginRight = Math.ceil(Math.max(o.plot.marginRight, ticks.widest / 2 + 4));
  const withCi = points.filter((p) => p.ci > 0);
  const inset = o.bandHeight * 0.28;
  const panel = plotPanel({
    width: o.panelWidth + marginLeft,
    height: o.plot.marginTop + o.plot.marginBottom + o.bandHeight * STRATEGY_ORDER.length,
    marginLeft,
    marginRight,
    marginTop: o.plot.marginTop,
    marginBottom: o.plot.marginBottom,
    x: {
      domain: scale.domain,
      ticks: scale.ticks,
      tickFormat: ticks.format,
      label: null,
      grid: true,
    },
    y: { domain: STRATEGY_ORDER, label: null, axis: first ? "left" : null, tickSize: 0 },
    color: { domain: STRATEGY_ORDER, range: STRATEGY_COLORS },
    marks: [
      ...referenceMarks(fit.inside, "x"),
      Plot.ruleY(withCi, { y: "strategy", x1: "lo", x2: "hi", stroke: "strategy", strokeWidth: 2 }),
      Plot.tickX(withCi, {
        x: "lo",
        y: "strategy",
        stroke: "strategy",
        strokeWidth: 2,
        insetTop: inset,
        insetBottom: inset,
      }),
      Plot.tickX(withCi, {
        x: "hi",
        y: "strategy",
        stroke: "strategy",
        strokeWidth: 2,
        insetTop: inset,
        insetBottom: inset,
      }),
      Plot.dot(paper, {
        x: "value",
        y: "strategy",
        symbol: "diamond",
        stroke: "strategy",
        fill: "none",
        r: 5.5,
        strokeWidth: 1.5,
      }),
      Plot.dot(points, { x: "mean", y: "strategy", fill: "strategy", r: 4 }),
    ],
  }, { title, note: offScaleNote(fit.outside) });
  return { panel, drawn: fit.inside };
}

/**
 * Table 1 as a figure: mAP per setting for each strategy (mean and 95%
 * interval over seeds), one row of panels per protocol, evaluation set and
 * base, with reference lines and the paper's effects.
 *
 * @param rows `mapTable` rows (with `withPaperMap`'s `paper_*` columns for the diamonds).
 * @param options Overrides of {@linkcode MAP_FIGURE_DEFAULTS}.
 * @returns A standalone SVG with a title.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapFigure } from "./figure_map.ts";
 * const svg = mapFigure([{ finetune: "P1", dataset: "xquad-r", base: "aligned", strategy: "hybrid", seeds: 3, mono: 0.5, mono_ci: 0.01, cross: 0.1, cross_ci: 0, multi: 0.1, multi_ci: 0 }]);
 * assert.ok(svg.includes("<title>Table 1") && svg.includes(">hybrid<"));
 * ```
 */
export function mapFigure(rows: readonly Row[], options: Partial<MapFigureOptions> = {}): string {
  const o = { ...MAP_FIGURE_DEFAULTS, ...options };
  const strategyRows = rows.filter((r) => STRATEGY_ORDER.includes(String(r.strategy)));
  const cells = [
    ...new Map(strategyRows.map((r) => [`${r.finetune}|${r.dataset}|${r.base}`, r])).values(),
  ];
  const drawn: Reference[] = [];
  const seeds = new Set<number>();
  const grid = cells.map((c) => {
    const inCell = strategyRows.filter((r) =>
      r.finetune === c.finetune && r.dataset === c.dataset && r.base === c.base
    );
    for (const r of inCell) if (typeof r.seeds === "number") seeds.add(r.seeds);
    const refs = tableReferences(rows.filter((r) => r.dataset === c.dataset), String(c.base));
    const panels = o.settings.map((s, i) => {
      const points = inCell.map((r) => {
        const mean = r[s] as number,
          ci = typeof r[`${s}_ci`] === "number" ? r[`${s}_ci`] as number : 0;
        return { strategy: String(r.strategy), mean, lo: mean - ci, hi: mean + ci, ci };
      });
      const xx = inCell.find((r) => r.strategy === "X-X");
      const paper = o.paperEffects && xx && typeof xx[`paper_${s}`] === "number"
        ? inCell.filter((r) => r.strategy !== "X-X" && typeof r[`paper_${s}`] === "number").map((
          r,
        ) => ({
          strategy: String(r.strategy),
          value: (xx[s] as number) + (r[`paper_${s}`] as number) - (xx[`paper_${s}`] as number),
        }))
        : [];
      const panelRefs = refs.filter((r) => r.setting === s);
      const { panel, drawn: inside } = _panel(
        points,
        paper,
        panelRefs,
        o,
        i === 0,
        SETTING_TITLE[s] ?? s,
      );
      drawn.push(...inside);
      return panel;
    });
    return {
      label: `${c.finetune} · ${datasetName(String(c.dataset))} · ${
        BASE_NAME[String(c.base)] ?? c.base
      }`,
      panels,
    };
  });
  const many = [...seeds].some((n) => n > 1);
  const legend: LegendItem[] = [
    ...STRATEGY_ORDER.map((s) => ({ label: s, mark: "dot" as const, color: strategyColor(s) })),
    many
      ? { label: "95% interval over seeds", mark: "interval", color: "#333" }
      : { label: "one seed (no interval)", mark: "dot", color: "#333" },
    ...(o.paperEffects
      ? [{
        label: "X-X + the paper's effect over X-X (its counterpart base)",
        mark: "diamond" as const,
        color: "#333",
      }]
      : []),
    ...referenceLegend(drawn),
  ];
  const seedText = seeds.size ? ` Seeds per strategy: ${[...seeds].join(", ")}.` : "";
  return composeFigure({ title: o.title, subtitle: o.subtitle + seedText, legend, rows: grid }).svg;
}
