/**
 * What the figures share: the strategies' order and colours, how reference
 * lines look, reference values read from the summary tables, and a panel
 * rendered from Plot options at a fixed size.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { LegendItem, LegendMark, Panel } from "./figure_layout.ts";
import { formatTick, type NiceScale, type Reference } from "./figure_scale.ts";
import { type PlotOptions, renderSvg } from "./render.ts";
import { textWidth } from "./text_width.ts";
import type { Row } from "../util/row.ts";

/** Strategy order used by every figure. */
export const STRATEGY_ORDER = ["X-X", "X-Y", "hybrid"];
/** Strategy colours (Tableau 10), in {@linkcode STRATEGY_ORDER}. */
export const STRATEGY_COLORS = ["#4e79a7", "#f28e2b", "#59a14f"];
/** The colour of `strategy` (grey for anything else, e.g. BM25). */
export const strategyColor = (s: string) => STRATEGY_COLORS[STRATEGY_ORDER.indexOf(s)] ?? "#888";

/** How each kind of reference line is drawn. */
export const REFERENCE_STYLE: Record<string, { color: string; dash: string; mark: LegendMark }> = {
  "BM25": { color: "#b07aa1", dash: "5,3", mark: "dashed" },
  "no fine-tuning": { color: "#555", dash: "1.5,2.5", mark: "dotted" },
  "chance": { color: "#e15759", dash: "8,3,2,3", mark: "dashed" },
};
const _style = (label: string) => REFERENCE_STYLE[label] ?? REFERENCE_STYLE["no fine-tuning"];

/** A reference value of a table, for one dataset and setting. */
export interface TableReference extends Reference {
  dataset: string;
  /** `mono`, `cross`, `multi` (mAP) or `bias`. */
  setting: string;
}

/** Display names of the evaluation datasets. */
export const DATASET_NAMES: Record<string, string> = { "xquad-r": "XQuAD-R", "mlqa-r": "MLQA-R" };
export const datasetName = (d: string) => DATASET_NAMES[d] ?? d;

/**
 * The reference lines a figure can draw, from Table 1 or Table 2 rows
 * (`mapTable`, `languageBiasTable`): BM25, chance, and the base without
 * fine-tuning (of `base` only, when given), for every setting column the
 * rows have (`mono`, `cross`, `multi`, `bias`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tableReferences } from "./_figure_common.ts";
 * const refs = tableReferences([
 *   { dataset: "xquad-r", base: "—", strategy: "BM25", mono: 0.74, cross: 0.11 },
 *   { dataset: "xquad-r", base: "aligned", strategy: "no fine-tuning", mono: 0.59 },
 *   { dataset: "xquad-r", base: "unaligned", strategy: "no fine-tuning", mono: 0.58 },
 *   { dataset: "xquad-r", base: "aligned", strategy: "hybrid", mono: 0.6 },
 * ], "aligned");
 * assert.deepEqual(refs.map((r) => `${r.label} ${r.setting} ${r.value}`), [
 *   "BM25 mono 0.74", "BM25 cross 0.11", "no fine-tuning mono 0.59",
 * ]);
 * ```
 */
export function tableReferences(rows: readonly Row[], base?: string): TableReference[] {
  const out: TableReference[] = [];
  for (const r of rows) {
    const s = String(r.strategy);
    const label = s === "BM25"
      ? "BM25"
      : s.startsWith("chance")
      ? "chance"
      : s === "no fine-tuning" && (base === undefined || r.base === base)
      ? "no fine-tuning"
      : null;
    if (label === null) continue;
    for (const setting of ["mono", "cross", "multi", "bias"]) {
      const value = r[setting];
      if (typeof value === "number" && Number.isFinite(value)) {
        out.push({ dataset: String(r.dataset), setting, label, value });
      }
    }
  }
  return out;
}

/** Vertical (`"x"`) or horizontal (`"y"`) reference rules, styled by label. */
export function referenceMarks(refs: readonly Reference[], axis: "x" | "y"): Plot.Markish[] {
  return refs.map((r) => {
    const st = _style(r.label);
    const opts = { stroke: st.color, strokeDasharray: st.dash, strokeWidth: 1.5 };
    return axis === "x" ? Plot.ruleX([r.value], opts) : Plot.ruleY([r.value], opts);
  });
}

/** Legend entries of the references that occur (each label once, in style order). */
export function referenceLegend(refs: readonly Reference[]): LegendItem[] {
  const labels = new Set(refs.map((r) => r.label));
  return Object.keys(REFERENCE_STYLE).filter((l) => labels.has(l)).map((l) => ({
    label: l === "no fine-tuning" ? "the base without fine-tuning" : l,
    mark: REFERENCE_STYLE[l].mark,
    color: REFERENCE_STYLE[l].color,
  }));
}

/**
 * A reference value as the notes print it: whole numbers from 100 on, else
 * three decimals (four below 0.01).
 */
export function formatReference(x: number): string {
  const a = Math.abs(x);
  return formatTick(x, a >= 100 ? 0 : a < 0.01 ? 4 : 3);
}

/** The panel note naming references off the panel's scale ("" when none). */
export function offScaleNote(outside: readonly Reference[]): string {
  if (outside.length === 0) return "";
  return "off scale: " + outside.map((r) => `${r.label} ${formatReference(r.value)}`).join(", ");
}

/** Evaluation sets in display order (XQuAD-R, MLQA-R, then any other in the order given). */
export function datasetOrder(datasets: Iterable<string>): string[] {
  const known = Object.keys(DATASET_NAMES);
  const rank = (d: string) => (known.includes(d) ? known.indexOf(d) : known.length);
  return [...new Set(datasets)].map((d, i) => [d, i] as const)
    .sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([d]) => d);
}

/** Tick labels of a scale, and the margin (px) the widest needs at `fontSize`. */
export function tickLabels(scale: NiceScale, fontSize: number) {
  const format = (x: number) => formatTick(x, scale.decimals);
  const widest = Math.max(...scale.ticks.map((t) => textWidth(format(t), fontSize)));
  return { format, widest };
}

/** Renders a panel at exactly `width` × `height` px. */
export function plotPanel(
  options: PlotOptions & { width: number; height: number },
  header: { title?: string; note?: string } = {},
): Panel {
  const panel: Panel = { svg: renderSvg(options), width: options.width, height: options.height };
  if (header.title) panel.title = header.title;
  if (header.note) panel.note = header.note;
  return panel;
}
