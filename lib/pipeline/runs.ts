/**
 * The cached steps of an experiment: train a model from a config, evaluate a
 * model (or BM25) on a LAReQA dataset. Each result is a cache entry keyed by
 * its inputs, the library code and the data it reads (`cache.ts`), so a rerun
 * with nothing changed loads results instead of recomputing them.
 *
 * @module
 */

import { join, resolve, sep } from "node:path";
import { DICTD_DIR } from "../data/freedict.ts";
import { LOCALE_DIR } from "../data/gettext.ts";
import { LIBREOFFICE_HELP_DIR } from "../data/libreoffice_help.ts";
import { LIBREOFFICE_RESOURCE_DIR } from "../data/libreoffice_ui.ts";
import { resolveDataDir } from "../data/data_dir.ts";
import { loadMlqaR } from "../data/mlqa_r.ts";
import { loadMbertTokenizer, loadTokenizer } from "../data/tokenizer.ts";
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
import { TranslatedBm25Scorer } from "../eval/bm25_translated.ts";
import { type Lexicon, loadLexicon } from "../eval/query_translation.ts";
import { Bm25Scorer, DenseScorer } from "../eval/scorers.ts";
import { loadKernel } from "../retrieval/kernels.ts";
import type { TrainConfig } from "../train/config.ts";
import { buildModel, svdVectors } from "../train/model_factory.ts";
import type { SvdTokenVectors } from "../train/svd_init.ts";
import { train, type TrainResult } from "../train/trainer.ts";
import { buildTrainingSet } from "../train/training_set.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { InputError } from "../util/errors.ts";
import { cached, cacheKey, cacheRoot, folderHash } from "./cache.ts";
import { loadEvalEncoder } from "./eval_encoder.ts";

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

/** The entry module of the SVD block of an `init: "svd"` model ({@linkcode svdCached}). */
export const SVD_ENTRIES: readonly URL[] = [new URL("../train/model_factory.ts", import.meta.url)];

/** The entry modules of an evaluation (see {@linkcode TRAIN_ENTRIES}). */
export const EVAL_ENTRIES: readonly URL[] = [
  "../data/xquad_r.ts",
  "../data/mlqa_r.ts",
  "../data/tokenizer.ts",
  "../eval/lareqa.ts",
  "../eval/lareqa_export.ts",
  "../eval/scorers.ts",
  "../eval/mean_centered.ts",
  "../eval/bm25_translated.ts",
  "../eval/query_translation.ts",
  "../model/load_encoder.ts",
  "./eval_encoder.ts",
  "../retrieval/kernels.ts",
].map((p) => new URL(p, import.meta.url));

/** The data a step reads, by folder of the data directory (plus FreeDict for translation pairs). */
const TRAIN_DATA: Record<string, string[]> = {
  ict: ["parallel/ntrex128", "parallel/flores200", "vocab"],
  qa: ["xquad-r", "mlqa-r", "vocab"],
  translation: ["parallel", "xquad-r", "mlqa-r", "vocab"],
};

/** The system folders a pair source or an ICT corpus reads (Debian packages). */
const SOURCE_DIRS: Record<string, string> = {
  freedict: DICTD_DIR,
  gettext: LOCALE_DIR,
  "libreoffice-ui": LIBREOFFICE_RESOURCE_DIR,
  "libreoffice-help": LIBREOFFICE_HELP_DIR,
};

/**
 * The folders a fresh model's initialisation reads: the unlabelled text of
 * the idf statistics (`parallel/`) and the vocabulary; for `init: "svd"` also
 * the evaluation sets (their texts are kept out of the parallel text) and the
 * Debian folders of its pair sources. A model started from `initFrom` reads
 * none (its directory is an upstream entry, part of the config).
 */
export function initDataFolders(model: TrainConfig["model"], dataDir: string): string[] {
  if (model.initFrom !== null) return [];
  const names = ["parallel", "vocab"];
  if (model.init === "svd") {
    names.push("xquad-r", "mlqa-r");
    for (const s of model.svdSources) if (SOURCE_DIRS[s]) names.push(SOURCE_DIRS[s]);
  }
  return dataFolders(names, dataDir);
}

/**
 * Every folder a training run reads: its protocol's, the Debian folders of the
 * pair sources and ICT corpora it names, and its initialisation's
 * ({@linkcode initDataFolders}).
 */
export function trainDataFolders(config: TrainConfig, dataDir: string): string[] {
  const names = [...TRAIN_DATA[config.data.protocol]];
  const sources = new Set<string>(config.data.corpora);
  if (config.data.protocol === "translation") {
    for (const s of config.data.sources) {
      sources.add(s);
    }
  }
  for (const s of [...sources].sort()) if (SOURCE_DIRS[s]) names.push(SOURCE_DIRS[s]);
  const all = new Set([...dataFolders(names, dataDir), ...initDataFolders(config.model, dataDir)]);
  return [...all].sort();
}

function dataFolders(names: readonly string[], dataDir: string): string[] {
  return names.map((n) => (n.startsWith("/") ? n : join(dataDir, n)));
}

/**
 * What a model's `run.json` reports of its training (an initialisation:
 * status `"initialised"`, 0 steps; a model folder used as it is, a base of
 * the grid given by path: `"given"`, 0 steps).
 */
export type RunResult = Omit<TrainResult, "status"> & {
  status: TrainResult["status"] | "initialised" | "given";
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

/** Where a step's code is: its entry modules, and the root their paths are taken from. */
export interface StepCode {
  entries: readonly (string | URL)[];
  /** Default: the checkout root. */
  root?: string;
}

/** True when `dir` lies in the cache (an entry's model: its key already covers it). */
function inCache(dir: string): boolean {
  return resolve(dir).startsWith(resolve(cacheRoot()) + sep);
}

/**
 * What a training run's cache key covers besides the code: the config and its
 * data, and for a run started from a model folder outside the cache (a
 * checkpoint given by path) the hash of that folder's files, `initFrom` (a
 * cache entry's model is covered by its key, part of the config's path).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainInputs } from "./runs.ts";
 * import { resolveConfig } from "../train/config.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * const dataDir = await writeTinyDataDir();
 * const plain = await trainInputs(resolveConfig({}), dataDir);
 * assert.deepEqual(Object.keys(plain), ["config", "data"]);
 * const folder = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${folder}/config.json`, "{}");
 * const given = await trainInputs(resolveConfig({ model: { initFrom: folder } }), dataDir);
 * assert.equal(given.initFrom?.length, 64);
 * ```
 */
export async function trainInputs(
  config: TrainConfig,
  dataDir: string = resolveDataDir(),
): Promise<{ config: TrainConfig; data: string; initFrom?: string }> {
  const inputs = { config, data: await folderHash(trainDataFolders(config, dataDir)) };
  const from = config.model.initFrom;
  if (from === null || inCache(from)) return inputs;
  return { ...inputs, initFrom: await folderHash([from]) };
}

/** True when a fresh model of this section starts from an SVD block ({@linkcode svdCached}). */
export function usesSvd(model: TrainConfig["model"]): boolean {
  return model.architecture === "static" && model.init === "svd" && model.initFrom === null;
}

const svdLoads = new Map<string, Promise<SvdTokenVectors>>();

/**
 * The SVD block of an `init: "svd"` model section (`undefined` for any other
 * model), computed once into the cache and read from there — by every
 * pre-training seed and every process, which would otherwise each compute
 * the same minutes-long factorisation. Keyed by the settings that shape it
 * (tokenizer, rank, eigenvalue power, sources, pair cap) and the data it
 * reads ({@linkcode initDataFolders}); kept as `vectors.f32` (`vocab × rank`
 * float32, little-endian) beside `svd.json` (the other fields).
 *
 * @throws {InputError} when a cached `vectors.f32` does not have the size its
 *   `svd.json` states.
 */
export async function svdCached(
  model: TrainConfig["model"],
  dataDir: string = resolveDataDir(),
): Promise<SvdTokenVectors | undefined> {
  if (!usesSvd(model)) return undefined;
  const inputs = {
    tokenizer: model.tokenizer,
    rank: model.svdRank,
    eigenPower: model.svdEigenPower,
    sources: model.svdSources,
    maxPairsPerSource: model.svdMaxPairsPerSource,
    data: await folderHash(initDataFolders(model, dataDir)),
  };
  let computed: SvdTokenVectors | undefined;
  const entry = await cached("svd", inputs, async (dir) => {
    const tokenizer = model.tokenizer
      ? await loadTokenizer(model.tokenizer)
      : await loadMbertTokenizer(dataDir);
    computed = await svdVectors(tokenizer, model, dataDir);
    const { vectors, ...rest } = computed;
    await Deno.writeFile(
      join(dir, "vectors.f32"),
      new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength),
    );
    await writeJsonAtomic(join(dir, "svd.json"), { ...rest, length: vectors.length });
  }, SVD_ENTRIES);
  // The process that computed the block keeps it instead of reading it back.
  if (entry.fresh && computed) svdLoads.set(entry.dir, Promise.resolve(computed));
  let got = svdLoads.get(entry.dir);
  if (!got) {
    got = (async () => {
      const meta = JSON.parse(await Deno.readTextFile(join(entry.dir, "svd.json")));
      const file = join(entry.dir, "vectors.f32");
      const bytes = await Deno.readFile(file);
      if (bytes.byteLength !== meta.length * 4) {
        throw new InputError(
          `${file}: ${bytes.byteLength} bytes, but svd.json says ${meta.length} float32 values ` +
            `(${meta.length * 4} bytes); delete ${entry.dir} to recompute it`,
        );
      }
      const vectors = new Float32Array(meta.length);
      new Uint8Array(vectors.buffer).set(bytes);
      const { length: _, ...rest } = meta;
      return { ...rest, vectors } as SvdTokenVectors;
    })();
    svdLoads.set(entry.dir, got);
    got.catch(() => svdLoads.delete(entry.dir));
  }
  return got;
}

/**
 * The cache key of training `config`: it moves with the config, the data it
 * reads and every module the training can execute, and only with them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainKey } from "./runs.ts";
 * import { resolveConfig } from "../train/config.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * const dataDir = await writeTinyDataDir();
 * const a = await trainKey(resolveConfig({ optim: { lr: 0.05 } }), dataDir);
 * assert.equal(a, await trainKey(resolveConfig({ optim: { lr: 0.05 } }), dataDir));
 * assert.notEqual(a, await trainKey(resolveConfig({ optim: { lr: 0.1 } }), dataDir));
 * ```
 */
export async function trainKey(
  config: TrainConfig,
  dataDir: string = resolveDataDir(),
  code: StepCode = { entries: TRAIN_ENTRIES },
): Promise<string> {
  return (await cacheKey("train", await trainInputs(config, dataDir), code.entries, code.root)).key;
}

/**
 * Trains `config` (or loads the cached result, whose key is {@linkcode trainKey}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainCached, trainKey } from "./runs.ts";
 * import { resolveConfig } from "../train/config.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * import { setCacheRoot } from "./cache.ts";
 * setCacheRoot(await Deno.makeTempDir());
 * const dataDir = await writeTinyDataDir();
 * const config = resolveConfig({
 *   model: { dim: 8 },
 *   data: { protocol: "ict", languages: ["de", "en"], validFraction: 0 },
 *   sampling: { batchSize: 2, uniqueGroups: false },
 *   train: { epochs: 1 },
 * });
 * const { key, modelDir, fresh } = await trainCached(config, dataDir);
 * assert(fresh && key === await trainKey(config, dataDir));
 * assert(Deno.statSync(`${modelDir}/model.safetensors`).isFile);
 * assert.equal((await trainCached(config, dataDir)).fresh, false); // loaded from the cache
 * ```
 */
export async function trainCached(
  config: TrainConfig,
  dataDir: string = resolveDataDir(),
): Promise<TrainedModel> {
  const entry = await cached("train", await trainInputs(config, dataDir), async (dir) => {
    const set = await buildTrainingSet(config.data, config.seed, dataDir);
    const { model, backend } = await buildModel(config, dataDir, {
      svd: await svdCached(config.model, dataDir),
    });
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

/**
 * The model a config would start training from, saved untrained (or loaded
 * from the cache): a null base "without fine-tuning" at a seed is exactly the
 * initialisation that seed's fine-tuning runs start from. Keyed by the model
 * section and the seed only, so variants that build the same model share it.
 * (Tested in `runs_test.ts` on the shared data.)
 */
export async function initCached(
  config: TrainConfig,
  dataDir: string = resolveDataDir(),
): Promise<TrainedModel> {
  const data = await folderHash(initDataFolders(config.model, dataDir));
  const inputs = { model: config.model, seed: config.seed, data };
  const entry = await cached("init", inputs, async (dir) => {
    const t0 = performance.now();
    const { model, backend } = await buildModel(config, dataDir, {
      svd: await svdCached(config.model, dataDir),
    });
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
  /**
   * Tokens (prefix and special tokens included) at which a dense model's
   * queries and passages are cut in evaluation; absent: the model's own
   * `max_length`, the length it was trained at. Lexical baselines read
   * whole texts whatever this says, so it is not part of their keys.
   */
  maxLength?: number;
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

/** How a model's embeddings are scored: as they are, or mean-centred per language (`mean_centered.ts`). */
export type EvalVariant = "plain" | "mean-centered";

/**
 * The lexical models: BM25 (the paper's lexical anchor) and BM25 with
 * dictionary query translation (FreeDict and the software strings of the
 * gettext/LibreOffice catalogs, `lib/eval/bm25_translated.ts`), the standard
 * lexical cross-lingual baseline.
 */
export type LexicalModel = "bm25" | typeof BM25_DICT;

/** The dictionary-translation BM25 baseline's model name. */
export const BM25_DICT = "bm25-dict";

/**
 * What an evaluation's cache key covers besides the code (the variant only
 * when it is not `"plain"`, so plain evaluations keep their keys).
 *
 * @throws {InputError} for BM25 with a variant other than `"plain"`.
 */
export async function evalInputs(
  model: LexicalModel | { key: string },
  dataset: "xquad-r" | "mlqa-r",
  settings: EvalSettings,
  dataDir: string = resolveDataDir(),
  variant: EvalVariant = "plain",
): Promise<
  { model: string; dataset: string; settings: EvalSettings; data: string; variant?: EvalVariant }
> {
  if (typeof model === "string" && variant !== "plain") {
    throw new InputError(`${model} has no ${variant} variant (it has no embeddings)`);
  }
  const folders = dataset === "xquad-r" ? ["xquad-r", "vocab"] : ["mlqa-r", "mlqa/dev", "vocab"];
  // The dictionary baseline's lexicon: FreeDict and the software strings.
  if (model === BM25_DICT) folders.push(DICTD_DIR, LOCALE_DIR, LIBREOFFICE_RESOURCE_DIR);
  const data = await folderHash(dataFolders(folders, dataDir));
  const lexical = typeof model === "string";
  const { maxLength: _, ...lexicalSettings } = settings;
  const inputs = {
    model: lexical ? model : model.key,
    dataset,
    settings: lexical ? lexicalSettings : settings,
    data,
  };
  return variant === "plain" ? inputs : { ...inputs, variant };
}

/**
 * The cache key of an evaluation: it moves with the model's key (so with
 * everything that trained it), the dataset, the settings, the variant, the
 * data read and every module the evaluation can execute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evalKey } from "./runs.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * const dataDir = await writeTinyDataDir();
 * const settings = { maxQueries: 0, mlqaSource: "lareqa" } as const;
 * const bm25 = await evalKey("bm25", "xquad-r", settings, dataDir);
 * const model = { key: "a".repeat(64) };
 * assert.notEqual(bm25, await evalKey(model, "xquad-r", settings, dataDir));
 * assert.notEqual(bm25, await evalKey("bm25", "xquad-r", { ...settings, maxQueries: 60 }, dataDir));
 * assert.notEqual(
 *   await evalKey(model, "xquad-r", settings, dataDir),
 *   await evalKey(model, "xquad-r", settings, dataDir, "mean-centered"),
 * );
 * ```
 */
export async function evalKey(
  model: "bm25" | { key: string },
  dataset: "xquad-r" | "mlqa-r",
  settings: EvalSettings,
  dataDir: string = resolveDataDir(),
  variant: EvalVariant = "plain",
  code: StepCode = { entries: EVAL_ENTRIES },
): Promise<string> {
  const inputs = await evalInputs(model, dataset, settings, dataDir, variant);
  return (await cacheKey("eval", inputs, code.entries, code.root)).key;
}

let lexiconOnce: Promise<Lexicon> | null = null;

/** The dictionary BM25's lexicon (FreeDict + software strings), built once per process: it is only read. */
function dictionaryLexicon(): Promise<Lexicon> {
  lexiconOnce ??= loadLexicon({ software: true }).catch((err) => {
    lexiconOnce = null;
    throw err;
  });
  return lexiconOnce;
}

/**
 * Evaluates a trained model (by its cache key and directory) or BM25 (`model =
 * "bm25"`) on `dataset` (or loads the cached result, whose key is {@linkcode evalKey}),
 * with the model's embeddings as they are or mean-centred per language (`variant`).
 * Transformer checkpoints encode on ONNX Runtime (`eval_encoder.ts`), static
 * models on their own kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateCached } from "./runs.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * import { setCacheRoot } from "./cache.ts";
 * setCacheRoot(await Deno.makeTempDir());
 * const settings = { maxQueries: 0, mlqaSource: "lareqa" } as const;
 * const bm25 = await evaluateCached("bm25", "xquad-r", settings, await writeTinyDataDir());
 * assert.equal(bm25.summary.langs.length, 11);
 * assert.equal(bm25.summary.mono.map, 1);
 * ```
 */
export async function evaluateCached(
  model: LexicalModel | TrainedModel,
  dataset: "xquad-r" | "mlqa-r",
  settings: EvalSettings,
  dataDir: string = resolveDataDir(),
  variant: EvalVariant = "plain",
): Promise<EvalRecord> {
  const modelKey = typeof model === "string" ? model : model.key;
  const inputs = await evalInputs(model, dataset, settings, dataDir, variant);
  const entry = await cached("eval", inputs, async (dir) => {
    const ds = await loadDataset(dataset, settings, dataDir);
    let result: LareqaResult;
    if (model === "bm25") {
      result = evaluateLareqa(ds, new Bm25Scorer(await loadMbertTokenizer(dataDir)), {
        maxQueries: settings.maxQueries,
      });
    } else if (model === BM25_DICT) {
      const lexicon = await dictionaryLexicon();
      const scorer = new TranslatedBm25Scorer(await loadMbertTokenizer(dataDir), lexicon);
      result = evaluateLareqa(ds, scorer, { maxQueries: settings.maxQueries });
    } else {
      const encoder = await loadEvalEncoder(model.modelDir, { maxLength: settings.maxLength });
      try {
        const kernel = await loadKernel();
        // The run's name (e.g. P1/aligned/hybrid/seed1) labels the progress line, not its hash.
        const name = typeof model.run.name === "string" ? model.run.name : modelKey.slice(0, 8);
        const scorer = variant === "mean-centered"
          ? meanCenteredScorer(name, encoder, kernel, { progress: false })
          : new DenseScorer(name, encoder, kernel, { progress: false });
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
