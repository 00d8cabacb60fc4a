/**
 * From the experiment grid to the paper's tables: means over seeds with 95%
 * intervals (Student t over seeds), per (protocol, dataset, base, strategy),
 * with the anchors a reviewer expects beside them — BM25, each base without
 * fine-tuning (every pre-training or initialisation seed), the extra
 * baselines (e.g. mean-centering) and the chance level of every measure.
 * Everything here is arithmetic over cached evaluation records; effect sizes
 * and their tests are in `effects.ts`, the paper's numbers are added by
 * `lib/report/paper_columns.ts`; the notebooks only call and display.
 *
 * @module
 */

import type { ChanceLevels } from "../eval/chance.ts";
import { meanCi } from "../eval/significance.ts";
import type { Row } from "../util/row.ts";
import { type ExperimentResults, NO_FINE_TUNING, type RunRecord } from "./experiment.ts";
import type { EvalRecord } from "./runs.ts";

export type { Row } from "../util/row.ts";

/** The three settings, and the metric each is compared on. */
export const SETTINGS = ["mono", "cross", "multi"] as const;
export type Setting = typeof SETTINGS[number];

type Summary = RunRecord["eval"]["summary"];

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

/** A row group of the tables: what it is, and its evaluations (one per seed). */
export interface TableGroup {
  protocol: string;
  finetune: string;
  dataset: string;
  base: string;
  strategy: string;
  evals: EvalRecord[];
}

/**
 * Every row group of Tables 1 and 2, in display order: BM25 per dataset, each
 * base without fine-tuning (its pre-trainings or initialisation seeds
 * together), the extra baselines, then the strategies of the grid (α-sweep-only
 * points left out).
 */
export function tableGroups(results: ExperimentResults): TableGroup[] {
  const out: TableGroup[] = [];
  for (const b of results.bm25) {
    out.push({
      protocol: "—",
      finetune: "—",
      dataset: b.dataset,
      base: "—",
      strategy: "BM25",
      evals: [b.eval],
    });
  }
  const add = (
    key: string,
    g: Omit<TableGroup, "evals">,
    ev: EvalRecord,
    seen: Map<string, TableGroup>,
  ) => {
    let group = seen.get(key);
    if (!group) {
      seen.set(key, group = { ...g, evals: [] });
      out.push(group);
    }
    if (!group.evals.some((e) => e.key === ev.key)) group.evals.push(ev);
  };
  const bases = new Map<string, TableGroup>();
  for (const b of results.bases) {
    add(
      `${b.dataset}|${b.base}`,
      {
        protocol: "—",
        finetune: "—",
        dataset: b.dataset,
        base: b.base,
        strategy: NO_FINE_TUNING,
      },
      b.eval,
      bases,
    );
  }
  const extra = new Map<string, TableGroup>();
  for (const x of results.extra) {
    add(
      `${x.name}|${x.finetune}|${x.dataset}|${x.base}`,
      {
        protocol: x.finetune === "—" ? "—" : results.config.finetune[x.finetune]?.protocol ?? "—",
        finetune: x.finetune,
        dataset: x.dataset,
        base: x.base,
        strategy: x.name,
      },
      x.eval,
      extra,
    );
  }
  for (
    const group of groupRuns(results.runs.filter((r) => !r.strategy.startsWith("α="))).values()
  ) {
    const r0 = group[0];
    out.push({
      protocol: r0.protocol,
      finetune: r0.finetune,
      dataset: r0.dataset,
      base: r0.base,
      strategy: r0.strategy,
      evals: group.map((r) => r.eval),
    });
  }
  return out;
}

/** Mean over a group's evaluations ± the half-width of its 95% interval (null for one value). */
function meanAndCi(
  evals: readonly EvalRecord[],
  f: (s: Summary) => number,
  digits: number,
): [number | null, number | null] {
  const ci = meanCi(evals.map((e) => f(e.summary)));
  return [round(ci.mean, digits), evals.length > 1 ? round(ci.halfWidth, digits) : null];
}

/**
 * The paper's Table 1: mAP in the three settings, mean over seeds ± the 95%
 * interval half-width, per (protocol, dataset, base, strategy), with the
 * anchors (`tableGroups`) and, when given, the chance level of each dataset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticResults } from "./_synthetic.ts";
 * import { mapTable } from "./summarize.ts";
 * const rows = mapTable(syntheticResults({ value: (p) => (p.strategy === "hybrid" ? 0.6 : 0.5) }));
 * const hybrid = rows.find((r) => r.strategy === "hybrid" && r.base === "aligned")!;
 * assert(Math.abs((hybrid.multi as number) - 0.6) < 0.02 && hybrid.seeds === 5);
 * ```
 */
export function mapTable(results: ExperimentResults, chance: readonly ChanceLevels[] = []): Row[] {
  const rows: Row[] = [];
  for (const c of chance) {
    rows.push({
      protocol: "—",
      finetune: "—",
      dataset: c.dataset,
      base: "—",
      strategy: "chance",
      seeds: null,
      ...Object.fromEntries(
        SETTINGS.flatMap((s) => [[s, round(c[s].map, 5)], [`${s}_ci`, null]]),
      ),
    });
  }
  for (const g of tableGroups(results)) {
    const row: Row = {
      protocol: g.protocol,
      finetune: g.finetune,
      dataset: g.dataset,
      base: g.base,
      strategy: g.strategy,
      seeds: g.evals.length,
    };
    for (const s of SETTINGS) {
      [row[s], row[`${s}_ci`]] = meanAndCi(g.evals, (x) => settingValue(x, s), 4);
    }
    rows.push(row);
  }
  return rows;
}

/**
 * The paper's Table 2, readable: the rank distance (mean over seeds ± 95%
 * interval; tie-aware ranks) beside its chance level and normalised by the
 * pool (`bias / (pool − 1)`, 0 … 1), split into the rank of the answer in the
 * query's own language and the mean rank of the other languages' answers,
 * with the query language's share of the top 10 (and its chance level, the
 * language's share of the pool).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticResults } from "./_synthetic.ts";
 * import { languageBiasTable } from "./summarize.ts";
 * const results = syntheticResults({ value: (p) => (p.setting === "bias" ? 500 : 0.5) });
 * const chance = [{ dataset: "xquad-r", poolSize: 1001, biasMethod: "exact",
 *   mono: { map: 0, r1: 0 }, cross: { map: 0, r1: 0 },
 *   multi: { map: 0, r10: 0, hit1: 0, languageBias: 1000, ownRank: 500, otherRank: 500, top10Own: 0.33 } }];
 * const row = languageBiasTable(results, chance).find((r) => r.strategy === "hybrid")!;
 * assert(Math.abs((row.bias_vs_chance as number) - 0.5) < 0.05);
 * assert(Math.abs((row.bias_per_pool as number) - 0.5) < 0.05);
 * ```
 */
export function languageBiasTable(
  results: ExperimentResults,
  chance: readonly ChanceLevels[] = [],
): Row[] {
  const rows: Row[] = [];
  const chanceOf = new Map(chance.map((c) => [c.dataset, c]));
  for (const c of chance) {
    rows.push({
      finetune: "—",
      dataset: c.dataset,
      base: "—",
      strategy: `chance (${c.biasMethod})`,
      seeds: null,
      bias: round(c.multi.languageBias, 1),
      bias_ci: null,
      bias_vs_chance: 1,
      bias_per_pool: round(c.multi.languageBias / (c.poolSize - 1), 4),
      own_rank: round(c.multi.ownRank, 1),
      other_rank: round(c.multi.otherRank, 1),
      top10_own: round(c.multi.top10Own, 4),
      top10_own_chance: round(c.multi.top10Own, 4),
    });
  }
  for (const g of tableGroups(results)) {
    const c = chanceOf.get(g.dataset);
    const [bias, biasCi] = meanAndCi(g.evals, (s) => s.multi.languageBias, 1);
    rows.push({
      finetune: g.finetune,
      dataset: g.dataset,
      base: g.base,
      strategy: g.strategy,
      seeds: g.evals.length,
      bias,
      bias_ci: biasCi,
      bias_vs_chance: c && bias !== null ? round(bias / c.multi.languageBias, 4) : null,
      bias_per_pool: c && bias !== null ? round(bias / (c.poolSize - 1), 4) : null,
      own_rank: meanAndCi(g.evals, (s) => s.multi.ownRank, 1)[0],
      other_rank: meanAndCi(g.evals, (s) => s.multi.otherRank, 1)[0],
      top10_own: meanAndCi(g.evals, (s) => s.multi.top10Own, 4)[0],
      top10_own_chance: c ? round(c.multi.top10Own, 4) : null,
    });
  }
  return rows;
}

/**
 * The chance level of every measure, per dataset: what a uniformly random
 * ranking of the real pools scores (`lib/eval/chance.ts`; exact closed forms,
 * the method of the rank distance named).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chanceTable } from "./summarize.ts";
 * const rows = chanceTable([{ dataset: "d", poolSize: 10, biasMethod: "exact",
 *   mono: { map: 0.3, r1: 0.1 }, cross: { map: 0.3, r1: 0.1 },
 *   multi: { map: 0.2, r10: 1, hit1: 0.2, languageBias: 6, ownRank: 5.5, otherRank: 5.5, top10Own: 0.5 } }]);
 * assert.equal(rows.find((r) => r.measure === "multi language bias")!.chance, 6);
 * ```
 */
export function chanceTable(chance: readonly ChanceLevels[]): Row[] {
  const rows: Row[] = [];
  for (const c of chance) {
    const add = (measure: string, value: number, method = "exact") =>
      rows.push({ dataset: c.dataset, pool: c.poolSize, measure, chance: round(value, 6), method });
    add("mono mAP", c.mono.map);
    add("mono R@1", c.mono.r1);
    add("cross mAP", c.cross.map);
    add("cross R@1", c.cross.r1);
    add("multi mAP", c.multi.map);
    add("multi R@10", c.multi.r10);
    add("multi hit@1", c.multi.hit1);
    add("multi language bias", c.multi.languageBias, c.biasMethod);
    add("multi own-language rank", c.multi.ownRank);
    add("multi other-language rank", c.multi.otherRank);
    add("multi top-10 query-language share", c.multi.top10Own);
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

/**
 * The paper's Table 3 shape: per (protocol, dataset, base, strategy), means
 * over the source languages (then over seeds) of mAP and R@1 in each
 * setting — the multilingual "R@1" being hit@1, a relevant candidate at rank
 * 1 (with several relevant candidates, recall@1 could not reach the paper's
 * values).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticResults } from "./_synthetic.ts";
 * import { perLanguageMeansTable } from "./summarize.ts";
 * const rows = perLanguageMeansTable(syntheticResults({ value: () => 0.5 }));
 * assert.equal(rows.length, 2 * 3);
 * assert("r1_multi" in rows[0] && "map_cross" in rows[0]);
 * ```
 */
export function perLanguageMeansTable(results: ExperimentResults): Row[] {
  const rows: Row[] = [];
  for (
    const group of groupRuns(results.runs.filter((r) => !r.strategy.startsWith("α="))).values()
  ) {
    const r0 = group[0];
    const avg = (f: (s: Summary) => number) =>
      round(group.reduce((t, r) => t + f(r.eval.summary), 0) / group.length);
    rows.push({
      finetune: r0.finetune,
      dataset: r0.dataset,
      base: r0.base,
      strategy: r0.strategy,
      seeds: group.length,
      map_mono: avg((s) => s.mono.map),
      map_cross: avg((s) => s.cross.map),
      map_multi: avg((s) => s.multi.map),
      r1_mono: avg((s) => s.mono.r1),
      r1_cross: avg((s) => s.cross.r1),
      r1_multi: avg((s) => s.multi.hit1),
    });
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

/** How a base model came about, as the timing table names it (default: pre-training). */
const BASE_ORIGIN: Record<string, string> = { initialised: "init seed", given: "given" };

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
      {
        model: `base ${b.base} (${BASE_ORIGIN[b.model.run.result.status] ?? "pre-training seed"} ${
          b.model.run.result.status === "given" ? "folder" : b.seed
        })`,
        finetune: "—",
        base: b.base,
        strategy: NO_FINE_TUNING,
        seed: b.seed,
      },
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
