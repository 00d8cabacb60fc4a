/**
 * The notebooks' figures, each a function from summary rows (and options
 * over its documented defaults) to a standalone SVG with a visible title and
 * an SVG `<title>`: Observable Plot panels with scales of their own, laid out
 * by `figure_layout.ts`, rendered headless by `render.ts`.
 *
 * | figure | defaults |
 * | --- | --- |
 * | {@linkcode mapFigure} (Table 1) | {@linkcode MAP_FIGURE_DEFAULTS} |
 * | {@linkcode biasDistributionFigure} (Table 2's distribution) | {@linkcode BIAS_DISTRIBUTION_DEFAULTS} |
 * | {@linkcode latencyQualityFigure} (BEIR) | {@linkcode LATENCY_QUALITY_DEFAULTS} |
 * | {@linkcode alphaSweepFigure}, {@linkcode alphaBiasFigure} | {@linkcode ALPHA_SWEEP_DEFAULTS}, {@linkcode ALPHA_BIAS_DEFAULTS} |
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapFigure, tableReferences } from "./figures.ts";
 * import type { Row } from "../util/row.ts";
 * const table: Row[] = [
 *   { finetune: "—", dataset: "xquad-r", base: "—", strategy: "BM25", seeds: 1, mono: 0.74, cross: 0.11, multi: 0.09 },
 *   { finetune: "P1", dataset: "xquad-r", base: "aligned", strategy: "X-X", seeds: 3, mono: 0.58, mono_ci: 0.01, cross: 0.11, cross_ci: 0.01, multi: 0.1, multi_ci: 0.01 },
 * ];
 * assert.equal(tableReferences(table).length, 3);
 * assert.ok(mapFigure(table).includes("off scale: BM25 0.740"));
 * ```
 *
 * @module
 */

export {
  DATASET_NAMES,
  REFERENCE_STYLE,
  STRATEGY_COLORS,
  STRATEGY_ORDER,
  type TableReference,
  tableReferences,
} from "./_figure_common.ts";
export {
  ALPHA_BIAS_DEFAULTS,
  ALPHA_SWEEP_DEFAULTS,
  alphaBiasFigure,
  type AlphaFigureOptions,
  alphaSweepFigure,
} from "./figure_alpha.ts";
export {
  BIAS_DISTRIBUTION_DEFAULTS,
  biasDistributionFigure,
  type BiasDistributionOptions,
} from "./figure_bias.ts";
export {
  LATENCY_QUALITY_DEFAULTS,
  latencyQualityFigure,
  type LatencyQualityOptions,
} from "./figure_latency.ts";
export { MAP_FIGURE_DEFAULTS, mapFigure, type MapFigureOptions } from "./figure_map.ts";
