/**
 * The statistics every table, finding and verdict reads: effect sizes
 * between batch strategies and against the baselines, each with its
 * hierarchical bootstrap (seeds, then questions clustered across languages
 * and pairs; `lib/eval/hierarchical_bootstrap.ts`), per cell of the grid
 * (fine-tuning variant × evaluation dataset × base):
 *
 * - `effects`: hybrid − X-X, hybrid − X-Y and X-Y − X-X, in mono, cross and
 *   multi mAP and the rank distance (`bias`), paired by seed (the runs of a
 *   seed share their initialisation);
 * - `fineTuning`: each strategy − its base without fine-tuning (the run of
 *   seed s against the base it started from), in mono, cross and multi;
 * - `anchors`: hybrid − BM25 (unpaired: BM25 is one deterministic run) and
 *   hybrid − each extra baseline of the cell (e.g. X-X + mean-centering).
 *
 * Computed once per notebook from cached evaluations; nothing here is
 * eyeballed, and the same numbers feed the tables, the findings and the
 * verdicts.
 *
 * @module
 */

import {
  type BootstrapResult,
  ClusterResampling,
  hierarchicalBootstrap,
} from "../eval/hierarchical_bootstrap.ts";
import {
  type BaseRecord,
  type ExperimentResults,
  NO_FINE_TUNING,
  type RunRecord,
} from "./experiment.ts";
import type { EvalRecord } from "./runs.ts";
import { type StatSetting, type UnitLayout, unitLayout, unitValues } from "./units.ts";

/** A (fine-tuning variant, evaluation dataset, base) cell of the grid. */
export interface Cell {
  finetune: string;
  dataset: string;
  base: string;
}

/** The key of a cell, `finetune|dataset|base`. */
export const cellKey = (c: Cell): string => `${c.finetune}|${c.dataset}|${c.base}`;

/** The three strategy contrasts the paper's claims rest on, `[a, b]` for `a − b`. */
export const STRATEGY_CONTRASTS: readonly (readonly [string, string])[] = [
  ["hybrid", "X-X"],
  ["hybrid", "X-Y"],
  ["X-Y", "X-X"],
];

/** The three strategies. */
export const STRATEGIES: readonly string[] = ["X-X", "X-Y", "hybrid"];

/** The mAP settings. */
export const MAP_SETTINGS: readonly StatSetting[] = ["mono", "cross", "multi"];

/** One effect `a − b` in one cell and setting. */
export interface Effect extends Cell {
  setting: StatSetting;
  a: string;
  b: string;
  /** Observed difference (mAP; rank distance for `bias`, where lower is better). */
  diff: number;
  ciLo: number;
  ciHi: number;
  se: number;
  /** Degrees of freedom of the t reference (`Infinity`: normal). */
  df: number;
  /** Two-sided p-value for no difference. */
  p: number;
  /** Minimum detectable effect (5% two-sided, 80% power). */
  mde: number;
  /** Mean over seeds of each side's summary value. */
  meanA: number;
  meanB: number;
  seedsA: number;
  seedsB: number;
  paired: boolean;
  questions: number;
  units: number;
}

/** Everything the verdicts and findings read. */
export interface Statistics {
  cells: Cell[];
  effects: Effect[];
  fineTuning: Effect[];
  anchors: Effect[];
  /** Seeds per strategy in each cell (the fewest of the three). */
  seeds: Record<string, number>;
  iterations: number;
  /** Wall time of the bootstraps, seconds. */
  seconds: number;
}

/** Options of {@linkcode computeStatistics}. */
export interface StatisticsOptions {
  /** Bootstrap resamples per effect. Default 2000. */
  iterations?: number;
  /** Seed of every bootstrap. Default 1. */
  seed?: number;
  /** Only the cells this keeps (default: every cell). */
  cells?: (cell: Cell) => boolean;
}

/** A setting's value in an evaluation summary (mAP, or the rank distance). */
export function summaryValue(ev: EvalRecord, setting: StatSetting): number {
  const s = ev.summary;
  return setting === "bias" ? s.multi.languageBias : s[setting].map;
}

const meanOf = (xs: readonly number[]) => xs.reduce((t, x) => t + x, 0) / xs.length;

/** The base record a run started from (null bases: the initialisation of its seed). */
export function baseOf(results: ExperimentResults, run: RunRecord): BaseRecord | undefined {
  return results.bases.find((b) =>
    b.base === run.base && b.seed === run.baseSeed && b.dataset === run.dataset &&
    b.finetunes.includes(run.finetune)
  );
}

/** The cells of the grid's strategy runs (α-sweep-only points left out), in grid order. */
export function cellsOf(results: ExperimentResults): Cell[] {
  const seen = new Map<string, Cell>();
  for (const r of results.runs) {
    if (!STRATEGIES.includes(r.strategy)) continue;
    const c = { finetune: r.finetune, dataset: r.dataset, base: r.base };
    if (!seen.has(cellKey(c))) seen.set(cellKey(c), c);
  }
  return [...seen.values()];
}

/**
 * One effect from two lists of evaluations (per seed; paired when both lists
 * follow the same seeds).
 */
export function compareEvals(
  cell: Cell,
  setting: StatSetting,
  a: { name: string; evals: readonly EvalRecord[] },
  b: { name: string; evals: readonly EvalRecord[] },
  paired: boolean,
  options: StatisticsOptions = {},
  layout: UnitLayout = unitLayout(a.evals[0].perQuery, setting),
  resampling?: ClusterResampling,
): Effect {
  const r: BootstrapResult = hierarchicalBootstrap(
    a.evals.map((e) => unitValues(e.perQuery, layout)),
    b.evals.map((e) => unitValues(e.perQuery, layout)),
    layout,
    { iterations: options.iterations ?? 2000, seed: options.seed ?? 1, paired, resampling },
  );
  return {
    ...cell,
    setting,
    a: a.name,
    b: b.name,
    diff: r.diff,
    ciLo: r.ci95[0],
    ciHi: r.ci95[1],
    se: r.se,
    df: r.df,
    p: r.p,
    mde: r.mde,
    meanA: meanOf(a.evals.map((e) => summaryValue(e, setting))),
    meanB: meanOf(b.evals.map((e) => summaryValue(e, setting))),
    seedsA: a.evals.length,
    seedsB: b.evals.length,
    paired,
    questions: r.clusters,
    units: r.units,
  };
}

/**
 * Every effect of the grid (see the module doc). Deterministic: the same
 * evaluations and options give the same numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeStatistics } from "./effects.ts";
 * import { syntheticResults } from "./_synthetic.ts";
 * // X-Y loses 0.04 monolingual mAP against X-X in every cell
 * const results = syntheticResults({
 *   value: (p) => (p.setting === "bias" ? 900 : 0.5 - (p.strategy === "X-Y" && p.setting === "mono" ? 0.04 : 0)),
 * });
 * const stats = computeStatistics(results, { iterations: 200 });
 * const cost = stats.effects.filter((e) => e.a === "X-Y" && e.b === "X-X" && e.setting === "mono");
 * assert(cost.length === 2 && cost.every((e) => e.ciHi < 0 && Math.abs(e.diff + 0.04) < 0.01));
 * ```
 */
export function computeStatistics(
  results: ExperimentResults,
  options: StatisticsOptions = {},
): Statistics {
  const t0 = performance.now();
  const cells = cellsOf(results).filter(options.cells ?? (() => true));
  const effects: Effect[] = [], fineTuning: Effect[] = [], anchors: Effect[] = [];
  const seeds: Record<string, number> = {};
  const layouts = new Map<string, UnitLayout>();
  const layoutOf = (dataset: string, setting: StatSetting, ev: EvalRecord) => {
    const key = `${dataset}|${setting}`;
    let l = layouts.get(key);
    if (!l) layouts.set(key, l = unitLayout(ev.perQuery, setting));
    return l;
  };
  // One set of question draws per dataset, shared by all its comparisons.
  const iterations = options.iterations ?? 2000;
  const resamplings = new Map<string, ClusterResampling>();
  const resamplingOf = (dataset: string, layout: UnitLayout) => {
    let r = resamplings.get(dataset);
    if (!r || r.clusters !== layout.questions.length) {
      resamplings.set(
        dataset,
        r = new ClusterResampling(layout.questions.length, iterations, options.seed ?? 1),
      );
    }
    return r;
  };
  const compare = (
    cell: Cell,
    setting: StatSetting,
    a: { name: string; evals: readonly EvalRecord[] },
    b: { name: string; evals: readonly EvalRecord[] },
    paired: boolean,
  ) => {
    const layout = layoutOf(cell.dataset, setting, a.evals[0]);
    return compareEvals(
      cell,
      setting,
      a,
      b,
      paired,
      options,
      layout,
      resamplingOf(cell.dataset, layout),
    );
  };
  for (const cell of cells) {
    const runsOf = (strategy: string) =>
      results.runs.filter((r) =>
        r.strategy === strategy && r.finetune === cell.finetune && r.dataset === cell.dataset &&
        r.base === cell.base
      ).sort((x, y) => x.seed - y.seed);
    const groups = new Map(STRATEGIES.map((s) => [s, runsOf(s)]));
    seeds[cellKey(cell)] = Math.min(...[...groups.values()].map((g) => g.length));
    const side = (name: string, runs: readonly RunRecord[]) => ({
      name,
      evals: runs.map((r) => r.eval),
    });
    const sameSeeds = (x: readonly RunRecord[], y: readonly RunRecord[]) =>
      x.length === y.length && x.every((r, i) => r.seed === y[i].seed);
    for (const [a, b] of STRATEGY_CONTRASTS) {
      const ga = groups.get(a)!, gb = groups.get(b)!;
      if (ga.length === 0 || gb.length === 0) continue;
      for (const setting of [...MAP_SETTINGS, "bias"] as StatSetting[]) {
        effects.push(
          compare(
            cell,
            setting,
            side(a, ga),
            side(b, gb),
            sameSeeds(ga, gb),
          ),
        );
      }
    }
    for (const [strategy, runs] of groups) {
      if (runs.length === 0) continue;
      const bases = runs.map((r) => baseOf(results, r));
      if (bases.some((b) => b === undefined)) continue;
      for (const setting of MAP_SETTINGS) {
        fineTuning.push(
          compare(
            cell,
            setting,
            side(strategy, runs),
            { name: NO_FINE_TUNING, evals: bases.map((b) => b!.eval) },
            true,
          ),
        );
      }
    }
    const hybrid = groups.get("hybrid")!;
    if (hybrid.length === 0) continue;
    const bm25 = results.bm25.find((b) => b.dataset === cell.dataset);
    if (bm25) {
      for (const setting of MAP_SETTINGS) {
        anchors.push(
          compare(
            cell,
            setting,
            side("hybrid", hybrid),
            { name: "BM25", evals: [bm25.eval] },
            false,
          ),
        );
      }
    }
    const extraNames = [
      ...new Set(
        results.extra.filter((x) =>
          x.dataset === cell.dataset && (x.base === cell.base || x.base === "—") &&
          (x.finetune === cell.finetune || x.finetune === "—")
        ).map((x) => x.name),
      ),
    ];
    for (const name of extraNames) {
      const xs = results.extra.filter((x) =>
        x.name === name && x.dataset === cell.dataset &&
        (x.base === cell.base || x.base === "—") &&
        (x.finetune === cell.finetune || x.finetune === "—")
      ).sort((p, q) => (p.seed ?? 0) - (q.seed ?? 0));
      const paired = xs.length === hybrid.length && xs.every((x, i) => x.seed === hybrid[i].seed);
      for (const setting of ["multi", "bias"] as StatSetting[]) {
        anchors.push(
          compare(
            cell,
            setting,
            side("hybrid", hybrid),
            { name, evals: xs.map((x) => x.eval) },
            paired,
          ),
        );
      }
    }
  }
  return {
    cells,
    effects,
    fineTuning,
    anchors,
    seeds,
    iterations: options.iterations ?? 2000,
    seconds: (performance.now() - t0) / 1000,
  };
}
