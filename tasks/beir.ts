/**
 * `deno task beir` — BM25 or a model on a BEIR dataset: nDCG@10, Recall@100
 * (trec_eval-exact, run depth 1000) and efficiency (corpus docs/s, index
 * bytes, single-query latency p50/p95, batched queries/s, peak RSS), with the
 * machine, backend and kernel recorded.
 *
 * ```sh
 * deno task beir --dataset scifact --model bm25 --out results/beir/scifact-bm25
 * deno task beir --dataset scifact --model out/train/hybrid/model --out out/beir-hybrid --max-queries 50
 * ```
 *
 * Writes `run.trec` (top 100), `summary.tsv` (`metric<TAB>value`) and
 * `metrics.json` (config, model, git revision, quality, efficiency,
 * environment, BEIR's published BM25 reference).
 *
 * @module
 */

import { resolve } from "node:path";
import { resolveDataDir } from "../lib/data/data_dir.ts";
import { loadBeir } from "../lib/data/beir.ts";
import {
  checkModelSpec,
  evaluateBeirWithRun,
  EXPORT_DEPTH,
  loadModelSpec,
  summaryRows,
  writeRetrievalOutputs,
} from "../lib/eval/beir_eval.ts";
import { loadKernel } from "../lib/retrieval/kernels.ts";
import { intFlag, parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { gitRevision } from "../lib/util/git.ts";

const USAGE = `Usage: deno task beir --dataset NAME --model bm25|<model dir> --out DIR
         [--data DIR] [--split test] [--max-queries N] [--batch N] [--latency-queries N]
         [--depth D] [--tokenizer DIR] [--kernel wasm|tfjs-wasm|js]

  --dataset          BEIR dataset folder under <data>/beir/ (e.g. scifact)
  --model            bm25 (Lucene BM25, k1 0.9, b 0.4, over WordPiece tokens) or a model
                     directory (config.json + model.safetensors + tokenizer.json)
  --out              output directory: run.trec (top ${EXPORT_DEPTH}), summary.tsv, metrics.json
  --data             data directory (default: $XLIR_DATA or data/)
  --split            qrels split (default test)
  --max-queries      evaluate the first N judged queries (default: all)
  --batch            texts per encoder batch (default 256)
  --latency-queries  queries timed one at a time (default 200)
  --depth            run depth the metrics are computed on (default 1000)
  --tokenizer        BM25's tokenizer folder (default: the mBERT vocabulary in the data directory)
  --kernel           dense search kernel (default: $XLIR_SEARCH_KERNEL or wasm)
  --name             the model's name in the results and the run id (default: from --model)`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    dataset: { type: "string" },
    model: { type: "string" },
    out: { type: "string" },
    data: { type: "string" },
    split: { type: "string" },
    "max-queries": { type: "string" },
    batch: { type: "string" },
    "latency-queries": { type: "string" },
    depth: { type: "string" },
    tokenizer: { type: "string" },
    kernel: { type: "string" },
    name: { type: "string" },
  }, USAGE);
  for (const f of ["dataset", "model", "out"] as const) {
    if (!values[f]) throw new InputError(`--${f} is required\n\n${USAGE}`);
  }
  const dataDir = resolveDataDir(values.data);
  const split = values.split ?? "test";
  const maxQueries = values["max-queries"] ? intFlag(values["max-queries"], "--max-queries") : 0;
  const batchSize = values.batch ? intFlag(values.batch, "--batch", 1) : 256;
  const latencyQueries = values["latency-queries"]
    ? intFlag(values["latency-queries"], "--latency-queries")
    : 200;
  const depth = values.depth ? intFlag(values.depth, "--depth", 1) : 1000;
  await checkModelSpec(values.model!);
  const kernel = values.model === "bm25" ? undefined : await loadKernel(values.kernel);
  const t0 = performance.now();
  const dataset = await loadBeir(values.dataset!, { dataDir, split });
  const loaded = await loadModelSpec(values.model!, { dataDir, tokenizerDir: values.tokenizer });
  const { result, run } = await evaluateBeirWithRun({
    dataset,
    dataDir,
    model: loaded.model,
    name: values.name ?? loaded.name,
    tokenizer: loaded.tokenizer,
    kernel,
    maxQueries,
    batchSize,
    latencyQueries,
    depth,
  });
  const seconds = (performance.now() - t0) / 1000;
  const out = resolve(values.out!);
  await writeRetrievalOutputs(out, result, run, {
    task: "beir",
    config: {
      dataset: values.dataset,
      split,
      model: values.model,
      max_queries: maxQueries,
      batch_size: batchSize,
      latency_queries: latencyQueries,
      depth,
      export_depth: EXPORT_DEPTH,
      tokenizer: values.tokenizer ?? null,
      kernel: values.kernel ?? null,
      seed: null,
    },
    model_info: loaded.info,
    data_dir: dataDir,
    git_revision: await gitRevision(),
    date: new Date().toISOString(),
    seconds,
  });
  if (loaded.model !== "bm25") loaded.model.dispose();
  for (const [m, v] of summaryRows(result)) console.log(`${m}\t${v}`);
  if (result.reference) {
    console.log(
      `reference\tBEIR BM25 nDCG@10 ${result.reference.bm25_ndcg_cut_10} (ours ${
        result.quality.ndcg_cut_10.toFixed(4)
      }, delta ${result.reference.delta_ndcg_cut_10.toFixed(4)})`,
    );
  }
  console.error(`beir: wrote ${out} in ${seconds.toFixed(1)}s`);
}

if (import.meta.main) await runMain(main);
