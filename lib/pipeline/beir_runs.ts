/**
 * BEIR quality and efficiency of several models, each measured in a fresh
 * process (`deno task beir`), so that one model's memory does not count
 * against the next and every model is measured the same way.
 *
 * @module
 */

import { join } from "node:path";
import type { BeirResult } from "../eval/beir_eval.ts";
import { writeFileAtomic } from "../util/atomic.ts";
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
  /** Tokens at which a dense model cuts texts (absent: the model's own `max_length`). */
  maxLength?: number;
}

/**
 * Runs `deno task beir` for one model (`"bm25"` or a model directory) in a
 * subprocess and returns its `metrics.json`. The run is kept gzipped
 * ({@linkcode gzipRun}).
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
  if (options.maxLength) args.push("--max-length", String(options.maxLength));
  const out = await new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new InputError(
      `deno task beir --model ${model} failed: ${
        new TextDecoder().decode(out.stderr).trim().split("\n").at(-1)
      }`,
    );
  }
  await gzipRun(options.out);
  return JSON.parse(await Deno.readTextFile(join(options.out, "metrics.json")));
}

/**
 * Replaces `dir/run.trec` by `dir/run.trec.gz`: a top-100 run over a BEIR
 * set's queries is megabytes of text, too big to commit as it is. Read it
 * back with `zcat run.trec.gz | trec_eval qrels /dev/stdin`, or with this
 * package's run reader, which takes `.gz` files.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gzipRun } from "./beir_runs.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/run.trec`, "q1 Q0 d1 1 2.5 x\n");
 * await gzipRun(dir);
 * const back = (await Deno.open(`${dir}/run.trec.gz`)).readable
 *   .pipeThrough(new DecompressionStream("gzip"));
 * assert.equal(await new Response(back).text(), "q1 Q0 d1 1 2.5 x\n");
 * assert.throws(() => Deno.statSync(`${dir}/run.trec`), Deno.errors.NotFound);
 * ```
 */
export async function gzipRun(dir: string): Promise<void> {
  const path = join(dir, "run.trec");
  const gz = (await Deno.open(path)).readable.pipeThrough(new CompressionStream("gzip"));
  await writeFileAtomic(`${path}.gz`, new Uint8Array(await new Response(gz).arrayBuffer()));
  await Deno.remove(path);
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
