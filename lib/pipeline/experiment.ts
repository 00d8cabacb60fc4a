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
 *   "bases": { "unaligned": null, "aligned": "configs/base_aligned.json" },
 *   "finetune": {
 *     "P1": { "protocol": "P1", "config": "configs/p1_ict.json", "evaluate": ["xquad-r", "mlqa-r"] },
 *     "P2-mlqa": { "protocol": "P2", "config": "configs/p2_mlqa.json", "evaluate": ["xquad-r"] },
 *     "P2-xquad": { "protocol": "P2", "config": "configs/p2_xquad.json", "evaluate": ["mlqa-r"] }
 *   },
 *   "alphaSweep": { "alphas": [0, 0.25, 0.5, 0.75, 1], "base": "aligned", "finetune": "P1", "seeds": [1, 2, 3] },
 *   "eval": { "maxQueries": 0, "mlqaSource": "lareqa" },
 *   "trainOverrides": {},
 *   "baseOverrides": {}
 * }
 * ```
 *
 * A base of `null` is a fresh random initialisation (seeded by the run's
 * seed): the *unaligned* stand-in for XLM-R, with no cross-lingual signal
 * before fine-tuning. A base with a config is pre-trained once (its own seed)
 * and every fine-tuning run starts from it: the *aligned* stand-in for LaBSE.
 *
 * @module
 */

import { resolveDataDir } from "../data/data_dir.ts";
import { loadConfig, resolveConfig, type TrainConfig } from "../train/config.ts";
import { InputError } from "../util/errors.ts";
import { fromRoot } from "../util/root.ts";
import { progressLine } from "../util/progress.ts";
import {
  type EvalRecord,
  type EvalSettings,
  evaluateCached,
  trainCached,
  type TrainedModel,
} from "./runs.ts";

/** A fine-tuning protocol variant: its training config and the datasets its models are evaluated on. */
export interface FinetuneSpec {
  /** `"P1"` (ICT on parallel documents) or `"P2"` (QA pairs of the other dataset). */
  protocol: string;
  config: string;
  evaluate: ("xquad-r" | "mlqa-r")[];
}

/** The experiment grid. */
export interface ExperimentConfig {
  name: string;
  seeds: number[];
  strategies: Record<string, number>;
  bases: Record<string, string | null>;
  finetune: Record<string, FinetuneSpec>;
  alphaSweep: { alphas: number[]; base: string; finetune: string; seeds: number[] } | null;
  eval: EvalSettings;
  trainOverrides: Record<string, unknown>;
  baseOverrides: Record<string, unknown>;
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
  /** Dataset the model was evaluated on. */
  dataset: string;
  model: TrainedModel;
  eval: EvalRecord;
}

/** Everything the grid produced. */
export interface ExperimentResults {
  config: ExperimentConfig;
  runs: RunRecord[];
  /** Base models evaluated as they are, before fine-tuning (null bases have none). */
  bases: { base: string; dataset: string; model: TrainedModel; eval: EvalRecord }[];
  bm25: { dataset: string; eval: EvalRecord }[];
}

type Json = Record<string, unknown>;

function deepMerge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === "object" && !Array.isArray(v) && a[k] && typeof a[k] === "object"
      ? deepMerge(a[k] as Json, v as Json)
      : v;
  }
  return out;
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
  const need = ["name", "seeds", "strategies", "bases", "finetune", "eval"];
  for (const k of need) if (!(k in raw)) throw new InputError(`${path}: "${k}" is missing`);
  const exp = {
    alphaSweep: null,
    trainOverrides: {},
    baseOverrides: {},
    ...raw,
    source: path,
  } as ExperimentConfig;
  for (const [name, spec] of Object.entries(exp.finetune)) {
    for (const d of spec.evaluate) {
      if (d !== "xquad-r" && d !== "mlqa-r") {
        throw new InputError(
          `${path}: finetune.${name}.evaluate has "${d}", expected xquad-r or mlqa-r`,
        );
      }
    }
  }
  if (exp.alphaSweep && !(exp.alphaSweep.finetune in exp.finetune)) {
    throw new InputError(
      `${path}: alphaSweep.finetune "${exp.alphaSweep.finetune}" is not in finetune`,
    );
  }
  if (exp.alphaSweep && !(exp.alphaSweep.base in exp.bases)) {
    throw new InputError(`${path}: alphaSweep.base "${exp.alphaSweep.base}" is not in bases`);
  }
  return exp;
}

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

/** Progress of the grid: one line per step on stderr. */
function say(text: string): void {
  if (Deno.env.get("XLIR_QUIET") !== "1") progressLine(text);
}

/** One point of the grid: a fine-tuning variant, base, strategy (α) and seed. */
export interface GridPoint {
  finetune: string;
  base: string;
  /** Strategy name, or `α=<value>` for sweep-only points. */
  strategy: string;
  alpha: number;
  seed: number;
}

/**
 * The trained models of an experiment, in training order: every fine-tuning
 * variant × base × strategy × seed, then the α sweep's points that the grid
 * does not already have (same variant, base, α and seed), named `α=<value>`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gridPoints } from "./experiment.ts";
 * const points = gridPoints({
 *   seeds: [1], strategies: { "X-X": 1, hybrid: 0.5 }, bases: { unaligned: null },
 *   finetune: { P1: { protocol: "P1", config: "configs/p1_ict.json", evaluate: ["xquad-r"] } },
 *   alphaSweep: { alphas: [0.5, 0.75], base: "unaligned", finetune: "P1", seeds: [1] },
 * });
 * // α = 0.5 is the hybrid run already: only α = 0.75 is added.
 * assert.deepEqual(points.map((p) => p.strategy), ["X-X", "hybrid", "α=0.75"]);
 * ```
 */
export function gridPoints(
  exp: Pick<ExperimentConfig, "seeds" | "strategies" | "bases" | "finetune" | "alphaSweep">,
): GridPoint[] {
  const points: GridPoint[] = [];
  for (const finetune of Object.keys(exp.finetune)) {
    for (const base of Object.keys(exp.bases)) {
      for (const [strategy, alpha] of Object.entries(exp.strategies)) {
        for (const seed of exp.seeds) points.push({ finetune, base, strategy, alpha, seed });
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
        if (!known) points.push({ finetune, base, strategy: `α=${alpha}`, alpha, seed });
      }
    }
  }
  return points;
}

/**
 * Runs (or loads from the cache) the whole grid of an experiment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadExperiment, runExperiment } from "./experiment.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * Deno.env.set("XLIR_CACHE", await Deno.makeTempDir());
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
 * assert.equal(results.bm25[0].eval.summary.mono.map, 1);
 * ```
 */
export async function runExperiment(
  exp: ExperimentConfig,
  dataDir: string = resolveDataDir(),
): Promise<ExperimentResults> {
  const results: ExperimentResults = { config: exp, runs: [], bases: [], bm25: [] };
  const datasets = new Set(Object.values(exp.finetune).flatMap((f) => f.evaluate));
  for (const d of [...datasets].sort().reverse()) {
    say(`experiment ${exp.name}: BM25 on ${d}`);
    results.bm25.push({ dataset: d, eval: await evaluateCached("bm25", d, exp.eval, dataDir) });
  }
  const baseModels = new Map<string, TrainedModel | null>();
  for (const [name, path] of Object.entries(exp.bases)) {
    if (path === null) {
      baseModels.set(name, null);
      continue;
    }
    say(`experiment ${exp.name}: base ${name} (${path})`);
    const config = await configFile(path, exp.baseOverrides, {});
    const model = await trainCached(config, dataDir);
    baseModels.set(name, model);
    for (const d of [...datasets].sort().reverse()) {
      results.bases.push({
        base: name,
        dataset: d,
        model,
        eval: await evaluateCached(model, d, exp.eval, dataDir),
      });
    }
  }
  const points = gridPoints(exp);
  let i = 0;
  for (const p of points) {
    i++;
    const base = baseModels.get(p.base);
    if (base === undefined) throw new InputError(`${exp.source}: unknown base "${p.base}"`);
    const name = `${p.finetune}/${p.base}/${p.strategy}/seed${p.seed}`;
    say(`experiment ${exp.name}: [${i}/${points.length}] ${name}`);
    const config = await finetuneConfig(
      exp,
      p.finetune,
      base?.modelDir ?? null,
      p.alpha,
      p.seed,
      name,
    );
    const model = await trainCached(config, dataDir);
    for (const dataset of exp.finetune[p.finetune].evaluate) {
      const ev = await evaluateCached(model, dataset, exp.eval, dataDir);
      results.runs.push({
        ...p,
        protocol: exp.finetune[p.finetune].protocol,
        dataset,
        model,
        eval: ev,
      });
    }
  }
  return results;
}

/** The training languages of each fine-tuning variant (languages outside them are unseen in training). */
export async function trainingLanguages(exp: ExperimentConfig): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, spec] of Object.entries(exp.finetune)) {
    out[name] = (await loadConfig(fromRoot(spec.config))).data.languages;
  }
  return out;
}

/** The backends the grid's models were trained on (from their run.json), e.g. `"js"`. */
export function backendsOf(results: ExperimentResults): string {
  const all = [...results.runs.map((r) => r.model), ...results.bases.map((b) => b.model)];
  return [...new Set(all.map((m) => m.run.backend))].sort().join(", ");
}
