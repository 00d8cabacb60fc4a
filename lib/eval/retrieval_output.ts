/**
 * The files a retrieval evaluation leaves: `run.trec` (top 100 per query),
 * `summary.tsv` (the headline numbers) and `metrics.json` (the full result
 * with its provenance).
 *
 * @module
 */

import { join } from "node:path";
import { writeRun } from "../metrics/trec_io.ts";
import type { Run } from "../metrics/types.ts";
import { writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import type { RetrievalResult } from "./collection_eval.ts";

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

/** Depth of the exported `run.trec`. */
export const EXPORT_DEPTH = 100;

/**
 * Writes `run.trec` (top 100 per query, TREC format, exact scores),
 * `summary.tsv` (`metric<TAB>value`) and `metrics.json` (the result and
 * `meta`: config, model, git revision …), each atomically, `metrics.json` last.
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
  const tsv = summaryRows(result).map(([m, v]) => `${m}\t${v}`).join("\n") + "\n";
  await writeTextFileAtomic(join(dir, "summary.tsv"), tsv);
  await writeJsonAtomic(join(dir, "metrics.json"), { ...meta, ...result });
}
