/**
 * BEIR quality and efficiency of several models, each measured in a fresh
 * process (`deno task beir`), so that one model's memory does not count
 * against the next and every model is measured the same way.
 *
 * @module
 */

import { join } from "node:path";
import type { BeirResult } from "../eval/beir_eval.ts";
import { InputError } from "../util/errors.ts";
import { fromRoot } from "../util/root.ts";
import type { ExperimentResults } from "./experiment.ts";
import type { Row } from "../util/row.ts";

/** Options of {@linkcode runBeir}. */
export interface BeirRunOptions {
  dataset: string;
  /** Output directory of this model's run. */
  out: string;
  /** The model's name in the results and the run id. */
  name?: string;
  maxQueries?: number;
  latencyQueries?: number;
  dataDir?: string;
}

/**
 * Runs `deno task beir` for one model (`"bm25"` or a model directory) in a
 * subprocess and returns its `metrics.json`.
 */
export async function runBeir(model: string, options: BeirRunOptions): Promise<BeirResult> {
  const args = [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-run=git,cat",
    "--allow-ffi",
    fromRoot("tasks/beir.ts"),
    "--dataset",
    options.dataset,
    "--model",
    model,
    "--out",
    options.out,
  ];
  if (options.maxQueries) args.push("--max-queries", String(options.maxQueries));
  if (options.latencyQueries) args.push("--latency-queries", String(options.latencyQueries));
  if (options.dataDir) args.push("--data", options.dataDir);
  if (options.name) args.push("--name", options.name);
  const out = await new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new InputError(
      `deno task beir --model ${model} failed: ${
        new TextDecoder().decode(out.stderr).trim().split("\n").at(-1)
      }`,
    );
  }
  return JSON.parse(await Deno.readTextFile(join(options.out, "metrics.json")));
}

/** The trained models of one grid cell, one per strategy (the given seed). */
export function strategyModels(
  results: ExperimentResults,
  cell: { finetune: string; base: string; seed: number },
): { strategy: string; modelDir: string }[] {
  const seen = new Map<string, string>();
  for (const r of results.runs) {
    if (
      r.finetune === cell.finetune && r.base === cell.base && r.seed === cell.seed &&
      !r.strategy.startsWith("α=")
    ) {
      seen.set(r.strategy, r.model.modelDir);
    }
  }
  return [...seen].map(([strategy, modelDir]) => ({ strategy, modelDir }));
}

const r4 = (
  x: number | null | undefined,
  d = 4,
) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

/** One row per model: quality, encoding/indexing speed, index size, latency, throughput, memory. */
export function efficiencyRows(runs: { model: string; result: BeirResult }[]): Row[] {
  return runs.map(({ model, result }) => {
    const q = result.quality as Record<string, number>;
    const e = result.efficiency;
    return {
      model,
      queries: result.collection.queries,
      queries_available: result.collection.queries_available,
      ndcg_cut_10: r4(q.ndcg_cut_10),
      recall_100: r4(q.recall_100),
      corpus_docs_per_s: r4(e.corpus.docs_per_s, 0),
      index_mb: r4(e.index.size_bytes / 2 ** 20, 1),
      p50_ms: r4(e.latency.p50_ms, 3),
      p95_ms: r4(e.latency.p95_ms, 3),
      batched_qps: r4(e.batched.queries_per_s, 0),
      peak_rss_mb: r4(e.memory.peak_rss_sampled_bytes / 2 ** 20, 0),
      kernel: result.environment.kernel ?? "bm25",
      threads: result.environment.search_threads,
    };
  });
}
