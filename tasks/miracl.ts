/**
 * `deno task miracl` — BM25 or a model on one MIRACL v1.0 dev language,
 * monolingual: nDCG@10, Recall@100 and the efficiency figures, as
 * `deno task beir` reports them. The passage corpus must be downloaded first;
 * without it the task says what to download and writes nothing.
 *
 * ```sh
 * deno task download miracl-corpus-sw
 * deno task miracl --lang sw --model bm25 --out out/miracl/sw-bm25
 * deno task miracl --lang sw --model out/train/hybrid/model --out out/miracl/sw-hybrid --corpus /big/miracl-corpus-v1.0-sw
 * ```
 *
 * @module
 */

import { resolve } from "node:path";
import { resolveDataDir } from "../lib/data/data_dir.ts";
import { loadMiracl } from "../lib/data/miracl.ts";
import {
  checkModelSpec,
  EXPORT_DEPTH,
  loadModelSpec,
  summaryRows,
  writeRetrievalOutputs,
} from "../lib/eval/beir_eval.ts";
import { evaluateMiraclWithRun } from "../lib/eval/miracl_eval.ts";
import { loadKernel } from "../lib/retrieval/kernels.ts";
import { intFlag, parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { gitRevision } from "../lib/util/git.ts";

const USAGE = `Usage: deno task miracl --lang xx --model bm25|<model dir> --out DIR
         [--corpus DIR] [--data DIR] [--max-queries N] [--batch N] [--latency-queries N]
         [--depth D] [--tokenizer DIR] [--kernel wasm|tfjs-wasm|js]

  --lang             MIRACL language code (ar bn de en es fa fi fr hi id ja ko ru sw te th yo zh)
  --model            bm25 (Lucene BM25 over WordPiece tokens) or a model directory
  --out              output directory: run.trec (top ${EXPORT_DEPTH}), summary.tsv, metrics.json
  --corpus           folder of the corpus shards docs-{i}.jsonl.gz
                     (default: <data>/miracl/corpus/miracl-corpus-v1.0-<lang>)
  --data             data directory with miracl/topics and miracl/qrels (default: $XLIR_DATA or data/)
  --max-queries      evaluate the first N judged topics (default: all)
  --batch            texts per encoder batch (default 256)
  --latency-queries  queries timed one at a time (default 200)
  --depth            run depth the metrics are computed on (default 1000)
  --tokenizer        BM25's tokenizer folder (default: the mBERT vocabulary in the data directory)
  --kernel           dense search kernel (default: $XLIR_SEARCH_KERNEL or wasm)`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    lang: { type: "string" },
    model: { type: "string" },
    out: { type: "string" },
    corpus: { type: "string" },
    data: { type: "string" },
    "max-queries": { type: "string" },
    batch: { type: "string" },
    "latency-queries": { type: "string" },
    depth: { type: "string" },
    tokenizer: { type: "string" },
    kernel: { type: "string" },
  }, USAGE);
  for (const f of ["lang", "model", "out"] as const) {
    if (!values[f]) throw new InputError(`--${f} is required\n\n${USAGE}`);
  }
  const dataDir = resolveDataDir(values.data);
  const corpusDir = values.corpus ? resolve(values.corpus) : undefined;
  const maxQueries = values["max-queries"] ? intFlag(values["max-queries"], "--max-queries") : 0;
  const batchSize = values.batch ? intFlag(values.batch, "--batch", 1) : 256;
  const latencyQueries = values["latency-queries"]
    ? intFlag(values["latency-queries"], "--latency-queries")
    : 200;
  const depth = values.depth ? intFlag(values.depth, "--depth", 1) : 1000;
  await checkModelSpec(values.model!);
  const t0 = performance.now();
  let dataset;
  try {
    dataset = await loadMiracl(values.lang!, { dataDir, corpusDir });
  } catch (err) {
    if (err instanceof InputError && /corpus/.test(err.message)) {
      throw new InputError(
        `${err.message} With deno task miracl, give the shards' folder as --corpus DIR.`,
        { cause: err },
      );
    }
    throw err;
  }
  const kernel = values.model === "bm25" ? undefined : await loadKernel(values.kernel);
  const loaded = await loadModelSpec(values.model!, { dataDir, tokenizerDir: values.tokenizer });
  const { result, run } = await evaluateMiraclWithRun({
    lang: dataset,
    dataDir,
    model: loaded.model,
    name: loaded.name,
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
    task: "miracl",
    config: {
      lang: values.lang,
      split: "dev",
      model: values.model,
      corpus: corpusDir ?? null,
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
  console.error(`miracl: wrote ${out} in ${seconds.toFixed(1)}s`);
}

if (import.meta.main) await runMain(main);
