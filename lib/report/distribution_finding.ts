/**
 * The finding under the per-query rank-distance figure (notebook 02), from
 * the same rows the figure draws (`biasDistribution`): per base, each
 * strategy's median and mean rank distance and its share of queries whose
 * translations are all ranked together (distance 0).
 *
 * @module
 */

import { STRATEGY_ORDER } from "./_figure_common.ts";
import type { Row } from "../util/row.ts";

/** The median of sorted values. */
function _median(sorted: readonly number[]): number {
  const n = sorted.length, m = Math.floor(n / 2);
  return n % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/**
 * The distribution's finding: per base and strategy, median and mean rank
 * distance and the share of queries at distance 0; then whether the median
 * and the mean order the strategies alike (a skewed distribution can put
 * them apart).
 *
 * @param rows `biasDistribution` rows: `base`, `strategy`, `rank_distance`.
 * @param label What the rows are (e.g. "P1, XQuAD-R").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { distributionFinding } from "./distribution_finding.ts";
 * const rows = [0, 10, 20, 1000].flatMap((d) => [
 *   { base: "aligned", strategy: "X-X", rank_distance: d * 2 },
 *   { base: "aligned", strategy: "hybrid", rank_distance: d },
 * ]);
 * const text = distributionFinding(rows, "P1, XQuAD-R");
 * assert.match(text, /aligned base: X-X median 30, mean 515, 25\.0% at 0; hybrid median 15, mean 258, 25\.0% at 0/);
 * assert.match(text, /median and mean order the strategies alike/);
 * ```
 */
export function distributionFinding(rows: readonly Row[], label: string): string {
  const bases = [...new Set(rows.map((r) => String(r.base)))];
  const parts = bases.map((base) => {
    const stats = STRATEGY_ORDER.map((s) => {
      const v = rows.filter((r) => r.base === base && r.strategy === s)
        .map((r) => r.rank_distance as number).sort((a, b) => a - b);
      if (v.length === 0) return null;
      return {
        s,
        median: _median(v),
        mean: v.reduce((a, b) => a + b, 0) / v.length,
        zero: v.filter((x) => x === 0).length / v.length,
      };
    }).filter((x) => x !== null);
    const order = (k: "median" | "mean") =>
      [...stats].sort((a, b) => a[k] - b[k]).map((x) => x.s).join(" < ");
    const alike = order("median") === order("mean");
    return `${base} base: ${
      stats.map((x) =>
        `${x.s} median ${x.median.toFixed(0)}, mean ${x.mean.toFixed(0)}, ${
          (100 * x.zero).toFixed(1)
        }% at 0`
      ).join("; ")
    } — ${
      alike
        ? `median and mean order the strategies alike (${order("mean")})`
        : `median and mean order the strategies differently (median ${order("median")}, mean ${
          order("mean")
        }): the ranking depends on the statistic`
    }`;
  });
  return `**Per query (${label}, all seeds pooled)**: ${
    parts.join(". ")
  }. Table 2 and its tests use the mean.`;
}
