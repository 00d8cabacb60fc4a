/**
 * The files a retrieval evaluation leaves: `run.trec` (top 100 per query),
 * `summary.tsv` (a header, then the headline numbers, 4 decimals as
 * trec_eval prints them), `per_query.tsv` (trec_eval `-q`'s tidy form: a
 * header, then `measure<TAB>qid<TAB>value`) and `metrics.json` (the full
 * result, exact, with its provenance).
 *
 * @module
 */

import { join } from "node:path";
import { writeRun } from "../metrics/trec_io.ts";
import type { Run } from "../metrics/types.ts";
import { writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import type { RetrievalResult } from "./collection_eval.ts";
import { tsvValue } from "./lareqa_export.ts";

/**
 * The headline numbers as `metric<TAB>value` rows (quality, then efficiency).
 *
 * @param result An evaluation result.
 * @returns Rows of name and value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryRows } from "./retrieval_output.ts";
 * import { evaluateCollection } from "./collection_eval.ts";
 * import { tinyTokenizer } from "../model/_testing.ts";
 * const { result } = await evaluateCollection({
 *   name: "toy",
 *   corpus: new Map([["d1", { title: "", text: "the cat sat" }]]),
 *   queries: new Map([["q1", "cat"]]),
 *   qrels: new Map([["q1", new Map([["d1", 1]])]]),
 * }, { model: "bm25", tokenizer: await tinyTokenizer(), progress: false, warmupQueries: 0 });
 * const rows = new Map(summaryRows(result));
 * assert(rows.get("ndcg_cut_10") === 1 && rows.has("latency_p50_ms"));
 * ```
 */
export function summaryRows(result: RetrievalResult): [string, number][] {
  const e = result.efficiency;
  const rows: [string, number][] = Object.entries(result.quality);
  rows.push(
    ["corpus_docs_per_s", e.corpus.docs_per_s],
    ["index_size_bytes", e.index.size_bytes],
    ["latency_p50_ms", e.latency.p50_ms],
    ["latency_p95_ms", e.latency.p95_ms],
    ["batched_queries_per_s", e.batched.queries_per_s],
    ["peak_rss_sampled_bytes", e.memory.peak_rss_sampled_bytes],
  );
  if (e.memory.vm_hwm_bytes !== null) rows.push(["vm_hwm_bytes", e.memory.vm_hwm_bytes]);
  return rows;
}

/**
 * `summary.tsv`: a header (`metric<TAB>value`), then {@linkcode summaryRows}
 * with values to 4 decimals (integers as they are).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retrievalSummaryTsv } from "./retrieval_output.ts";
 * const result = { quality: { ndcg_cut_10: 0.44000000000000006 }, efficiency: {
 *   corpus: { docs_per_s: 2303.5 }, index: { size_bytes: 8000 }, latency: { p50_ms: 0.23, p95_ms: 0.346 },
 *   batched: { queries_per_s: 1824 }, memory: { peak_rss_sampled_bytes: 1000, vm_hwm_bytes: null } } };
 * const lines = retrievalSummaryTsv(result as never).trimEnd().split("\n");
 * assert.deepEqual(lines.slice(0, 3), ["metric\tvalue", "ndcg_cut_10\t0.4400", "corpus_docs_per_s\t2303.5000"]);
 * ```
 */
export function retrievalSummaryTsv(result: RetrievalResult): string {
  return "metric\tvalue\n" + summaryRows(result).map(([m, v]) => `${m}\t${tsvValue(v)}\n`).join("");
}

/** `per_query.tsv`: a header, then `measure<TAB>qid<TAB>value` per query and measure (trec_eval `-q`). */
export function retrievalPerQueryTsv(result: RetrievalResult): string {
  const lines = ["measure\tqid\tvalue"];
  const measures = [...new Set(Object.values(result.per_query).flatMap((m) => Object.keys(m)))];
  for (const measure of measures) {
    for (const [qid, values] of Object.entries(result.per_query)) {
      if (measure in values) lines.push(`${measure}\t${qid}\t${tsvValue(values[measure])}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Depth of the exported `run.trec`. */
export const EXPORT_DEPTH = 100;

/**
 * Writes `run.trec` (top 100 per query, TREC format, exact scores),
 * `summary.tsv`, `per_query.tsv` and `metrics.json` (the result and `meta`:
 * config, model, git revision …), each atomically, `metrics.json` last.
 *
 * @param dir Output directory (created).
 * @param result The evaluation result.
 * @param run The run.
 * @param meta Recorded first in `metrics.json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { writeRetrievalOutputs } from "./retrieval_output.ts";
 * import { evaluateCollection } from "./collection_eval.ts";
 * import { tinyTokenizer } from "../model/_testing.ts";
 * const { result, run } = await evaluateCollection({
 *   name: "toy",
 *   corpus: new Map([["d1", { title: "", text: "the cat sat" }]]),
 *   queries: new Map([["q1", "cat"]]),
 *   qrels: new Map([["q1", new Map([["d1", 1]])]]),
 * }, { model: "bm25", tokenizer: await tinyTokenizer(), progress: false, warmupQueries: 0 });
 * const dir = await Deno.makeTempDir();
 * await writeRetrievalOutputs(dir, result, run, { git_revision: "abc" });
 * const metrics = JSON.parse(await Deno.readTextFile(join(dir, "metrics.json")));
 * assert(metrics.git_revision === "abc" && metrics.quality.ndcg_cut_10 === 1);
 * assert((await Deno.readTextFile(join(dir, "run.trec"))).startsWith("q1 Q0 d1 1 "));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeRetrievalOutputs(
  dir: string,
  result: RetrievalResult,
  run: Run,
  meta: Record<string, unknown>,
): Promise<void> {
  const runid = result.model.name.replace(/\s+/g, "_") || "xlir";
  await writeRun(join(dir, "run.trec"), run, runid, { depth: EXPORT_DEPTH });
  await writeTextFileAtomic(join(dir, "summary.tsv"), retrievalSummaryTsv(result));
  await writeTextFileAtomic(join(dir, "per_query.tsv"), retrievalPerQueryTsv(result));
  await writeJsonAtomic(join(dir, "metrics.json"), { ...meta, ...result });
}
