/**
 * The figures of the notebooks, each a small function from rows to a
 * standalone SVG string (Observable Plot, rendered headless by `render.ts`).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { renderSvg } from "./render.ts";
import type { Row } from "../util/row.ts";

/** Strategy order and colours used by every figure. */
export const STRATEGY_ORDER = ["X-X", "X-Y", "hybrid"];
const COLORS = { domain: STRATEGY_ORDER, range: ["#4e79a7", "#f28e2b", "#59a14f"] };

/**
 * Distribution of the per-query rank distance (language bias) of each
 * strategy, one panel per base model: box plots on a log scale (the distance
 * is 0 for a query whose translations are ranked together).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { biasDistributionFigure } from "./figures.ts";
 * const svg = biasDistributionFigure([{ base: "aligned", strategy: "hybrid", rank_distance: 12 }]);
 * assert(svg.startsWith("<svg"));
 * ```
 */
export function biasDistributionFigure(
  rows: Row[],
  title = "Language bias: per-query rank distance",
): string {
  const data = rows.map((r) => ({ ...r, d1: (r.rank_distance as number) + 1 }));
  return renderSvg({
    title,
    width: 680,
    height: 120 + 70 * new Set(rows.map((r) => r.base)).size,
    marginLeft: 70,
    marginRight: 90,
    x: { type: "log", label: "rank distance + 1 (lower is better) →", grid: true },
    y: { domain: STRATEGY_ORDER, label: null },
    fy: { label: "base" },
    color: COLORS,
    marks: [
      Plot.boxX(data, { x: "d1", y: "strategy", fy: "base", fill: "strategy", r: 1.5 }),
    ],
  });
}

/**
 * mAP (mean over seeds ± 95% interval) against α, one panel per setting and
 * dataset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alphaSweepFigure } from "./figures.ts";
 * const svg = alphaSweepFigure([{ dataset: "xquad-r", alpha: 0.5, setting: "multi", mean: 0.1, ci: 0.01 }]);
 * assert(svg.includes("α"));
 * ```
 */
export function alphaSweepFigure(rows: Row[], settings = ["mono", "cross", "multi"]): string {
  const data: Row[] = rows.filter((r) => settings.includes(r.setting as string)).map((r) => ({
    ...r,
    lo: (r.mean as number) - ((r.ci as number) || 0),
    hi: (r.mean as number) + ((r.ci as number) || 0),
  }));
  return renderSvg({
    width: 720,
    height: 140 + 160 * new Set(data.map((r) => r.dataset)).size,
    x: { label: "α (share of monolingual X-X batches) →", domain: [0, 1] },
    y: { label: "mAP", grid: true },
    fx: { domain: settings, label: null },
    fy: { label: null },
    marks: [
      Plot.ruleX(data, {
        x: "alpha",
        y1: "lo",
        y2: "hi",
        fx: "setting",
        fy: "dataset",
        stroke: "#999",
      }),
      Plot.lineY(data, { x: "alpha", y: "mean", fx: "setting", fy: "dataset", stroke: "#333" }),
      Plot.dot(data, { x: "alpha", y: "mean", fx: "setting", fy: "dataset", fill: "#333", r: 3 }),
    ],
  });
}

/**
 * Language bias (mean rank distance ± 95% interval) against α.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alphaBiasFigure } from "./figures.ts";
 * assert(alphaBiasFigure([{ dataset: "xquad-r", alpha: 0, setting: "bias", mean: 900, ci: 20 }]).startsWith("<svg"));
 * ```
 */
export function alphaBiasFigure(rows: Row[]): string {
  const data: Row[] = rows.filter((r) => r.setting === "bias").map((r) => ({
    ...r,
    lo: (r.mean as number) - ((r.ci as number) || 0),
    hi: (r.mean as number) + ((r.ci as number) || 0),
  }));
  return renderSvg({
    width: 480,
    height: 260,
    x: { label: "α (share of monolingual X-X batches) →", domain: [0, 1] },
    y: { label: "↑ mean rank distance (lower is better)", grid: true },
    color: { legend: false },
    marks: [
      Plot.ruleX(data, { x: "alpha", y1: "lo", y2: "hi", stroke: "dataset" }),
      Plot.lineY(data, { x: "alpha", y: "mean", stroke: "dataset" }),
      Plot.dot(data, { x: "alpha", y: "mean", fill: "dataset", r: 3 }),
      Plot.text(data.filter((r) => r.alpha === 1), {
        x: "alpha",
        y: "mean",
        text: "dataset",
        dx: -8,
        dy: -10,
        textAnchor: "end",
      }),
    ],
  });
}

/**
 * Efficiency against quality: single-query latency (p50, with the p95 as a
 * whisker) against nDCG@10, one dot per model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { latencyQualityFigure } from "./figures.ts";
 * const svg = latencyQualityFigure([{ model: "BM25", p50_ms: 1, p95_ms: 2, ndcg_cut_10: 0.66 }]);
 * assert(svg.includes("BM25"));
 * ```
 */
export function latencyQualityFigure(rows: Row[]): string {
  return renderSvg({
    width: 560,
    height: 320,
    marginRight: 100,
    x: { type: "log", label: "single-query latency, ms (p50 • … p95, log) →", grid: true },
    y: { label: "↑ nDCG@10", grid: true },
    marks: [
      Plot.link(rows, {
        x1: "p50_ms",
        x2: "p95_ms",
        y1: "ndcg_cut_10",
        y2: "ndcg_cut_10",
        stroke: "#aaa",
      }),
      Plot.dot(rows, { x: "p50_ms", y: "ndcg_cut_10", fill: "#333", r: 4 }),
      Plot.text(rows, { x: "p50_ms", y: "ndcg_cut_10", text: "model", dx: 8, textAnchor: "start" }),
    ],
  });
}

/**
 * Table 1 as a figure: mAP per setting for each strategy (bars with 95%
 * intervals over seeds), one row of panels per base model and protocol.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapFigure } from "./figures.ts";
 * const svg = mapFigure([{ finetune: "P1", dataset: "xquad-r", base: "aligned", strategy: "hybrid", mono: 0.5, mono_ci: 0.01, cross: 0.1, cross_ci: 0, multi: 0.1, multi_ci: 0 }]);
 * assert(svg.startsWith("<svg"));
 * ```
 */
export function mapFigure(rows: Row[]): string {
  const data = rows.filter((r) => STRATEGY_ORDER.includes(r.strategy as string)).flatMap((r) =>
    ["mono", "cross", "multi"].map((s) => ({
      panel: `${r.finetune} · ${r.dataset} · ${r.base}`,
      setting: s,
      strategy: r.strategy,
      map: r[s] as number,
      lo: (r[s] as number) - ((r[`${s}_ci`] as number) || 0),
      hi: (r[s] as number) + ((r[`${s}_ci`] as number) || 0),
    }))
  );
  const panels = new Set(data.map((d) => d.panel)).size;
  return renderSvg({
    width: 760,
    height: 80 + 90 * panels,
    marginLeft: 60,
    marginRight: 180,
    x: { label: "mAP →", grid: true },
    y: { domain: STRATEGY_ORDER, label: null },
    fx: { domain: ["mono", "cross", "multi"], label: null },
    fy: { label: null },
    color: COLORS,
    marks: [
      Plot.barX(data, { x: "map", y: "strategy", fx: "setting", fy: "panel", fill: "strategy" }),
      Plot.ruleY(data, { x1: "lo", x2: "hi", y: "strategy", fx: "setting", fy: "panel" }),
    ],
  });
}
