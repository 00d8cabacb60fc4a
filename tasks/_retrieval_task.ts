/**
 * What `deno task beir` and `deno task miracl` share: the flags of a
 * retrieval evaluation (model, output, depth, batching, timing, kernel), their
 * usage lines, and writing the outputs with the provenance every result in
 * `results/` carries.
 *
 * `--out` is checked and locked when the flags are parsed, before any work
 * (the lock is held until the outputs are written, or the process ends), and
 * written as a whole (a temporary sibling replaces it once every file is
 * written), so a failure leaves the old outputs unchanged. A model directory
 * with a `checksums.sha256` is verified first.
 *
 * @module
 */

import { resolve } from "node:path";
import { resolveDataDir } from "../lib/data/data_dir.ts";
import type { RetrievalEvalOptions, RetrievalResult } from "../lib/eval/collection_eval.ts";
import {
  EXPORT_DEPTH,
  retrievalSummaryTsv,
  writeRetrievalOutputs,
} from "../lib/eval/retrieval_output.ts";
import type { Run } from "../lib/metrics/types.ts";
import { checkOutputDir, writeDirAtomic } from "../lib/util/atomic_dir.ts";
import { verifyChecksums } from "../lib/util/checksums.ts";
import { intFlag } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { gitRevision } from "../lib/util/git.ts";
import { checkModelSpec, type LoadedModel, loadModelSpec } from "./_model_spec.ts";
import { lockOutput, type OutputLock } from "../lib/util/lock.ts";

/** The flags both retrieval tasks take, for `parseFlags`. */
export const RETRIEVAL_FLAGS = {
  model: { type: "string" },
  out: { type: "string" },
  data: { type: "string" },
  "max-queries": { type: "string" },
  batch: { type: "string" },
  "latency-queries": { type: "string" },
  depth: { type: "string" },
  tokenizer: { type: "string" },
  kernel: { type: "string" },
  name: { type: "string" },
  "max-length": { type: "string" },
} as const;

/** Usage lines of {@linkcode RETRIEVAL_FLAGS} after `--model` and `--data`. */
export const RETRIEVAL_USAGE =
  `  --out              output directory: run.trec (top ${EXPORT_DEPTH}), summary.tsv, per_query.tsv, metrics.json
                     (replaced whole once every file is written; locked while this runs)
  --max-queries      evaluate the first N judged queries (default, or 0: all)
  --batch            texts per encoder batch (default 256)
  --latency-queries  queries timed one at a time (default 200)
  --depth            run depth the metrics are computed on (default 1000)
  --tokenizer        BM25's tokenizer folder (default: the mBERT vocabulary in the data directory)
  --kernel           dense search kernel (default: $XLIR_SEARCH_KERNEL or wasm)
  --name             the model's name in the results and the run id (default: from --model)
  --max-length       tokens at which a model's queries and documents are cut (default: the
                     model's max_length; notebook 04 passes the experiment's eval.maxLength)`;

/** Parsed values of {@linkcode RETRIEVAL_FLAGS}. */
export interface RetrievalOptions {
  model: string;
  out: string;
  dataDir: string;
  maxQueries: number;
  batchSize: number;
  latencyQueries: number;
  depth: number;
  tokenizer?: string;
  kernel?: string;
  name?: string;
  /** Tokens at which a dense model cuts texts (absent: the model's own `max_length`). */
  maxLength?: number;
  /** The lock of `out`, held until {@linkcode writeRetrievalTask} has written it. */
  lock: OutputLock;
}

/**
 * Checks the required flags (`--model`, `--out` and `required`), parses the
 * numbers and checks that the model spec exists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retrievalOptions } from "./_retrieval_task.ts";
 * const USAGE = "Usage: deno task beir --dataset NAME --model bm25|DIR --out DIR";
 * const opts = await retrievalOptions({ dataset: "scifact", model: "bm25", out: "out/x", depth: "100" }, ["dataset"], USAGE);
 * assert.deepEqual([opts.model, opts.depth, opts.batchSize, opts.maxQueries], ["bm25", 100, 256, 0]);
 * await assert.rejects(() => retrievalOptions({ model: "bm25", out: "o" }, ["dataset"], USAGE), /--dataset is required/);
 * ```
 */
export async function retrievalOptions(
  values: { [K in keyof typeof RETRIEVAL_FLAGS]?: string } & Record<string, unknown>,
  required: readonly string[],
  usage: string,
): Promise<RetrievalOptions> {
  for (const f of [...required, "model", "out"]) {
    if (!values[f]) throw new InputError(`--${f} is required\n\n${usage}`);
  }
  const out = resolve(values.out!);
  await checkOutputDir(out, "--out");
  const num = (flag: keyof typeof RETRIEVAL_FLAGS, fallback: number, min: number) =>
    values[flag] ? intFlag(values[flag]!, `--${flag}`, min) : fallback;
  const parsed = {
    model: values.model!,
    out,
    dataDir: resolveDataDir(values.data),
    maxQueries: num("max-queries", 0, 0),
    batchSize: num("batch", 256, 1),
    latencyQueries: num("latency-queries", 200, 0),
    depth: num("depth", 1000, 1),
    tokenizer: values.tokenizer,
    kernel: values.kernel,
    name: values.name,
    maxLength: values["max-length"] ? intFlag(values["max-length"], "--max-length", 1) : undefined,
  };
  await checkModelSpec(parsed.model);
  if (parsed.model !== "bm25") await verifyChecksums(resolve(parsed.model), "model");
  const lock = await lockOutput(out);
  for (const note of lock.notes) console.error(`${note}`);
  return { ...parsed, lock };
}

/** Loads the model or BM25 named by `--model` (and `--tokenizer`). */
export function loadRetrievalModel(opts: RetrievalOptions): Promise<LoadedModel> {
  return loadModelSpec(opts.model, {
    dataDir: opts.dataDir,
    tokenizerDir: opts.tokenizer,
    maxLength: opts.maxLength,
  });
}

/** The evaluation options the flags and the loaded model give. */
export function retrievalEvalOptions(
  opts: RetrievalOptions,
  loaded: LoadedModel,
  kernel: RetrievalEvalOptions["kernel"],
): RetrievalEvalOptions {
  return {
    dataDir: opts.dataDir,
    model: loaded.model,
    name: opts.name ?? loaded.name,
    tokenizer: loaded.tokenizer,
    kernel,
    maxQueries: opts.maxQueries,
    batchSize: opts.batchSize,
    latencyQueries: opts.latencyQueries,
    depth: opts.depth,
  };
}

/**
 * Writes `run.trec`, `summary.tsv` and `metrics.json` under `opts.out` with
 * the task's config (the shared flags plus `extra`), the model's info, the git
 * revision and the time since `t0`; prints the summary rows on stdout.
 */
export async function writeRetrievalTask(
  task: string,
  opts: RetrievalOptions,
  extra: Record<string, unknown>,
  loaded: LoadedModel,
  output: { result: RetrievalResult; run: Run },
  t0: number,
): Promise<number> {
  const seconds = (performance.now() - t0) / 1000;
  const meta = {
    task,
    config: {
      ...extra,
      model: opts.model,
      max_queries: opts.maxQueries,
      batch_size: opts.batchSize,
      latency_queries: opts.latencyQueries,
      depth: opts.depth,
      export_depth: EXPORT_DEPTH,
      tokenizer: opts.tokenizer ?? null,
      kernel: opts.kernel ?? null,
      max_length: opts.maxLength ?? null,
      seed: null,
    },
    model_info: loaded.info,
    data_dir: opts.dataDir,
    git_revision: await gitRevision(),
    date: new Date().toISOString(),
    seconds,
  };
  await writeDirAtomic(
    opts.out,
    (dir) => writeRetrievalOutputs(dir, output.result, output.run, meta),
  );
  await opts.lock.release();
  if (loaded.model !== "bm25") loaded.model.dispose();
  console.log(retrievalSummaryTsv(output.result).trimEnd());
  return seconds;
}
