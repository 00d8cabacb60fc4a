/**
 * Synthetic experiment results for tests and doc examples: a small grid whose
 * per-query values are built from chosen means (per cell, strategy, setting
 * and seed) plus a per-question effect shared by every model (so comparisons
 * are paired, as real ones are) and a little noise; every summary is computed
 * from its per-query values exactly as the evaluation aggregates them, so
 * summaries and per-query values agree.
 *
 * @module
 */

import type { LareqaSummary, PerQueryValues } from "../eval/lareqa_export.ts";
import { Rng } from "../sampling/rng.ts";
import type { ExperimentConfig, ExperimentResults, RunRecord } from "./experiment.ts";
import type { EvalRecord, TrainedModel } from "./runs.ts";
import type { StatSetting } from "./units.ts";

/** Where a synthetic value is asked for. */
export interface SyntheticPoint {
  finetune: string;
  dataset: string;
  base: string;
  /** A strategy, `"no fine-tuning"` or `"BM25"`. */
  strategy: string;
  setting: StatSetting;
  seed: number;
}

/** What to build. */
export interface SyntheticSpec {
  /** Default [1, 2, 3, 4, 5]. */
  seeds?: number[];
  /** Default ["unaligned", "aligned"]. */
  bases?: string[];
  /** Per fine-tuning variant, the datasets it is evaluated on. Default `{ P1: ["xquad-r"] }`. */
  finetunes?: Record<string, string[]>;
  /** Languages per dataset. Default 3 (`de`, `en`, `zh`). */
  languages?: number;
  /** Questions per language. Default 40. */
  questions?: number;
  /** The mean of a setting for one model (per seed). */
  value: (p: SyntheticPoint) => number;
  /** Standard deviation of the per-query noise (mAP units; ×1000 for bias). Default 0.02. */
  noise?: number;
  /** Per-model noise instead of `noise` (e.g. one noisy strategy). */
  noiseFor?: (p: Omit<SyntheticPoint, "setting">) => number;
  /** Seed of the noise. Default 1. */
  seed?: number;
  /** An α sweep over the first variant and the last base (α = 1, 0, 0.5 are the grid's strategies). */
  alphas?: number[];
}

const LANGS = ["de", "en", "zh", "es", "ar", "hi", "ru"];

function normal(rng: Rng): number {
  const u = 1 - rng.float(), v = rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function model(key: string): TrainedModel {
  return {
    key,
    modelDir: `/synthetic/${key}`,
    fresh: false,
    run: {
      backend: "synthetic",
      seed: 1,
      result: {
        status: "finished",
        steps: 10,
        bestStep: 10,
        bestValLoss: 1,
        seconds: 1,
        pairsPerSecond: 100,
        modelDir: "",
      },
    },
  };
}

/**
 * Synthetic results of a grid (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticResults } from "./_synthetic.ts";
 * const r = syntheticResults({ value: (p) => (p.setting === "bias" ? 500 : 0.5) });
 * assert.equal(r.runs.length, 2 * 3 * 5);
 * assert(Math.abs(r.runs[0].eval.summary.mono.map - 0.5) < 0.05);
 * ```
 */
export function syntheticResults(spec: SyntheticSpec): ExperimentResults {
  const seeds = spec.seeds ?? [1, 2, 3, 4, 5];
  const bases = spec.bases ?? ["unaligned", "aligned"];
  const finetunes = spec.finetunes ?? { P1: ["xquad-r"] };
  const langs = LANGS.slice(0, spec.languages ?? 3).sort();
  const nq = spec.questions ?? 40;
  const noise = spec.noise ?? 0.02;
  const rng = new Rng(spec.seed ?? 1);
  const qids = Object.fromEntries(
    langs.map((l) => [l, Array.from({ length: nq }, (_, i) => `q${i}`)]),
  );
  const questionEffect = Array.from({ length: nq }, () => 0.05 * normal(rng));
  const evalOf = (p: Omit<SyntheticPoint, "setting">): EvalRecord => {
    const sd = spec.noiseFor ? spec.noiseFor(p) : noise;
    const draw = (setting: StatSetting) => {
      const m = spec.value({ ...p, setting });
      const scale = setting === "bias" ? 1000 : 1;
      return Array.from(
        { length: nq },
        (_, i) => m + scale * (questionEffect[i] + sd * normal(rng)),
      );
    };
    const perQuery: PerQueryValues = { qids, mono: {}, cross: {}, multi: {}, bias: {} };
    for (const x of langs) {
      perQuery.mono[x] = draw("mono");
      perQuery.multi[x] = draw("multi");
      perQuery.bias[x] = draw("bias");
      for (const y of langs) if (y !== x) perQuery.cross[`${x}-${y}`] = draw("cross");
    }
    const score = (v: (number | null)[], k = 1) => ({
      map: mean(v as number[]),
      recall: k * mean(v as number[]),
      n: v.length,
    });
    const monoPer = Object.fromEntries(langs.map((l) => [l, score(perQuery.mono[l], 0.8)]));
    const crossPer = Object.fromEntries(
      Object.entries(perQuery.cross).map(([k, v]) => [k, score(v, 0.8)]),
    );
    const multiPer = Object.fromEntries(langs.map((l) => {
      const b = mean(perQuery.bias[l] as number[]);
      return [l, {
        ...score(perQuery.multi[l], 1.1),
        hit1: 0.9 * mean(perQuery.multi[l] as number[]),
        languageBias: b,
        nBias: nq,
        ownRank: b / 4,
        otherRank: b,
        top10Own: 0.3,
      }];
    }));
    const agg = (rec: Record<string, { map: number; recall: number }>, key: "map" | "recall") =>
      mean(Object.values(rec).map((s) => s[key]));
    const multiVals = Object.values(multiPer);
    const summary: LareqaSummary = {
      dataset: p.dataset,
      scorer: p.strategy,
      langs,
      queries: Object.fromEntries(langs.map((l) => [l, nq])),
      mono: { map: agg(monoPer, "map"), r1: agg(monoPer, "recall"), perLang: monoPer },
      cross: { map: agg(crossPer, "map"), r1: agg(crossPer, "recall"), perPair: crossPer },
      multi: {
        map: agg(multiPer, "map"),
        r10: agg(multiPer, "recall"),
        hit1: mean(multiVals.map((s) => s.hit1)),
        languageBias: mean(multiVals.map((s) => s.languageBias)),
        ownRank: mean(multiVals.map((s) => s.ownRank)),
        otherRank: mean(multiVals.map((s) => s.otherRank)),
        top10Own: 0.3,
        perLang: multiPer,
      },
    };
    return {
      key: `${p.finetune}/${p.dataset}/${p.base}/${p.strategy}/${p.seed}`,
      summary,
      perQuery,
    };
  };
  const strategies = { "X-X": 1, "X-Y": 0, hybrid: 0.5 };
  const config: ExperimentConfig = {
    name: "synthetic",
    seeds,
    strategies,
    bases: Object.fromEntries(bases.map((b) => [b, { config: null, pretrainSeeds: null }])),
    finetune: Object.fromEntries(
      Object.entries(finetunes).map(([f, ds]) => [f, {
        protocol: f.split("-")[0],
        config: "configs/p1_ict.json",
        evaluate: ds as ("xquad-r" | "mlqa-r")[],
      }]),
    ),
    alphaSweep: spec.alphas
      ? { alphas: spec.alphas, base: bases.at(-1)!, finetune: Object.keys(finetunes)[0], seeds }
      : null,
    eval: { maxQueries: nq, mlqaSource: "lareqa" },
    trainOverrides: {},
    baseOverrides: {},
    meanCentering: [],
    dictionaryBm25: false,
    source: "synthetic",
  };
  const results: ExperimentResults = { config, runs: [], bases: [], bm25: [], extra: [] };
  const datasets = [...new Set(Object.values(finetunes).flat())];
  for (const dataset of datasets) {
    results.bm25.push({
      dataset,
      eval: evalOf({ finetune: "—", dataset, base: "—", strategy: "BM25", seed: 0 }),
    });
    for (const base of bases) {
      for (const seed of seeds) {
        const ev = evalOf({ finetune: "—", dataset, base, strategy: "no fine-tuning", seed });
        results.bases.push({
          base,
          seed,
          finetunes: Object.keys(finetunes),
          dataset,
          model: model(`init/${base}/${seed}`),
          eval: ev,
        });
      }
    }
  }
  for (const [finetune, ds] of Object.entries(finetunes)) {
    for (const base of bases) {
      for (const [strategy, alpha] of Object.entries(strategies)) {
        for (const seed of seeds) {
          for (const dataset of ds) {
            const run: RunRecord = {
              finetune,
              protocol: config.finetune[finetune].protocol,
              base,
              strategy,
              alpha,
              seed,
              baseSeed: seed,
              dataset,
              model: model(`${finetune}/${base}/${strategy}/${seed}`),
              eval: evalOf({ finetune, dataset, base, strategy, seed }),
            };
            results.runs.push(run);
          }
        }
      }
    }
  }
  const sweep = config.alphaSweep;
  if (sweep) {
    for (const alpha of sweep.alphas) {
      if (Object.values(strategies).includes(alpha)) continue;
      const strategy = `α=${alpha}`;
      for (const seed of seeds) {
        for (const dataset of finetunes[sweep.finetune]) {
          results.runs.push({
            finetune: sweep.finetune,
            protocol: config.finetune[sweep.finetune].protocol,
            base: sweep.base,
            strategy,
            alpha,
            seed,
            baseSeed: seed,
            dataset,
            model: model(`${sweep.finetune}/${sweep.base}/${strategy}/${seed}`),
            eval: evalOf({ finetune: sweep.finetune, dataset, base: sweep.base, strategy, seed }),
          });
        }
      }
    }
  }
  return results;
}
