/**
 * From the experiment grid to the paper's tables: means over seeds with 95%
 * intervals, paired comparisons between strategies over queries, language
 * bias, per-language results and the α sweep. Everything here is arithmetic
 * over cached evaluation records; the notebooks only call it and display.
 *
 * @module
 */

import { meanCi, pairedCompare } from "../eval/significance.ts";
import type { Row } from "../util/row.ts";
import type { ExperimentResults, RunRecord } from "./experiment.ts";

export type { Row } from "../util/row.ts";

/** The three settings, and the metric each is compared on. */
export const SETTINGS = ["mono", "cross", "multi"] as const;
export type Setting = typeof SETTINGS[number];

type Summary = RunRecord["eval"]["summary"];
type PerQuery = RunRecord["eval"]["perQuery"];

const round = (x: number, d = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

/** Groups the grid's runs by (finetune, dataset, base, strategy), seeds together. */
export function groupRuns(runs: readonly RunRecord[]): Map<string, RunRecord[]> {
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const key = [r.finetune, r.dataset, r.base, r.strategy].join("|");
    let g = groups.get(key);
    if (!g) groups.set(key, g = []);
    g.push(r);
  }
  return groups;
}

function settingValue(s: Summary, setting: Setting | "bias"): number {
  if (setting === "bias") return s.multi.languageBias;
  return s[setting].map;
}

/**
 * The paper's Table 1: mAP in the three settings, mean over seeds ± the 95%
 * interval half-width, per (protocol, dataset, base, strategy); with BM25 and
 * the bases before fine-tuning as anchors.
 */
export function mapTable(results: ExperimentResults): Row[] {
  const rows: Row[] = [];
  for (const b of results.bm25) {
    rows.push({
      protocol: "—",
      finetune: "—",
      dataset: b.dataset,
      base: "—",
      strategy: "BM25",
      seeds: 1,
      ...Object.fromEntries(
        SETTINGS.flatMap((s) => [[s, round(settingValue(b.eval.summary, s))], [`${s}_ci`, null]]),
      ),
    });
  }
  for (const b of results.bases) {
    rows.push({
      protocol: "—",
      finetune: "—",
      dataset: b.dataset,
      base: b.base,
      strategy: "no fine-tuning",
      seeds: 1,
      ...Object.fromEntries(
        SETTINGS.flatMap((s) => [[s, round(settingValue(b.eval.summary, s))], [`${s}_ci`, null]]),
      ),
    });
  }
  for (
    const group of groupRuns(results.runs.filter((r) => !r.strategy.startsWith("α="))).values()
  ) {
    const r0 = group[0];
    const row: Row = {
      protocol: r0.protocol,
      finetune: r0.finetune,
      dataset: r0.dataset,
      base: r0.base,
      strategy: r0.strategy,
      seeds: group.length,
    };
    for (const s of SETTINGS) {
      const ci = meanCi(group.map((r) => settingValue(r.eval.summary, s)));
      row[s] = round(ci.mean);
      row[`${s}_ci`] = round(ci.halfWidth);
    }
    rows.push(row);
  }
  return rows;
}

/** Per-query values of one setting, in a fixed query order, with stratum ids (language or pair). */
function perQueryVector(
  pq: PerQuery,
  setting: Setting | "bias",
): { values: (number | null)[]; strata: number[] } {
  const source = setting === "mono"
    ? pq.mono
    : setting === "cross"
    ? pq.cross
    : setting === "multi"
    ? pq.multi
    : pq.bias;
  const keys = Object.keys(source).sort();
  const values: (number | null)[] = [];
  const strata: number[] = [];
  keys.forEach((k, i) => {
    for (const v of source[k] as (number | null)[]) {
      values.push(v);
      strata.push(i);
    }
  });
  return { values, strata };
}

/** Per-query values averaged over seeds (null where any seed skipped the query). */
function seedAverage(group: readonly RunRecord[], setting: Setting | "bias") {
  const vecs = group.map((r) => perQueryVector(r.eval.perQuery, setting));
  const n = vecs[0].values.length;
  const values: (number | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let ok = true;
    for (const v of vecs) {
      const x = v.values[i];
      if (x === null || x === undefined) ok = false;
      else s += x;
    }
    values[i] = ok ? s / vecs.length : null;
  }
  return { values, strata: vecs[0].strata };
}

/** One paired comparison of two strategies. */
export interface Comparison extends Row {
  finetune: string;
  dataset: string;
  base: string;
  setting: string;
  a: string;
  b: string;
  /** Macro-averaged difference a − b (mAP; rank distance for `bias`, lower is better). */
  diff: number;
  ci_lo: number;
  ci_hi: number;
  p: number;
  queries: number;
}

/**
 * Paired comparisons over queries between strategy `a` and each of `others`,
 * per (finetune, dataset, base) and setting (mono, cross, multi mAP and the
 * multi rank distance `bias`): per-query values averaged over seeds, the
 * difference macro-averaged over languages (pairs for cross), a 95% paired
 * bootstrap interval and a sign-flip randomisation p-value.
 */
export function compareStrategies(
  results: ExperimentResults,
  a = "hybrid",
  others: readonly string[] = ["X-X", "X-Y"],
  options: { iterations?: number } = {},
): Comparison[] {
  const groups = groupRuns(results.runs);
  const out: Comparison[] = [];
  const cells = new Set(results.runs.map((r) => [r.finetune, r.dataset, r.base].join("|")));
  for (const cell of cells) {
    const [finetune, dataset, base] = cell.split("|");
    const ga = groups.get(`${cell}|${a}`);
    if (!ga) continue;
    for (const b of others) {
      const gb = groups.get(`${cell}|${b}`);
      if (!gb) continue;
      for (const setting of [...SETTINGS, "bias"] as const) {
        const va = seedAverage(ga, setting);
        const vb = seedAverage(gb, setting);
        const xs: number[] = [], ys: number[] = [], st: number[] = [];
        va.values.forEach((x, i) => {
          const y = vb.values[i];
          if (x !== null && y !== null) {
            xs.push(x);
            ys.push(y);
            st.push(va.strata[i]);
          }
        });
        if (xs.length === 0) continue;
        const r = pairedCompare(xs, ys, {
          strata: st,
          iterations: options.iterations ?? 2000,
          seed: 1,
        });
        out.push({
          finetune,
          dataset,
          base,
          setting,
          a,
          b,
          diff: round(r.diff, 5)!,
          ci_lo: round(r.ci95[0], 5)!,
          ci_hi: round(r.ci95[1], 5)!,
          p: round(r.p, 4)!,
          queries: r.n,
        });
      }
    }
  }
  return out;
}

/** The paper's Table 2: language bias (mean rank distance, lower is better), mean over seeds ± 95% interval. */
export function languageBiasTable(results: ExperimentResults): Row[] {
  const rows: Row[] = [];
  for (const b of results.bm25) {
    rows.push({
      finetune: "—",
      dataset: b.dataset,
      base: "—",
      strategy: "BM25",
      seeds: 1,
      bias: round(b.eval.summary.multi.languageBias, 1),
      bias_ci: null,
    });
  }
  for (const b of results.bases) {
    rows.push({
      finetune: "—",
      dataset: b.dataset,
      base: b.base,
      strategy: "no fine-tuning",
      seeds: 1,
      bias: round(b.eval.summary.multi.languageBias, 1),
      bias_ci: null,
    });
  }
  for (
    const group of groupRuns(results.runs.filter((r) => !r.strategy.startsWith("α="))).values()
  ) {
    const r0 = group[0];
    const ci = meanCi(group.map((r) => r.eval.summary.multi.languageBias));
    rows.push({
      finetune: r0.finetune,
      dataset: r0.dataset,
      base: r0.base,
      strategy: r0.strategy,
      seeds: group.length,
      bias: round(ci.mean, 1),
      bias_ci: round(ci.halfWidth, 1),
    });
  }
  return rows;
}

/** Per-query rank distances of each strategy (all seeds pooled), for the distribution figure. */
export function biasDistribution(
  results: ExperimentResults,
  finetune: string,
  dataset: string,
): Row[] {
  const rows: Row[] = [];
  for (const r of results.runs) {
    if (r.finetune !== finetune || r.dataset !== dataset || r.strategy.startsWith("α=")) continue;
    for (const [lang, values] of Object.entries(r.eval.perQuery.bias)) {
      for (const v of values as (number | null)[]) {
        if (v !== null) {
          rows.push({ base: r.base, strategy: r.strategy, seed: r.seed, lang, rank_distance: v });
        }
      }
    }
  }
  return rows;
}

/**
 * The paper's per-language tables (3–6): per query language, mono mAP and
 * R@1, cross mAP and R@1 (mean over the other candidate languages), multi mAP
 * and R@10 — means over seeds — with languages outside the training languages
 * marked unseen.
 */
export function perLanguageTable(
  results: ExperimentResults,
  trainingLanguages: Record<string, readonly string[]>,
): Row[] {
  const rows: Row[] = [];
  for (
    const group of groupRuns(results.runs.filter((r) => !r.strategy.startsWith("α="))).values()
  ) {
    const r0 = group[0];
    const seen = new Set(trainingLanguages[r0.finetune] ?? []);
    for (const lang of r0.eval.summary.langs) {
      const avg = (f: (s: Summary) => number) =>
        round(group.reduce((t, r) => t + f(r.eval.summary), 0) / group.length);
      const crossOf = (s: Summary, key: "map" | "recall") => {
        const pairs = Object.entries(s.cross.perPair).filter(([k, v]) =>
          k.startsWith(`${lang}-`) && v.n > 0
        );
        return pairs.reduce((t, [, v]) => t + v[key], 0) / pairs.length;
      };
      rows.push({
        finetune: r0.finetune,
        dataset: r0.dataset,
        base: r0.base,
        strategy: r0.strategy,
        lang,
        unseen: !seen.has(lang),
        mono_map: avg((s) => s.mono.perLang[lang].map),
        mono_r1: avg((s) => s.mono.perLang[lang].recall),
        cross_map: avg((s) => crossOf(s, "map")),
        cross_r1: avg((s) => crossOf(s, "recall")),
        multi_map: avg((s) => s.multi.perLang[lang].map),
        multi_r10: avg((s) => s.multi.perLang[lang].recall),
      });
    }
  }
  return rows;
}

/** The α sweep: per α, dataset and setting (and bias), the mean over seeds ± 95% interval. */
export function alphaSweepTable(results: ExperimentResults): Row[] {
  const sweep = results.config.alphaSweep;
  if (!sweep) return [];
  const rows: Row[] = [];
  const runs = results.runs.filter((r) =>
    r.finetune === sweep.finetune && r.base === sweep.base && sweep.alphas.includes(r.alpha) &&
    sweep.seeds.includes(r.seed)
  );
  const datasets = [...new Set(runs.map((r) => r.dataset))].sort();
  for (const dataset of datasets) {
    for (const alpha of sweep.alphas) {
      const group = runs.filter((r) => r.dataset === dataset && r.alpha === alpha);
      if (group.length === 0) continue;
      for (const setting of [...SETTINGS, "bias"] as const) {
        const ci = meanCi(group.map((r) => settingValue(r.eval.summary, setting)));
        rows.push({
          dataset,
          alpha,
          setting,
          metric: setting === "bias" ? "rank distance" : "mAP",
          mean: round(ci.mean, setting === "bias" ? 1 : 4),
          ci: round(ci.halfWidth, setting === "bias" ? 1 : 4),
          seeds: group.length,
        });
      }
    }
  }
  return rows;
}

/** How long each model of the grid took to train (from its run.json), for the README's timing table. */
export function trainingRunsTable(results: ExperimentResults): Row[] {
  const rows: Row[] = [];
  const seen = new Set<string>();
  const add = (what: Row, m: RunRecord["model"]) => {
    if (seen.has(m.key)) return;
    seen.add(m.key);
    const r = m.run.result;
    rows.push({
      ...what,
      status: r.status,
      steps: r.steps,
      best_step: r.bestStep,
      seconds: round(r.seconds, 1),
      pairs_per_s: round(r.pairsPerSecond, 0),
      backend: m.run.backend,
    });
  };
  for (const b of results.bases) {
    add(
      { model: `base ${b.base}`, finetune: "—", base: b.base, strategy: "—", seed: null },
      b.model,
    );
  }
  for (const r of results.runs) {
    add({
      model: `${r.finetune}/${r.base}/${r.strategy}/seed${r.seed}`,
      finetune: r.finetune,
      base: r.base,
      strategy: r.strategy,
      seed: r.seed,
    }, r.model);
  }
  return rows;
}
