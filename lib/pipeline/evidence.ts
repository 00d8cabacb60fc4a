/**
 * Measurements behind the claims that are not metrics: how far training and
 * evaluation data overlap, how many language pairs each dataset yields, and
 * what share of X-X batches the hybrid sampler actually draws.
 *
 * @module
 */

import { resolveDataDir } from "../data/data_dir.ts";
import { loadMlqaR } from "../data/mlqa_r.ts";
import type { LareqaDataset } from "../data/types.ts";
import { loadXquadR } from "../data/xquad_r.ts";
import { loadConfig } from "../train/config.ts";
import { configSampler } from "../train/sampler.ts";
import { buildTrainingSet } from "../train/training_set.ts";
import { fromRoot } from "../util/root.ts";
import type { ExperimentConfig } from "./experiment.ts";

/** Loads an evaluation dataset by name. */
export function loadEvalDataset(
  name: string,
  dataDir: string = resolveDataDir(),
): Promise<LareqaDataset> {
  return name === "xquad-r" ? loadXquadR({ dataDir }) : loadMlqaR({ dataDir });
}

/**
 * Training texts (queries and passages, every language, train and validation
 * splits) of a config that occur verbatim (trimmed) among a dataset's
 * questions and candidate sentences.
 */
export async function trainingOverlap(
  configPath: string,
  dataset: LareqaDataset,
  dataDir: string = resolveDataDir(),
): Promise<{ overlapping: number; trainingTexts: number }> {
  const config = await loadConfig(configPath);
  const set = await buildTrainingSet(config.data, config.seed, dataDir);
  const evalTexts = new Set<string>();
  for (const l of Object.values(dataset.byLang)) {
    for (const q of l.questions) evalTexts.add(q.text.trim());
    for (const c of l.candidates) evalTexts.add(c.text.trim());
  }
  const training = new Set<string>();
  for (const e of [...set.train, ...set.valid]) {
    for (const t of Object.values(e.texts)) {
      training.add(t.query.trim());
      training.add(t.passage.trim());
    }
  }
  let overlapping = 0;
  for (const t of training) if (evalTexts.has(t)) overlapping++;
  return { overlapping, trainingTexts: training.size };
}

/** What {@linkcode datasetCoverage} says of one dataset. */
export interface DatasetCoverage {
  dataset: string;
  languages: number;
  /** Languages with questions (each is a mono pair). */
  monoPairs: number;
  /** Ordered pairs of different languages that share a question. */
  crossPairs: number;
  /** Every question in at least two languages. */
  parallel: boolean;
}

/**
 * Languages of each dataset and the (query language, candidate language)
 * pairs the evaluation has: a pair counts when the two languages share at
 * least one question (MLQA-R's questions exist in 2–4 of its 7 languages).
 */
export function datasetCoverage(datasets: Record<string, LareqaDataset>): DatasetCoverage[] {
  return Object.entries(datasets).map(([name, ds]) => {
    const ids = Object.fromEntries(
      ds.languages.map((l) => [l, new Set(ds.byLang[l].questions.map((q) => q.qid))]),
    );
    let monoPairs = 0, crossPairs = 0;
    for (const x of ds.languages) {
      for (const y of ds.languages) {
        const shared = [...ids[x]].some((q) => ids[y].has(q));
        if (shared) x === y ? monoPairs++ : crossPairs++;
      }
    }
    // Parallel: every question id occurs in at least two languages.
    const count = new Map<string, number>();
    for (const s of Object.values(ids)) for (const q of s) count.set(q, (count.get(q) ?? 0) + 1);
    return {
      dataset: name,
      languages: ds.languages.length,
      monoPairs,
      crossPairs,
      parallel: [...count.values()].every((c) => c >= 2),
    };
  });
}

/** The share of X-X batches the hybrid sampler draws over the first epochs of a config's training set. */
export async function xxShare(
  exp: ExperimentConfig,
  finetune: string,
  alpha: number,
  epochs = 5,
  dataDir: string = resolveDataDir(),
): Promise<{ alpha: number; share: number; batches: number }> {
  const config = await loadConfig(fromRoot(exp.finetune[finetune].config));
  const set = await buildTrainingSet(config.data, 1, dataDir);
  const sampler = configSampler(set.train, set.languages, config.sampling, 1, { alpha });
  let xx = 0, n = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const b of sampler.batches(epoch)) {
      n++;
      if (b.kind === "xx") xx++;
    }
  }
  return { alpha, share: xx / n, batches: n };
}
