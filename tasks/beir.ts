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

import { loadBeir } from "../lib/data/beir.ts";
import { evaluateBeirWithRun } from "../lib/eval/beir_eval.ts";
import { loadKernel } from "../lib/retrieval/kernels.ts";
import { parseFlags, runMain } from "../lib/util/cli.ts";
import {
  loadRetrievalModel,
  RETRIEVAL_FLAGS,
  RETRIEVAL_USAGE,
  retrievalEvalOptions,
  retrievalOptions,
  writeRetrievalTask,
} from "./_retrieval_task.ts";

const USAGE = `Usage: deno task beir --dataset NAME --model bm25|<model dir> --out DIR
         [--data DIR] [--split test] [--max-queries N] [--batch N] [--latency-queries N]
         [--depth D] [--tokenizer DIR] [--kernel wasm|tfjs-wasm|js] [--name NAME]

  --dataset          BEIR dataset folder under <data>/beir/ (e.g. scifact)
  --model            bm25 (Lucene BM25, k1 0.9, b 0.4, over WordPiece tokens) or a model
                     directory (config.json + model.safetensors + tokenizer.json)
  --data             data directory (default: $XLIR_DATA or data/)
  --split            qrels split (default test)
${RETRIEVAL_USAGE}`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    ...RETRIEVAL_FLAGS,
    dataset: { type: "string" },
    split: { type: "string" },
  }, USAGE);
  const opts = await retrievalOptions(values, ["dataset"], USAGE);
  const split = values.split ?? "test";
  const kernel = opts.model === "bm25" ? undefined : await loadKernel(opts.kernel);
  const t0 = performance.now();
  const dataset = await loadBeir(values.dataset!, { dataDir: opts.dataDir, split });
  const loaded = await loadRetrievalModel(opts);
  const output = await evaluateBeirWithRun({
    dataset,
    ...retrievalEvalOptions(opts, loaded, kernel),
  });
  const seconds = await writeRetrievalTask(
    "beir",
    opts,
    { dataset: values.dataset, split },
    loaded,
    output,
    t0,
  );
  const { result } = output;
  const ref = result.reference;
  if (ref) {
    const ours = result.quality.ndcg_cut_10.toFixed(4);
    const delta = ref.delta_ndcg_cut_10 === null
      ? ref.note
      : `delta ${ref.delta_ndcg_cut_10.toFixed(4)}`;
    console.log(`reference\tBEIR BM25 nDCG@10 ${ref.bm25_ndcg_cut_10} (ours ${ours}, ${delta})`);
  }
  console.error(`beir: wrote ${opts.out} in ${seconds.toFixed(1)}s`);
}

if (import.meta.main) await runMain(main);
