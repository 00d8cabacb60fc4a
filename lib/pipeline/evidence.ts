/**
 * Measurements behind the claims that are not metrics: how far training and
 * evaluation data overlap, how many language pairs each dataset yields, and
 * what share of X-X batches the hybrid sampler actually draws.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveDataDir } from "../data/data_dir.ts";
import { type ChanceLevels, chanceLevels } from "../eval/chance.ts";
import { loadMlqaR } from "../data/mlqa_r.ts";
import type { LareqaDataset } from "../data/types.ts";
import { loadXquadR } from "../data/xquad_r.ts";
import { BatchSampler } from "../sampling/batch_sampler.ts";
import { loadConfig } from "../train/config.ts";
import { buildTrainingSet } from "../train/training_set.ts";
import type { ExperimentConfig } from "./experiment.ts";

/** Loads an evaluation dataset by name (MLQA-R from LAReQA's files unless `mlqaSource` says otherwise). */
export function loadEvalDataset(
  name: string,
  dataDir = resolveDataDir(),
  mlqaSource: "lareqa" | "rebuild" = "lareqa",
): Promise<LareqaDataset> {
  return name === "xquad-r" ? loadXquadR({ dataDir }) : loadMlqaR({ dataDir, source: mlqaSource });
}

/** The datasets an experiment evaluates, XQuAD-R first. */
function evaluatedDatasets(exp: ExperimentConfig): string[] {
  return [...new Set(Object.values(exp.finetune).flatMap((f) => f.evaluate))].sort().reverse();
}

/**
 * The chance level of every measure on each dataset the experiment
 * evaluates, with its evaluation settings (the first N questions per language).
 */
export async function chanceOf(
  exp: ExperimentConfig,
  dataDir = resolveDataDir(),
): Promise<ChanceLevels[]> {
  const out: ChanceLevels[] = [];
  for (const d of evaluatedDatasets(exp)) {
    const ds = await loadEvalDataset(d, dataDir, exp.eval.mlqaSource);
    out.push(chanceLevels(ds, { maxQueries: exp.eval.maxQueries }));
  }
  return out;
}

/** What the descriptive claims are checked against. */
export interface DescriptiveEvidence {
  /** Languages and (query, candidate) language pairs per evaluated dataset. */
  datasets: {
    dataset: string;
    languages: number;
    monoPairs: number;
    crossPairs: number;
    parallel: boolean;
  }[];
  /** Training texts found verbatim in the evaluated dataset, per (finetune, dataset). */
  overlap: { finetune: string; dataset: string; overlapping: number; trainingTexts: number }[];
  /** Share of X-X batches the hybrid sampler drew, and its α. */
  xxShare: { alpha: number; share: number; batches: number };
  /** Whether a MIRACL passage corpus is present in the data directory. */
  miraclCorpus: boolean;
}

/**
 * Gathers the evidence of the descriptive claims: each variant's training
 * texts found in its evaluated datasets, the datasets' languages and pairs,
 * the X-X share of the hybrid sampler (first variant), and whether a MIRACL
 * corpus is there.
 */
export async function descriptiveEvidence(
  exp: ExperimentConfig,
  dataDir = resolveDataDir(),
): Promise<DescriptiveEvidence> {
  const datasets: Record<string, LareqaDataset> = {};
  for (const d of evaluatedDatasets(exp)) {
    datasets[d] = await loadEvalDataset(d, dataDir, exp.eval.mlqaSource);
  }
  const overlap = [];
  for (const [finetune, spec] of Object.entries(exp.finetune)) {
    for (const d of spec.evaluate) {
      const path = fileURLToPath(new URL(`../../${spec.config}`, import.meta.url));
      overlap.push({
        finetune,
        dataset: d,
        ...(await trainingOverlap(path, datasets[d], dataDir)),
      });
    }
  }
  const first = Object.keys(exp.finetune)[0];
  let miraclCorpus = false;
  try {
    miraclCorpus = (await Deno.stat(join(dataDir, "miracl", "corpus"))).isDirectory;
  } catch {
    // absent
  }
  return {
    datasets: datasetCoverage(datasets),
    overlap,
    xxShare: await xxShare(exp, first, exp.strategies.hybrid ?? 0.5, 5, dataDir),
    miraclCorpus,
  };
}

/**
 * Training texts (queries and passages, every language, train and validation
 * splits) of a config that occur verbatim (trimmed) among a dataset's
 * questions and candidate sentences.
 */
export async function trainingOverlap(
  configPath: string,
  dataset: LareqaDataset,
  dataDir = resolveDataDir(),
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

/**
 * Languages of each dataset and the (query language, candidate language)
 * pairs the evaluation has: a pair counts when the two languages share at
 * least one question (MLQA-R's questions exist in 2–4 of its 7 languages).
 */
export function datasetCoverage(datasets: Record<string, LareqaDataset>) {
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
  dataDir = resolveDataDir(),
): Promise<{ alpha: number; share: number; batches: number }> {
  const config = await loadConfig(
    new URL(`../../${exp.finetune[finetune].config}`, import.meta.url).pathname,
  );
  const set = await buildTrainingSet(config.data, 1, dataDir);
  const sampler = new BatchSampler(set.train, {
    batchSize: config.sampling.batchSize,
    alpha,
    seed: 1,
    languages: set.languages,
    uniqueGroups: config.sampling.uniqueGroups,
  });
  let xx = 0, n = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const b of sampler.batches(epoch)) {
      n++;
      if (b.kind === "xx") xx++;
    }
  }
  return { alpha, share: xx / n, batches: n };
}
