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
import { loadMiracl } from "../lib/data/miracl.ts";
import { evaluateMiraclWithRun } from "../lib/eval/miracl_eval.ts";
import { loadKernel } from "../lib/retrieval/kernels.ts";
import { parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import {
  loadRetrievalModel,
  RETRIEVAL_FLAGS,
  RETRIEVAL_USAGE,
  retrievalEvalOptions,
  retrievalOptions,
  writeRetrievalTask,
} from "./_retrieval_task.ts";

const USAGE = `Usage: deno task miracl --lang xx --model bm25|<model dir> --out DIR
         [--corpus DIR] [--data DIR] [--max-queries N] [--batch N] [--latency-queries N]
         [--depth D] [--tokenizer DIR] [--kernel wasm|tfjs-wasm|js] [--name NAME]

  --lang             MIRACL language code (ar bn de en es fa fi fr hi id ja ko ru sw te th yo zh)
  --model            bm25 (Lucene BM25 over WordPiece tokens) or a model directory
  --corpus           folder of the corpus shards docs-{i}.jsonl.gz
                     (default: <data>/miracl/corpus/miracl-corpus-v1.0-<lang>)
  --data             data directory with miracl/topics and miracl/qrels (default: $XLIR_DATA or data/)
${RETRIEVAL_USAGE}`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    ...RETRIEVAL_FLAGS,
    lang: { type: "string" },
    corpus: { type: "string" },
  }, USAGE);
  const opts = await retrievalOptions(values, ["lang"], USAGE);
  const corpusDir = values.corpus ? resolve(values.corpus) : undefined;
  const t0 = performance.now();
  let dataset;
  try {
    dataset = await loadMiracl(values.lang!, { dataDir: opts.dataDir, corpusDir });
  } catch (err) {
    if (err instanceof InputError && /corpus/.test(err.message)) {
      throw new InputError(
        `${err.message} With deno task miracl, give the shards' folder as --corpus DIR.`,
        { cause: err },
      );
    }
    throw err;
  }
  const kernel = opts.model === "bm25" ? undefined : await loadKernel(opts.kernel);
  const loaded = await loadRetrievalModel(opts);
  const output = await evaluateMiraclWithRun({
    lang: dataset,
    ...retrievalEvalOptions(opts, loaded, kernel),
  });
  const seconds = await writeRetrievalTask(
    "miracl",
    opts,
    { lang: values.lang, split: "dev", corpus: corpusDir ?? null },
    loaded,
    output,
    t0,
  );
  console.error(`miracl: wrote ${opts.out} in ${seconds.toFixed(1)}s`);
}

if (import.meta.main) await runMain(main);
