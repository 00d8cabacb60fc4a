/**
 * Notebook 04's finding in words, from the rows of its table
 * (`efficiencyRows`): what the strategies' dense models cost against each
 * other and against BM25, and how their quality compares — the research
 * question of the seed report.
 *
 * @module
 */

import { BEIR_BM25_NDCG10 } from "../eval/beir_eval.ts";
import { STRATEGY_ORDER } from "./_figure_common.ts";
import type { Row } from "./tables.ts";

const num = (r: Row, k: string) => r[k] as number;

/** "min–max" of a column over rows, and its spread as a share of the mean. */
function _range(rows: readonly Row[], k: string, d: number): { text: string; spread: number } {
  const v = rows.map((r) => num(r, k)).filter(Number.isFinite);
  const lo = Math.min(...v), hi = Math.max(...v);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return {
    text: lo.toFixed(d) === hi.toFixed(d) ? lo.toFixed(d) : `${lo.toFixed(d)}–${hi.toFixed(d)}`,
    spread: mean > 0 ? (hi - lo) / mean : 0,
  };
}

/**
 * The BEIR efficiency finding: the dense strategies' latency, throughput,
 * index size and memory against each other (their spread as a share of the
 * mean) and against BM25, then nDCG@10 and, when every query was evaluated,
 * BM25 against BEIR's published value.
 *
 * @param rows `efficiencyRows` (a `BM25` row and one per strategy).
 * @param dataset The BEIR dataset (for its published BM25).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { efficiencyFinding } from "./efficiency_finding.ts";
 * const row = (model: string, p50: number, ndcg: number) => ({ model, queries: 300, queries_available: 300,
 *   ndcg_cut_10: ndcg, p50_ms: p50, p95_ms: p50 * 1.2, batched_qps: 1600, index_mb: 8, peak_rss_mb: 554 });
 * const text = efficiencyFinding([row("BM25", 0.23, 0.665), row("X-X", 2.7, 0.271), row("X-Y", 2.79, 0.276), row("hybrid", 2.72, 0.265)]);
 * assert.match(text, /p50 2\.70–2\.79 ms \(spread 3\.3% of the mean\)/);
 * assert.match(text, /BM25: 0\.23 ms/);
 * assert.match(text, /X-Y highest/);
 * assert.match(text, /BEIR's published 0\.665 \(ours 0\.665\)/);
 * ```
 */
export function efficiencyFinding(rows: readonly Row[], dataset = "scifact"): string {
  const dense = rows.filter((r) => STRATEGY_ORDER.includes(String(r.model)));
  const bm25 = rows.find((r) => r.model === "BM25");
  if (dense.length === 0) return "No dense model was measured.";
  const p50 = _range(dense, "p50_ms", 2), qps = _range(dense, "batched_qps", 0);
  const index = _range(dense, "index_mb", 1), rss = _range(dense, "peak_rss_mb", 0);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const same = Math.max(p50.spread, qps.spread, index.spread, rss.spread) < 0.1;
  const parts = [
    `**Cost.** The ${dense.length} strategies' models: single-query p50 ${p50.text} ms (spread ${
      pct(p50.spread)
    } of the mean), ${qps.text} batched queries/s (${
      pct(qps.spread)
    }), index ${index.text} MB, peak RSS ${rss.text} MB${
      bm25
        ? `; BM25: ${num(bm25, "p50_ms").toFixed(2)} ms, ${
          num(bm25, "batched_qps").toFixed(0)
        } queries/s, ${num(bm25, "index_mb").toFixed(1)} MB, ${
          num(bm25, "peak_rss_mb").toFixed(0)
        } MB`
        : ""
    }.`,
    same
      ? "The batch strategy changes the weights, not the architecture: every cost differs by less than 10% between strategies, within what one shared machine measures from run to run."
      : "Some cost differs by 10% or more between strategies, beyond what the same architecture should give: rerun on an idle machine before reading it as an effect.",
  ];
  const best = [...dense].sort((a, b) => num(b, "ndcg_cut_10") - num(a, "ndcg_cut_10"))[0];
  parts.push(
    `**Quality.** nDCG@10 ${_range(dense, "ndcg_cut_10", 3).text} (${best.model} highest)${
      bm25 ? `, BM25 ${num(bm25, "ndcg_cut_10").toFixed(3)}` : ""
    }.`,
  );
  const ref = BEIR_BM25_NDCG10[dataset];
  if (bm25 && ref !== undefined) {
    const subset = typeof bm25.queries === "number" && typeof bm25.queries_available === "number" &&
      bm25.queries < bm25.queries_available;
    parts.push(
      subset
        ? `Only ${bm25.queries} of ${bm25.queries_available} queries were evaluated, so BM25 is not compared with BEIR's published ${ref}.`
        : `BM25 against BEIR's published ${ref} (ours ${
          num(bm25, "ndcg_cut_10").toFixed(3)
        }): a check of the evaluation, not of the method.`,
    );
  }
  return parts.join(" ");
}
