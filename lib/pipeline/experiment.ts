/**
 * The experiment grid behind the notebooks: base model × training protocol ×
 * batch strategy × seed, each trained model evaluated zero-shot on the
 * datasets its protocol allows (never the one it was trained on), plus BM25
 * and the α sweep. Every step is cached (`runs.ts`), so notebooks that share
 * the grid pay for it once.
 *
 * The config (`configs/experiment.json`, `configs/experiment.quick.json`):
 *
 * ```json
 * {
 *   "name": "full",
 *   "seeds": [1, 2, 3],
 *   "strategies": { "X-X": 1, "X-Y": 0, "hybrid": 0.5 },
 *   "bases": {
 *     "unaligned": null,
 *     "aligned": { "config": "configs/base_aligned.json", "pretrainSeeds": [1, 2] },
 *     "LaBSE": { "model": "models/labse" }
 *   },
 *   "finetune": {
 *     "P1": { "protocol": "P1", "config": "configs/p1_ict.json", "evaluate": ["xquad-r", "mlqa-r"] },
 *     "P2-mlqa": { "protocol": "P2", "config": "configs/p2_mlqa.json", "evaluate": ["xquad-r"] },
 *     "P2-xquad": { "protocol": "P2", "config": "configs/p2_xquad.json", "evaluate": ["mlqa-r"] }
 *   },
 *   "alphaSweep": { "alphas": [0, 0.25, 0.5, 0.75, 1], "base": "aligned", "finetune": "P1", "seeds": [1, 2, 3] },
 *   "eval": { "maxQueries": 0, "mlqaSource": "lareqa" },
 *   "meanCentering": ["X-X"],
 *   "trainOverrides": {},
 *   "baseOverrides": {}
 * }
 * ```
 *
 * A base of `null` is a fresh random initialisation (seeded by the run's
 * seed): the *unaligned* stand-in for XLM-R, with no cross-lingual signal
 * before fine-tuning; it is also evaluated as it is, at every seed (the
 * "no fine-tuning" baseline of each seed's runs). A base with a config is the
 * *aligned* stand-in for LaBSE: pre-trained once per seed of `pretrainSeeds`
 * (default: once, with the config's own seed; a bare path is that default),
 * and fine-tuning seed `s` starts from pre-training number `(s − 1) mod n`
 * (round-robin; {@linkcode pretrainSeedFor}), so that seeds replicate the
 * pre-training as well as the fine-tuning. A base `{ "model": path }` is a
 * model folder used as it is (e.g. XLM-R or LaBSE from Hugging Face;
 * `given_model.ts`): checked before anything runs (it exists and loads),
 * evaluated without fine-tuning once (seed 0), and the start of every
 * fine-tuning seed; its cache key is the hash of the folder's files.
 * `configs/experiment.real.json` is the paper's grid on the two real bases.
 *
 * `dictionaryBm25` (optional, default false) adds BM25 with dictionary query
 * translation (`lib/eval/bm25_translated.ts`) as an extra baseline row.
 *
 * `meanCentering` (optional) lists strategies (or `"no fine-tuning"`) whose
 * models are also evaluated with post-hoc per-language mean-centering
 * (`lib/eval/mean_centered.ts`): extra baseline rows, as any other scorer
 * that is not a batch strategy (`ExperimentResults.extra`).
 *
 * With `workers` > 1 (`XLIR_WORKERS`; `deno task reproduce` sets it to
 * {@linkcode defaultWorkers}), the grid's steps ({@linkcode gridJobs}: the
 * pre-trainings first, a fine-tuning once its base is done) run in that many
 * processes side by side, each taking the next unclaimed step
 * (`job_pool.ts`), with the cores split between them (`XLIR_THREADS`); this
 * process then collects the grid from the cache, in order. Every step is the
 * same computation in either case — the kernels give the same bits on any
 * number of threads — so the results are identical; only the timings in the
 * runs' records differ.
 *
 * @module
 */

import { resolveDataDir } from "../data/data_dir.ts";
import { loadConfig, resolveConfig, type TrainConfig } from "../train/config.ts";
import { deepMerge } from "../util/deep_merge.ts";
import { InputError } from "../util/errors.ts";
import { fromRoot } from "../util/root.ts";
import { progressLine } from "../util/progress.ts";
import { join } from "node:path";
import { threadCount } from "../wasm/thread_pool.ts";
import { cacheRoot } from "./cache.ts";
import { givenModel } from "./given_model.ts";
import { type Job, workJobs, type WorkSummary } from "./job_pool.ts";
import {
  BM25_DICT,
  type EvalRecord,
  type EvalSettings,
  evaluateCached,
  initCached,
  svdCached,
  trainCached,
  type TrainedModel,
  usesSvd,
} from "./runs.ts";

/** A fine-tuning protocol variant: its training config and the datasets its models are evaluated on. */
export interface FinetuneSpec {
  /** `"P1"` (ICT on parallel documents) or `"P2"` (QA pairs of the other dataset). */
  protocol: string;
  config: string;
  evaluate: ("xquad-r" | "mlqa-r")[];
}

/**
 * A base model: a fresh initialisation (`config: null`), a pre-training
 * config and its seeds, or a model folder used as it is (`model`).
 */
export interface BaseSpec {
  config: string | null;
  /** Seeds of the independent pre-trainings; null = once, with the config's own seed. */
  pretrainSeeds: number[] | null;
  /** A model folder used as it is, no pre-training (relative paths from the checkout root). */
  model?: string;
}

/** The experiment grid. */
export interface ExperimentConfig {
  name: string;
  seeds: number[];
  strategies: Record<string, number>;
  bases: Record<string, BaseSpec>;
  finetune: Record<string, FinetuneSpec>;
  alphaSweep: { alphas: number[]; base: string; finetune: string; seeds: number[] } | null;
  eval: EvalSettings;
  trainOverrides: Record<string, unknown>;
  baseOverrides: Record<string, unknown>;
  /** Strategies (or `"no fine-tuning"`) also evaluated with per-language mean-centering. */
  meanCentering: string[];
  /** Also evaluate BM25 with dictionary query translation (default false). */
  dictionaryBm25: boolean;
  /** Where the config was read from (relative paths in it are from the checkout root). */
  source: string;
}

/** One evaluated model of the grid. */
export interface RunRecord {
  finetune: string;
  protocol: string;
  base: string;
  /** Strategy name, or `α=<value>` for sweep-only points. */
  strategy: string;
  alpha: number;
  seed: number;
  /** The seed of the base model the run started from: its pre-training, or its initialisation (= `seed`). */
  baseSeed: number;
  /** Dataset the model was evaluated on. */
  dataset: string;
  model: TrainedModel;
  eval: EvalRecord;
}

/** A base model evaluated as it is, before fine-tuning. */
export interface BaseRecord {
  base: string;
  /** Its pre-training seed, or its initialisation seed (null bases). */
  seed: number;
  /** The fine-tuning variants whose runs start from it. */
  finetunes: string[];
  dataset: string;
  model: TrainedModel;
  eval: EvalRecord;
}

/**
 * A model that is not a batch strategy of the grid — a post-hoc variant of a
 * grid model (mean-centering) or another scorer (e.g. BM25 with query
 * translation): one row per (name, finetune, dataset, base) in the tables.
 */
export interface ExtraRecord {
  /** The row's label, e.g. `"X-X + mean-centering"`. */
  name: string;
  /** `"—"` when it belongs to no fine-tuning variant or base. */
  finetune: string;
  base: string;
  /** The strategy it post-processes (`"no fine-tuning"` for a base), or null. */
  of: string | null;
  seed: number | null;
  dataset: string;
  eval: EvalRecord;
}

/** Everything the grid produced. */
export interface ExperimentResults {
  config: ExperimentConfig;
  runs: RunRecord[];
  /** Base models evaluated as they are, before fine-tuning: every pre-training, every null base's seed. */
  bases: BaseRecord[];
  bm25: { dataset: string; eval: EvalRecord }[];
  /** Extra baseline models (post-hoc variants, other scorers). */
  extra: ExtraRecord[];
}

/** The dictionary-translation BM25 baseline's row name in the tables. */
export const DICTIONARY_BM25_NAME = "BM25 + dictionary";

/** The name of a strategy's mean-centred variant in the tables. */
export const meanCenteredName = (strategy: string): string => `${strategy} + mean-centering`;

/**
 * The pre-training a fine-tuning seed starts from: round-robin over the
 * pre-training seeds, `pretrainSeeds[(seed − 1) mod n]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pretrainSeedFor } from "./experiment.ts";
 * assert.deepEqual([1, 2, 3, 4, 5].map((s) => pretrainSeedFor([11, 12], s)), [11, 12, 11, 12, 11]);
 * ```
 */
export function pretrainSeedFor(pretrainSeeds: readonly number[], seed: number): number {
  const n = pretrainSeeds.length;
  return pretrainSeeds[(((seed - 1) % n) + n) % n];
}

type Json = Record<string, unknown>;

function seedList(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(Number.isSafeInteger)) {
    throw new InputError(
      `${where} is ${JSON.stringify(value)}, expected a non-empty list of integer seeds`,
    );
  }
  if (new Set(value).size !== value.length) {
    throw new InputError(`${where} lists a seed twice: ${JSON.stringify(value)}`);
  }
  return value as number[];
}

function baseSpec(value: unknown, where: string): BaseSpec {
  if (value === null) return { config: null, pretrainSeeds: null };
  if (typeof value === "string") return { config: value, pretrainSeeds: null };
  if (value && typeof value === "object" && "model" in value) {
    const v = value as Json;
    const extra = Object.keys(v).filter((k) => k !== "model");
    if (typeof v.model !== "string" || v.model === "" || extra.length > 0) {
      throw new InputError(
        `${where} is ${JSON.stringify(value)}, expected { "model": path } (a model folder` +
          ` used as it is, nothing else beside it)`,
      );
    }
    return { config: null, pretrainSeeds: null, model: v.model };
  }
  if (value && typeof value === "object" && typeof (value as Json).config === "string") {
    const v = value as Json;
    return {
      config: v.config as string,
      pretrainSeeds: v.pretrainSeeds === undefined
        ? null
        : seedList(v.pretrainSeeds, `${where}.pretrainSeeds`),
    };
  }
  throw new InputError(
    `${where} is ${
      JSON.stringify(value)
    }, expected null, a config path, { "config": path, "pretrainSeeds": [...] } or { "model": path }`,
  );
}

/**
 * Reads an experiment config.
 *
 * @throws {InputError} naming the file and the field.
 */
export async function loadExperiment(path: string): Promise<ExperimentConfig> {
  let raw: Json;
  try {
    raw = JSON.parse(await Deno.readTextFile(fromRoot(path)));
  } catch (err) {
    throw new InputError(`Cannot read experiment config ${path}: ${(err as Error).message}`);
  }
  return parseExperiment(raw, path);
}

/**
 * Validates a parsed experiment config (see the module's doc for the fields).
 *
 * @throws {InputError} naming the file and the field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseExperiment } from "./experiment.ts";
 * const exp = parseExperiment({
 *   name: "t", seeds: [1, 2], strategies: { "X-X": 1 }, finetune: {}, eval: { maxQueries: 5, mlqaSource: "lareqa" },
 *   bases: { unaligned: null, aligned: { config: "configs/base_aligned.json", pretrainSeeds: [1, 2] } },
 * }, "t.json");
 * assert.deepEqual(exp.bases.aligned.pretrainSeeds, [1, 2]);
 * assert.deepEqual(exp.meanCentering, []);
 * ```
 */
export function parseExperiment(raw: Json, path: string): ExperimentConfig {
  const need = ["name", "seeds", "strategies", "bases", "finetune", "eval"];
  for (const k of need) if (!(k in raw)) throw new InputError(`${path}: "${k}" is missing`);
  const bases = raw.bases;
  if (!bases || typeof bases !== "object" || Array.isArray(bases)) {
    throw new InputError(`${path}: "bases" must be an object of base name → spec`);
  }
  const exp = {
    alphaSweep: null,
    trainOverrides: {},
    baseOverrides: {},
    meanCentering: [],
    dictionaryBm25: false,
    ...raw,
    seeds: seedList(raw.seeds, `${path}: seeds`),
    bases: Object.fromEntries(
      Object.entries(bases as Json).map(([k, v]) => [k, baseSpec(v, `${path}: bases.${k}`)]),
    ),
    source: path,
  } as unknown as ExperimentConfig;
  for (const [name, spec] of Object.entries(exp.finetune)) {
    for (const d of spec.evaluate) {
      if (d !== "xquad-r" && d !== "mlqa-r") {
        throw new InputError(
          `${path}: finetune.${name}.evaluate has "${d}", expected xquad-r or mlqa-r`,
        );
      }
    }
  }
  if (exp.alphaSweep) {
    if (!(exp.alphaSweep.finetune in exp.finetune)) {
      throw new InputError(
        `${path}: alphaSweep.finetune "${exp.alphaSweep.finetune}" is not in finetune`,
      );
    }
    if (!(exp.alphaSweep.base in exp.bases)) {
      throw new InputError(`${path}: alphaSweep.base "${exp.alphaSweep.base}" is not in bases`);
    }
    seedList(exp.alphaSweep.seeds, `${path}: alphaSweep.seeds`);
  }
  const evalMax = exp.eval?.maxLength;
  if (evalMax !== undefined && !(Number.isInteger(evalMax) && evalMax > 0)) {
    throw new InputError(
      `${path}: eval.maxLength is ${JSON.stringify(evalMax)}, expected a positive integer ` +
        `(tokens per text in evaluation) or no field (each model's own max_length)`,
    );
  }
  if (typeof exp.dictionaryBm25 !== "boolean") {
    throw new InputError(`${path}: "dictionaryBm25" must be true or false`);
  }
  if (!Array.isArray(exp.meanCentering)) {
    throw new InputError(`${path}: "meanCentering" must be a list of strategies`);
  }
  for (const s of exp.meanCentering) {
    if (!(s in exp.strategies) && s !== NO_FINE_TUNING) {
      throw new InputError(
        `${path}: meanCentering has "${s}", expected one of ${
          [...Object.keys(exp.strategies), NO_FINE_TUNING].join(", ")
        }`,
      );
    }
  }
  return exp;
}

/** The strategy label of a base model evaluated as it is. */
export const NO_FINE_TUNING = "no fine-tuning";

async function configFile(path: string, overrides: Json, patch: Json): Promise<TrainConfig> {
  const base = await loadConfig(fromRoot(path));
  return resolveConfig(deepMerge(deepMerge(base as unknown as Json, overrides), patch), path);
}

/** The training config of one grid point. */
export async function finetuneConfig(
  exp: ExperimentConfig,
  finetune: string,
  baseDir: string | null,
  alpha: number,
  seed: number,
  name: string,
): Promise<TrainConfig> {
  const spec = exp.finetune[finetune];
  return await configFile(spec.config, exp.trainOverrides, {
    name,
    seed,
    sampling: { alpha },
    model: baseDir ? { initFrom: baseDir } : {},
  });
}

/** One fine-tuning run of the grid. */
export interface GridPoint {
  finetune: string;
  base: string;
  strategy: string;
  alpha: number;
  seed: number;
  /** The pre-training seed of its base (`pretrainSeedFor`), or the seed itself for a null base. */
  baseSeed: number;
}

/** What the grid trains and evaluates, before anything runs. */
export interface GridPlan {
  /** Bases given as model folders (used as they are), and their paths as the config gives them. */
  given: { base: string; model: string }[];
  /** Pre-trainings per base with a config: its seeds (null = the config's own seed, once). */
  pretrainings: { base: string; seeds: number[] | null }[];
  /** Null bases and the initialisation seeds at which each is evaluated without fine-tuning. */
  inits: { base: string; seeds: number[] }[];
  points: GridPoint[];
}

/**
 * The grid of an experiment: every (finetune, base, strategy, seed), then the
 * α sweep's points that the grid does not have, each with the base seed it
 * starts from.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseExperiment, planGrid } from "./experiment.ts";
 * const exp = parseExperiment({
 *   name: "t", seeds: [1, 2, 3], strategies: { "X-X": 1, "X-Y": 0 }, eval: { maxQueries: 5, mlqaSource: "lareqa" },
 *   finetune: { P1: { protocol: "P1", config: "configs/p1_ict.json", evaluate: ["xquad-r"] } },
 *   bases: { unaligned: null, aligned: { config: "configs/base_aligned.json", pretrainSeeds: [7, 8] } },
 * }, "t.json");
 * const plan = planGrid(exp);
 * assert.equal(plan.points.length, 12);
 * assert.deepEqual(plan.points.filter((p) => p.base === "aligned" && p.strategy === "X-X").map((p) => p.baseSeed), [7, 8, 7]);
 * assert.deepEqual(plan.inits, [{ base: "unaligned", seeds: [1, 2, 3] }]);
 * assert.deepEqual(plan.given, []);
 * ```
 */
export function planGrid(exp: ExperimentConfig): GridPlan {
  const baseSeedOf = (base: string, seed: number) => {
    const spec = exp.bases[base];
    if (!spec) throw new InputError(`${exp.source}: unknown base "${base}"`);
    if (spec.model !== undefined) return GIVEN_SEED;
    if (spec.config === null) return seed;
    return spec.pretrainSeeds ? pretrainSeedFor(spec.pretrainSeeds, seed) : BASE_OWN_SEED;
  };
  const points: GridPoint[] = [];
  for (const finetune of Object.keys(exp.finetune)) {
    for (const base of Object.keys(exp.bases)) {
      for (const [strategy, alpha] of Object.entries(exp.strategies)) {
        for (const seed of exp.seeds) {
          points.push({ finetune, base, strategy, alpha, seed, baseSeed: baseSeedOf(base, seed) });
        }
      }
    }
  }
  if (exp.alphaSweep) {
    const { alphas, base, finetune, seeds } = exp.alphaSweep;
    for (const alpha of alphas) {
      for (const seed of seeds) {
        const known = points.some((p) =>
          p.finetune === finetune && p.base === base && p.alpha === alpha && p.seed === seed
        );
        if (!known) {
          points.push({
            finetune,
            base,
            strategy: `α=${alpha}`,
            alpha,
            seed,
            baseSeed: baseSeedOf(base, seed),
          });
        }
      }
    }
  }
  const pretrainings = Object.entries(exp.bases).filter(([, s]) => s.config !== null)
    .map(([base, s]) => ({ base, seeds: s.pretrainSeeds }));
  const given = Object.entries(exp.bases).filter(([, s]) => s.model !== undefined)
    .map(([base, s]) => ({ base, model: s.model! }));
  const inits = Object.entries(exp.bases).filter(([, s]) => s.config === null && !s.model).map((
    [base],
  ) => ({
    base,
    seeds: [...new Set(points.filter((p) => p.base === base).map((p) => p.seed))].sort((a, b) =>
      a - b
    ),
  }));
  return { given, pretrainings, inits, points };
}

/** `baseSeed` (and base record seed) of a base given as a model folder: it has no seed. */
export const GIVEN_SEED = 0;

/** `baseSeed` of runs whose base is pre-trained once with its config's own seed. */
const BASE_OWN_SEED = 0;

/** Progress of the grid: one line per step on stderr. */
function say(text: string): void {
  if (Deno.env.get("XLIR_QUIET") !== "1") progressLine(text);
}

/** The datasets the grid evaluates, XQuAD-R first. */
function datasetsOf(exp: ExperimentConfig): ("xquad-r" | "mlqa-r")[] {
  return [...new Set(Object.values(exp.finetune).flatMap((f) => f.evaluate))].sort().reverse();
}

/**
 * Runs (or loads from the cache) the whole grid of an experiment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadExperiment, runExperiment } from "./experiment.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * import { setCacheRoot } from "./cache.ts";
 * setCacheRoot(await Deno.makeTempDir());
 * const dataDir = await writeTinyDataDir();
 * const p1 = `${dataDir}/p1.json`;
 * await Deno.writeTextFile(p1, JSON.stringify({
 *   model: { dim: 8 }, data: { protocol: "ict", languages: ["de", "en"], validFraction: 0 },
 *   sampling: { batchSize: 2, uniqueGroups: false }, train: { epochs: 1 },
 * }));
 * await Deno.writeTextFile(`${dataDir}/exp.json`, JSON.stringify({
 *   name: "tiny", seeds: [1], strategies: { "X-X": 1, hybrid: 0.5 }, bases: { unaligned: null },
 *   finetune: { P1: { protocol: "P1", config: p1, evaluate: ["xquad-r"] } },
 *   eval: { maxQueries: 0, mlqaSource: "lareqa" },
 * }));
 * const results = await runExperiment(await loadExperiment(`${dataDir}/exp.json`), dataDir);
 * assert.deepEqual(results.runs.map((r) => `${r.finetune}/${r.strategy} on ${r.dataset}`), [
 *   "P1/X-X on xquad-r",
 *   "P1/hybrid on xquad-r",
 * ]);
 * // the null base, evaluated as it is at the seed its runs start from
 * assert.deepEqual(results.bases.map((b) => `${b.base}@${b.seed} on ${b.dataset}`), [
 *   "unaligned@1 on xquad-r",
 * ]);
 * assert.equal(results.bm25[0].eval.summary.mono.map, 1);
 * ```
 */
export async function runExperiment(
  exp: ExperimentConfig,
  dataDir: string = resolveDataDir(),
  options: RunExperimentOptions = {},
): Promise<ExperimentResults> {
  const workers = options.workers ?? experimentWorkers();
  if (workers > 1) await runInWorkers(exp, dataDir, workers);
  // In order, in this process: every step a worker did is loaded from the cache.
  const { jobs, results } = gridJobs(exp, dataDir);
  for (const job of jobs) await job.run();
  return results;
}

/** Options of {@linkcode runExperiment}. */
export interface RunExperimentOptions {
  /**
   * Processes that run the grid's steps side by side first (each with
   * `XLIR_THREADS` = cores / workers unless set), filling the cache; the
   * grid is then collected in this process, in order, from the cache.
   * Default `XLIR_WORKERS`, else 1 (everything in this process).
   */
  workers?: number;
}

/**
 * The worker processes `deno task reproduce` gives the grid when
 * `XLIR_WORKERS` is unset: one per core, at most 4 and at most one per
 * 6 GiB of memory (a worker holds the training data and a dataset, about
 * 4 GiB at its peak on the full grid), at least 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultWorkers } from "./experiment.ts";
 * assert.equal(defaultWorkers(2, 24 * 2 ** 30), 2);
 * assert.equal(defaultWorkers(16, 128 * 2 ** 30), 4);
 * assert.equal(defaultWorkers(8, 8 * 2 ** 30), 1);
 * ```
 */
export function defaultWorkers(
  cores: number = navigator.hardwareConcurrency,
  memoryBytes: number = Deno.systemMemoryInfo().total,
): number {
  return Math.max(1, Math.min(cores, 4, Math.floor(memoryBytes / (6 * 2 ** 30))));
}

/** `XLIR_WORKERS` (a positive integer), else 1. */
export function experimentWorkers(): number {
  const raw = Deno.env.get("XLIR_WORKERS");
  if (raw === undefined || raw === "") return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new InputError(`XLIR_WORKERS ("${raw}") must be a positive integer`);
  }
  return n;
}

/**
 * The grid as a list of jobs in the order the results are recorded: the
 * BM25 baselines, the bases (trained, then evaluated), the null bases
 * without fine-tuning, then every grid point (trained, then evaluated).
 * Each job loads what it needs from the cache (`trainCached` of a base
 * another process pre-trained is a cache hit), so any process can run any
 * job once its `needs` are done; run in order in one process, they fill
 * `results`.
 */
export function gridJobs(
  exp: ExperimentConfig,
  dataDir: string,
): { jobs: Job[]; results: ExperimentResults } {
  const results: ExperimentResults = { config: exp, runs: [], bases: [], bm25: [], extra: [] };
  const plan = planGrid(exp);
  const jobs: Job[] = [];
  const datasets = datasetsOf(exp);
  const finetunes = Object.keys(exp.finetune);
  const centred = new Set(exp.meanCentering);
  // Bases, memoised per process: given folders (checked and loaded), pre-trainings.
  const bases = new Map<string, Promise<{ model: TrainedModel; seed: number }>>();
  const baseOf = (base: string, seed: number) => {
    const key = `${base}|${seed}`;
    let got = bases.get(key);
    if (!got) {
      const spec = exp.bases[base];
      got = spec.model !== undefined
        ? givenModel(spec.model, `${exp.source}: bases.${base}.model`).then((model) => ({
          model,
          seed: GIVEN_SEED,
        }))
        : configFile(spec.config!, exp.baseOverrides, spec.pretrainSeeds ? { seed } : {})
          .then(async (config) => ({
            model: await trainCached(config, dataDir),
            seed: config.seed,
          }));
      bases.set(key, got);
    }
    return got;
  };
  const evalBase = async (base: string, seed: number, fts: string[], model: TrainedModel) => {
    for (const d of datasets) {
      if (!fts.some((f) => exp.finetune[f].evaluate.includes(d))) continue;
      const ev = await evaluateCached(model, d, exp.eval, dataDir);
      results.bases.push({ base, seed, finetunes: fts, dataset: d, model, eval: ev });
      if (centred.has(NO_FINE_TUNING)) {
        results.extra.push({
          name: meanCenteredName(NO_FINE_TUNING),
          finetune: "—",
          base,
          of: NO_FINE_TUNING,
          seed,
          dataset: d,
          eval: await evaluateCached(model, d, exp.eval, dataDir, "mean-centered"),
        });
      }
    }
  };
  // Job ids are file names: bases by their place in the config, not their names.
  const baseNames = Object.keys(exp.bases);
  const baseJob = (base: string, seed: number) => `base-${baseNames.indexOf(base)}-${seed}`;
  // Bases given as model folders: checked before anything else runs (they exist and load).
  for (const { base, model } of plan.given) {
    jobs.push({
      id: baseJob(base, GIVEN_SEED),
      needs: [],
      run: async () => {
        say(`experiment ${exp.name}: base ${base} (${model}, used as it is)`);
        await baseOf(base, GIVEN_SEED);
      },
    });
  }
  for (const d of datasets) {
    jobs.push({
      id: `bm25-${d}`,
      needs: [],
      run: async () => {
        say(`experiment ${exp.name}: BM25 on ${d}`);
        results.bm25.push({ dataset: d, eval: await evaluateCached("bm25", d, exp.eval, dataDir) });
        if (exp.dictionaryBm25) {
          say(`experiment ${exp.name}: BM25 with dictionary query translation on ${d}`);
          results.extra.push({
            name: DICTIONARY_BM25_NAME,
            finetune: "—",
            base: "—",
            of: null,
            seed: null,
            dataset: d,
            eval: await evaluateCached(BM25_DICT, d, exp.eval, dataDir),
          });
        }
      },
    });
  }
  for (const { base } of plan.given) {
    jobs.push({
      id: `${baseJob(base, GIVEN_SEED)}-eval`,
      needs: [baseJob(base, GIVEN_SEED)],
      run: async () => {
        await evalBase(base, GIVEN_SEED, finetunes, (await baseOf(base, GIVEN_SEED)).model);
      },
    });
  }
  // Pre-trained bases, one model per (base, pre-training seed). The SVD block
  // of an `init: "svd"` base is a job of its own (nothing to do for other
  // bases), which every pre-training seed of that base waits for instead of
  // computing it too: the other workers meanwhile take jobs that need no
  // pre-training.
  for (const { base, seeds } of plan.pretrainings) {
    const path = exp.bases[base].config!;
    const svdJob = `svd-${baseNames.indexOf(base)}`;
    jobs.push({
      id: svdJob,
      needs: [],
      run: async () => {
        const { model } = await configFile(path, exp.baseOverrides, {});
        if (usesSvd(model)) {
          say(`experiment ${exp.name}: the SVD block of base ${base} (${path})`);
          await svdCached(model, dataDir);
        }
      },
    });
    for (const seed of seeds ?? [BASE_OWN_SEED]) {
      jobs.push({
        id: baseJob(base, seed),
        needs: [svdJob],
        run: async () => {
          say(`experiment ${exp.name}: base ${base} (${path}${seeds ? `, seed ${seed}` : ""})`);
          await baseOf(base, seed);
        },
      }, {
        id: `${baseJob(base, seed)}-eval`,
        needs: [baseJob(base, seed)],
        run: async () => {
          const { model, seed: own } = await baseOf(base, seed);
          await evalBase(base, own, finetunes, model);
        },
      });
    }
  }
  // Null bases without fine-tuning: the initialisation each seed's runs start from
  // (one per distinct model config of the variants).
  for (const { base, seeds } of plan.inits) {
    for (const seed of seeds) {
      jobs.push({
        id: `init-${baseNames.indexOf(base)}-${seed}`,
        needs: [],
        run: async () => {
          const byModel = new Map<string, { config: TrainConfig; fts: string[] }>();
          for (const f of finetunes) {
            const config = await finetuneConfig(exp, f, null, 0, seed, `${base}/init/seed${seed}`);
            const key = JSON.stringify(config.model);
            const entry = byModel.get(key);
            if (entry) entry.fts.push(f);
            else byModel.set(key, { config, fts: [f] });
          }
          for (const { config, fts } of byModel.values()) {
            say(`experiment ${exp.name}: base ${base} without fine-tuning, seed ${seed}`);
            await evalBase(base, seed, fts, await initCached(config, dataDir));
          }
        },
      });
    }
  }
  plan.points.forEach((p, at) => {
    const fresh = exp.bases[p.base].config === null && exp.bases[p.base].model === undefined;
    const name = `${p.finetune}/${p.base}/${p.strategy}/seed${p.seed}`;
    jobs.push({
      id: `point-${at + 1}`,
      needs: fresh ? [] : [baseJob(p.base, p.baseSeed)],
      run: async () => {
        const base = fresh ? null : await baseOf(p.base, p.baseSeed);
        const baseSeed = base ? base.seed : p.seed;
        say(`experiment ${exp.name}: [${at + 1}/${plan.points.length}] ${name}`);
        const config = await finetuneConfig(
          exp,
          p.finetune,
          base?.model.modelDir ?? null,
          p.alpha,
          p.seed,
          name,
        );
        const model = await trainCached(config, dataDir);
        for (const dataset of exp.finetune[p.finetune].evaluate) {
          const ev = await evaluateCached(model, dataset, exp.eval, dataDir);
          results.runs.push({
            ...p,
            baseSeed,
            protocol: exp.finetune[p.finetune].protocol,
            dataset,
            model,
            eval: ev,
          });
          if (centred.has(p.strategy)) {
            results.extra.push({
              name: meanCenteredName(p.strategy),
              finetune: p.finetune,
              base: p.base,
              of: p.strategy,
              seed: p.seed,
              dataset,
              eval: await evaluateCached(model, dataset, exp.eval, dataDir, "mean-centered"),
            });
          }
        }
      },
    });
  });
  return { jobs, results };
}

/**
 * Runs the grid's jobs in `workers` child processes sharing the cache
 * (`lib/pipeline/experiment_worker.ts`), the pre-trainings first. A worker
 * that fails is reported, not thrown: the in-order pass that follows redoes
 * what is missing and raises its error where it belongs.
 */
async function runInWorkers(exp: ExperimentConfig, dataDir: string, workers: number) {
  await Deno.mkdir(join(cacheRoot(), "claims"), { recursive: true });
  const claims = await Deno.makeTempDir({ dir: join(cacheRoot(), "claims") });
  try {
    const spec = join(claims, "grid.json");
    await Deno.writeTextFile(spec, JSON.stringify({ exp, dataDir, claims }));
    const threads = Deno.env.get("XLIR_THREADS") ||
      String(Math.max(1, Math.floor(threadCount() / workers)));
    say(`experiment ${exp.name}: ${workers} worker processes, ${threads} thread(s) each`);
    const children = Array.from({ length: workers }, () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--config", fromRoot("deno.json"), WORKER.href, spec],
        env: { XLIR_THREADS: threads, XLIR_CACHE: cacheRoot() },
        stdin: "null",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn());
    const codes = await Promise.all(children.map((c) => c.status));
    codes.forEach((s, i) => {
      if (!s.success) say(`experiment ${exp.name}: worker ${i + 1} exited with ${s.code}`);
    });
  } finally {
    await Deno.remove(claims, { recursive: true }).catch(() => {});
  }
}

const WORKER = new URL("./experiment_worker.ts", import.meta.url);

/**
 * One worker of {@linkcode runExperiment}: claims and runs the jobs of
 * {@linkcode gridJobs} in `claims` (what others need, the pre-trainings,
 * first), results left in the cache.
 */
export async function workGrid(
  exp: ExperimentConfig,
  dataDir: string,
  claims: string,
): Promise<WorkSummary> {
  const summary = await workJobs(gridJobs(exp, dataDir).jobs, claims);
  for (const f of summary.failed) say(`experiment ${exp.name}: job ${f.id} failed: ${f.message}`);
  return summary;
}

/** The training languages of each fine-tuning variant (languages outside them are unseen in training). */
export async function trainingLanguages(exp: ExperimentConfig): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, spec] of Object.entries(exp.finetune)) {
    out[name] = (await loadConfig(fromRoot(spec.config))).data.languages;
  }
  return out;
}

/**
 * The backends the grid's models were trained on (from their run.json), e.g.
 * `"js"`; bases given as model folders were not trained here.
 */
export function backendsOf(results: ExperimentResults): string {
  const all = [...results.runs.map((r) => r.model), ...results.bases.map((b) => b.model)]
    .filter((m) => m.run.result.status !== "given");
  return [...new Set(all.map((m) => m.run.backend))].sort().join(", ");
}
