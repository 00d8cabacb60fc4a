/**
 * The cached steps of an experiment: train a model from a config, evaluate a
 * model (or BM25) on a LAReQA dataset. Each result is a cache entry keyed by
 * its inputs, the library code and the data it reads (`cache.ts`), so a rerun
 * with nothing changed loads results instead of recomputing them.
 *
 * @module
 */

import { join } from "node:path";
import { resolveDataDir } from "../data/data_dir.ts";
import { loadMlqaR } from "../data/mlqa_r.ts";
import { loadMbertTokenizer } from "../data/tokenizer.ts";
import type { LareqaDataset } from "../data/types.ts";
import { loadXquadR } from "../data/xquad_r.ts";
import { evaluateLareqa, type LareqaResult } from "../eval/lareqa.ts";
import {
  type LareqaSummary,
  perQueryJson,
  type PerQueryValues,
  resultSummary,
} from "../eval/lareqa_export.ts";
import { meanCenteredScorer } from "../eval/mean_centered.ts";
import { Bm25Scorer, DenseScorer } from "../eval/scorers.ts";
import { loadEncoder } from "../model/load_encoder.ts";
import { loadKernel } from "../retrieval/kernels.ts";
import type { TrainConfig } from "../train/config.ts";
import { buildModel } from "../train/model_factory.ts";
import { train, type TrainResult } from "../train/trainer.ts";
import { buildTrainingSet } from "../train/training_set.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { InputError } from "../util/errors.ts";
import { cached, folderHash } from "./cache.ts";

/**
 * The entry modules of a training run and of an evaluation: the cache key
 * covers every module they import (`code_hash.ts`), so a change to any code a
 * step can execute — the WebAssembly kernels under `lib/wasm` included —
 * invalidates its entries.
 */
export const TRAIN_ENTRIES: readonly URL[] = [
  "../train/training_set.ts",
  "../train/model_factory.ts",
  "../train/trainer.ts",
].map((p) => new URL(p, import.meta.url));

/** The entry modules of an evaluation (see {@linkcode TRAIN_ENTRIES}). */
export const EVAL_ENTRIES: readonly URL[] = [
  "../data/xquad_r.ts",
  "../data/mlqa_r.ts",
  "../data/tokenizer.ts",
  "../eval/lareqa.ts",
  "../eval/lareqa_export.ts",
  "../eval/scorers.ts",
  "../eval/mean_centered.ts",
  "../model/load_encoder.ts",
  "../retrieval/kernels.ts",
].map((p) => new URL(p, import.meta.url));

/** The data a step reads, by folder of the data directory (plus FreeDict for translation pairs). */
const TRAIN_DATA: Record<string, string[]> = {
  ict: ["parallel/ntrex128", "parallel/flores200", "vocab"],
  qa: ["xquad-r", "mlqa-r", "vocab"],
  translation: ["parallel", "xquad-r", "mlqa-r", "vocab", "/usr/share/dictd"],
};

function dataFolders(names: readonly string[], dataDir: string): string[] {
  return names.map((n) => (n.startsWith("/") ? n : join(dataDir, n)));
}

/** What a model's `run.json` reports of its training (an initialisation: status `"initialised"`, 0 steps). */
export type RunResult = Omit<TrainResult, "status"> & {
  status: TrainResult["status"] | "initialised";
};

/** A trained (or only initialised) model in the cache. */
export interface TrainedModel {
  key: string;
  /** The model directory (Hugging Face layout). */
  modelDir: string;
  /** The run's `run.json`. */
  run: { result: RunResult; backend: string; [k: string]: unknown };
  /** True when it was trained by this call. */
  fresh: boolean;
}

/**
 * Trains `config` (or loads the cached result).
 *
 * @example
 * ```ts ignore
 * import { trainCached } from "./runs.ts";
 * const { modelDir } = await trainCached(config);
 * ```
 */
export async function trainCached(
  config: TrainConfig,
  dataDir = resolveDataDir(),
): Promise<TrainedModel> {
  const data = await folderHash(dataFolders(TRAIN_DATA[config.data.protocol], dataDir));
  const entry = await cached("train", { config, data }, async (dir) => {
    const set = await buildTrainingSet(config.data, config.seed, dataDir);
    const { model, backend } = await buildModel(config, dataDir);
    try {
      await train({
        config,
        outDir: dir,
        model,
        data: set,
        backend,
        checkpointSeconds: Infinity,
        finalCheckpoint: false,
      });
    } finally {
      model.dispose();
    }
  }, TRAIN_ENTRIES);
  const run = JSON.parse(await Deno.readTextFile(join(entry.dir, "run.json")));
  return { key: entry.key, modelDir: join(entry.dir, "model"), run, fresh: entry.fresh };
}

/** The data a fresh model's initialisation reads (the idf scales' unlabelled text). */
const INIT_DATA = ["parallel", "vocab"];

/**
 * The model a config would start training from, saved untrained (or loaded
 * from the cache): a null base "without fine-tuning" at a seed is exactly the
 * initialisation that seed's fine-tuning runs start from. Keyed by the model
 * section and the seed only, so variants that build the same model share it.
 * (Tested in `runs_test.ts` on the shared data.)
 */
export async function initCached(
  config: TrainConfig,
  dataDir = resolveDataDir(),
): Promise<TrainedModel> {
  const data = await folderHash(dataFolders(INIT_DATA, dataDir));
  const inputs = { model: config.model, seed: config.seed, data };
  const entry = await cached("init", inputs, async (dir) => {
    const t0 = performance.now();
    const { model, backend } = await buildModel(config, dataDir);
    try {
      await model.save(join(dir, "model"));
    } finally {
      model.dispose();
    }
    const result: RunResult = {
      status: "initialised",
      steps: 0,
      bestStep: null,
      bestValLoss: null,
      seconds: (performance.now() - t0) / 1000,
      pairsPerSecond: 0,
      modelDir: join(dir, "model"),
    };
    await writeJsonAtomic(join(dir, "run.json"), {
      name: config.name,
      model: config.model,
      seed: config.seed,
      backend,
      result,
    });
  }, TRAIN_ENTRIES);
  const run = JSON.parse(await Deno.readTextFile(join(entry.dir, "run.json")));
  return { key: entry.key, modelDir: join(entry.dir, "model"), run, fresh: entry.fresh };
}

/** Evaluation settings that change results. */
export interface EvalSettings {
  /** First N questions per language (0 = all). */
  maxQueries: number;
  /** MLQA-R from LAReQA's files or rebuilt from MLQA dev. */
  mlqaSource: "lareqa" | "rebuild";
}

/** An evaluation in the cache: the summary and the per-query values. */
export interface EvalRecord {
  key: string;
  summary: LareqaSummary;
  perQuery: PerQueryValues;
}

const datasets = new Map<string, Promise<LareqaDataset>>();

function loadDataset(
  name: string,
  settings: EvalSettings,
  dataDir: string,
): Promise<LareqaDataset> {
  const key = `${name}:${settings.mlqaSource}:${dataDir}`;
  let ds = datasets.get(key);
  if (!ds) {
    ds = name === "xquad-r"
      ? loadXquadR({ dataDir })
      : loadMlqaR({ dataDir, source: settings.mlqaSource });
    datasets.set(key, ds);
  }
  return ds;
}

/**
 * Evaluates a trained model (by its cache key and directory) or BM25 (`model =
 * "bm25"`) on `dataset` (or loads the cached result).
 *
 * @example
 * ```ts ignore
 * import { evaluateCached } from "./runs.ts";
 * const bm25 = await evaluateCached("bm25", null, "xquad-r", { maxQueries: 0, mlqaSource: "lareqa" });
 * ```
 */
export async function evaluateCached(
  model: "bm25" | TrainedModel,
  dataset: "xquad-r" | "mlqa-r",
  settings: EvalSettings,
  dataDir = resolveDataDir(),
  variant: "plain" | "mean-centered" = "plain",
): Promise<EvalRecord> {
  const folders = dataset === "xquad-r" ? ["xquad-r", "vocab"] : ["mlqa-r", "mlqa/dev", "vocab"];
  const data = await folderHash(dataFolders(folders, dataDir));
  const modelKey = model === "bm25" ? "bm25" : model.key;
  if (model === "bm25" && variant !== "plain") {
    throw new InputError(`BM25 has no ${variant} variant (it has no embeddings)`);
  }
  const inputs = variant === "plain"
    ? { model: modelKey, dataset, settings, data }
    : { model: modelKey, dataset, settings, data, variant };
  const entry = await cached("eval", inputs, async (dir) => {
    const ds = await loadDataset(dataset, settings, dataDir);
    let result: LareqaResult;
    if (model === "bm25") {
      result = evaluateLareqa(ds, new Bm25Scorer(await loadMbertTokenizer(dataDir)), {
        maxQueries: settings.maxQueries,
      });
    } else {
      const encoder = await loadEncoder(model.modelDir);
      try {
        const kernel = await loadKernel();
        const scorer = variant === "mean-centered"
          ? meanCenteredScorer(modelKey.slice(0, 8), encoder, kernel, { progress: false })
          : new DenseScorer(modelKey.slice(0, 8), encoder, kernel, { progress: false });
        result = evaluateLareqa(ds, scorer, { maxQueries: settings.maxQueries });
      } finally {
        encoder.dispose();
      }
    }
    await writeJsonAtomic(join(dir, "summary.json"), resultSummary(result));
    await writeJsonAtomic(join(dir, "per_query.json"), perQueryJson(result));
  }, EVAL_ENTRIES);
  return {
    key: entry.key,
    summary: JSON.parse(await Deno.readTextFile(join(entry.dir, "summary.json"))),
    perQuery: JSON.parse(await Deno.readTextFile(join(entry.dir, "per_query.json"))),
  };
}
