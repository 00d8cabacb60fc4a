/**
 * Efficiency beside quality on BEIR: one row per model, its nDCG@10 (with
 * BEIR's published BM25 as a reference line) in one panel and its
 * single-query latency (p50, whisker to p95, log scale) in the next, so that
 * models with equal cost or quality never overlap.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { plotPanel, referenceMarks, strategyColor } from "./_figure_common.ts";
import { composeFigure, type LegendItem } from "./figure_layout.ts";
import { formatTick, niceScale } from "./figure_scale.ts";
import { textWidth } from "./text_width.ts";
import type { Row } from "../util/row.ts";
import { BEIR_BM25_NDCG10 } from "../eval/beir_eval.ts";

/** Options of {@linkcode latencyQualityFigure}. */
export interface LatencyQualityOptions {
  title: string;
  subtitle: string;
  /** The BEIR dataset, for its published BM25 nDCG@10 (`BEIR_BM25_NDCG10`). */
  dataset: string;
  panelWidth: number;
  bandHeight: number;
  fontSize: number;
  plot: { marginTop: number; marginRight: number; marginBottom: number };
}

/** Defaults of {@linkcode latencyQualityFigure}. */
export const LATENCY_QUALITY_DEFAULTS: LatencyQualityOptions = {
  title: "BEIR SciFact: quality and single-query latency per model",
  subtitle:
    "nDCG@10 of each model's run, and its single-query latency (encode + exact search or BM25 scoring; dot: median, whisker: 95th percentile), each model in a process of its own on this machine.",
  dataset: "scifact",
  panelWidth: 280,
  bandHeight: 26,
  fontSize: 11,
  plot: { marginTop: 6, marginRight: 18, marginBottom: 34 },
};

const PUBLISHED = "#b07aa1";

/** Log-scale ticks at 1, 2, 5 × 10^k within `[lo, hi]`, and the decimals they need. */
function _logTicks(
  lo: number,
  hi: number,
): { domain: [number, number]; ticks: number[]; decimals: number } {
  const a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
  const ticks: number[] = [];
  for (let k = a; k <= b; k++) {
    for (const m of [1, 2, 5]) {
      const t = Number((m * 10 ** k).toPrecision(3));
      if (t >= lo / 1.0001 && t <= hi * 1.0001) ticks.push(t);
    }
  }
  const domain: [number, number] = [Math.min(lo, ticks[0] ?? lo), Math.max(hi, ticks.at(-1) ?? hi)];
  return { domain, ticks, decimals: Math.max(0, -a) };
}

/**
 * nDCG@10 and single-query latency (p50 and p95) of each model, as two
 * panels on one row per model.
 *
 * @param rows `efficiencyRows`: `model`, `ndcg_cut_10`, `p50_ms`, `p95_ms` (and `queries`,
 *   `queries_available`: a subset is said to be one).
 * @param options Overrides of {@linkcode LATENCY_QUALITY_DEFAULTS}.
 * @returns A standalone SVG with a title.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { latencyQualityFigure } from "./figure_latency.ts";
 * const svg = latencyQualityFigure([{ model: "BM25", p50_ms: 0.3, p95_ms: 2, ndcg_cut_10: 0.66 }]);
 * assert.ok(svg.includes(">BM25<") && svg.includes(">0.5<") && !svg.includes("300m"));
 * ```
 */
export function latencyQualityFigure(
  rows: readonly Row[],
  options: Partial<LatencyQualityOptions> = {},
): string {
  const o = { ...LATENCY_QUALITY_DEFAULTS, ...options };
  const models = rows.map((r) => String(r.model));
  const published = BEIR_BM25_NDCG10[o.dataset];
  const labelWidth = Math.ceil(Math.max(...models.map((m) => textWidth(m, o.fontSize))) + 12);
  const height = o.plot.marginTop + o.plot.marginBottom + o.bandHeight * models.length;
  const color = { domain: models, range: models.map((m) => strategyColor(m)) };
  const q = niceScale(0, Math.max(...rows.map((r) => r.ndcg_cut_10 as number), published ?? 0), 4);
  const qTicks = q.ticks.map((t) => formatTick(t, q.decimals));
  const lat = _logTicks(
    Math.min(...rows.map((r) => r.p50_ms as number)),
    Math.max(...rows.map((r) => r.p95_ms as number)),
  );
  const latLabel = (d: number) => formatTick(d, d >= 1 ? 0 : lat.decimals);
  const half = (labels: string[]) =>
    Math.max(...labels.map((l) => textWidth(l, o.fontSize))) / 2 + 4;
  const quality = plotPanel({
    width: o.panelWidth + labelWidth,
    height,
    marginLeft: Math.ceil(labelWidth),
    marginRight: Math.ceil(Math.max(o.plot.marginRight, half(qTicks))),
    marginTop: o.plot.marginTop,
    marginBottom: o.plot.marginBottom,
    x: {
      domain: q.domain,
      ticks: q.ticks,
      tickFormat: (d: number) => formatTick(d, q.decimals),
      label: "nDCG@10 →",
      labelAnchor: "right",
      grid: true,
    },
    y: { domain: models, label: null, tickSize: 0 },
    color,
    marks: [
      Plot.barX(rows, { x: "ndcg_cut_10", y: "model", fill: "model", insetTop: 4, insetBottom: 4 }),
      ...(published === undefined
        ? []
        : referenceMarks([{ label: "BM25", value: published }], "x")),
    ],
  }, { title: "quality (higher is better)" });
  const latency = plotPanel({
    width: o.panelWidth,
    height,
    marginLeft: Math.ceil(half(lat.ticks.map(latLabel))),
    marginRight: Math.ceil(Math.max(o.plot.marginRight, half(lat.ticks.map(latLabel)))),
    marginTop: o.plot.marginTop,
    marginBottom: o.plot.marginBottom,
    x: {
      type: "log",
      domain: lat.domain,
      ticks: lat.ticks,
      tickFormat: latLabel,
      label: "ms, log scale →",
      labelAnchor: "right",
      grid: true,
    },
    y: { domain: models, label: null, axis: null },
    color,
    marks: [
      Plot.ruleY(rows, { y: "model", x1: "p50_ms", x2: "p95_ms", stroke: "model", strokeWidth: 2 }),
      Plot.tickX(rows, {
        x: "p95_ms",
        y: "model",
        stroke: "model",
        strokeWidth: 2,
        insetTop: 7,
        insetBottom: 7,
      }),
      Plot.dot(rows, { x: "p50_ms", y: "model", fill: "model", r: 4.5 }),
    ],
  }, { title: "single-query latency (lower is better)" });
  const legend: LegendItem[] = [
    { label: "latency: median, whisker to the 95th percentile", mark: "interval", color: "#333" },
    ...(published === undefined ? [] : [{
      label: `BEIR's published BM25 nDCG@10 (${published}, all queries)`,
      mark: "dashed" as const,
      color: PUBLISHED,
    }]),
  ];
  const evaluated = rows[0]?.queries, available = rows[0]?.queries_available;
  const subset = typeof evaluated === "number" && typeof available === "number" &&
      evaluated < available
    ? ` Evaluated on the first ${evaluated} of ${available} queries: nDCG@10 is not comparable with the published full-split value.`
    : "";
  return composeFigure({
    title: o.title,
    subtitle: o.subtitle + subset,
    legend,
    rows: [{ panels: [quality, latency] }],
  }).svg;
}
