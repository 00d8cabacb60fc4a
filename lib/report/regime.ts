/**
 * The regime check that comes before every comparative verdict. The method
 * balances a trade-off — X-X batches are best monolingually, X-Y batches
 * cross-lingually — and works by fine-tuning; if a cell of the grid shows no
 * trade-off, or fine-tuning barely moves its models, a difference between
 * strategies there says nothing about the method. Per cell, all of:
 *
 * 1. **design**: at least {@linkcode MIN_SEEDS} seeds per strategy (seeds are
 *    the replication unit);
 * 2. **trade-off**: X-Y − X-X monolingual mAP below zero, its 95% interval
 *    excluding zero;
 * 3. **fine-tuning matters**: some strategy moves some setting (mono, cross,
 *    multi mAP) over its base without fine-tuning by at least the paper's
 *    scale (`margins.ts` {@linkcode paperScale}), significantly (one-sided,
 *    Holm over the nine strategy × setting tests of the cell, 5%).
 *
 * A cell that fails is "not testable here", with the numbers that say why.
 *
 * @module
 */

import { holm } from "../eval/holm.ts";
import { pAbove } from "../eval/hierarchical_bootstrap.ts";
import { type Cell, cellKey, type Effect, type Statistics } from "../pipeline/effects.ts";
import { paperScale } from "./margins.ts";
import { paperEffect } from "./paper.ts";
import type { Row } from "../util/row.ts";
import { roundSignificant, signed } from "./tables.ts";

/** Seeds per strategy a verdict needs in a cell. */
export const MIN_SEEDS = 5;

/** The significance level of every verdict test (after Holm). */
export const ALPHA = 0.05;

/** The regime of one cell. */
export interface RegimeCheck extends Cell {
  seeds: number;
  seedsOk: boolean;
  /** X-Y − X-X, monolingual mAP (null when a strategy is missing). */
  tradeOff: Effect | null;
  tradeOffOk: boolean;
  /** X-Y − X-X, cross-lingual mAP (shown beside the trade-off; not a condition). */
  crossGain: Effect | null;
  /** The paper-scale margin fine-tuning must reach (null: no paper counterpart). */
  margin: number | null;
  /** The largest fine-tuning move, and its Holm-adjusted one-sided p-value. */
  bestMove: { effect: Effect; pHolm: number } | null;
  fineTuningOk: boolean;
  passes: boolean;
}

const f3 = (x: number) => signed(x);
const ci = (e: Effect) => `[${f3(e.ciLo)}, ${f3(e.ciHi)}]`;

/**
 * The regime of every cell of the statistics.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeStatistics } from "../pipeline/effects.ts";
 * import { syntheticResults } from "../pipeline/_synthetic.ts";
 * import { regimeChecks } from "./regime.ts";
 * // no trade-off: every strategy alike, fine-tuning +0.05 over the base
 * const stats = computeStatistics(syntheticResults({
 *   value: (p) => (p.setting === "bias" ? 900 : p.strategy === "no fine-tuning" ? 0.45 : 0.5),
 * }), { iterations: 200 });
 * const r = regimeChecks(stats);
 * assert(r.every((c) => c.seedsOk && c.fineTuningOk && !c.tradeOffOk && !c.passes));
 * ```
 */
export function regimeChecks(stats: Statistics): RegimeCheck[] {
  return stats.cells.map((cell) => {
    const key = cellKey(cell);
    const inCell = (e: Effect) => cellKey(e) === key;
    const find = (a: string, b: string, s: string) =>
      stats.effects.find((e) => inCell(e) && e.a === a && e.b === b && e.setting === s) ?? null;
    const tradeOff = find("X-Y", "X-X", "mono");
    const seeds = stats.seeds[key] ?? 0;
    const margin = paperScale(cell.base, cell.dataset);
    const moves = stats.fineTuning.filter(inCell);
    const pHolm = holm(moves.map((e) => pAbove(e.diff, e.se, 0, e.df)));
    let bestMove: RegimeCheck["bestMove"] = null;
    let fineTuningOk = false;
    moves.forEach((effect, i) => {
      const ok = margin !== null && effect.diff >= margin && pHolm[i] < ALPHA;
      if (ok && (!fineTuningOk || effect.diff > bestMove!.effect.diff)) {
        bestMove = { effect, pHolm: pHolm[i] };
        fineTuningOk = true;
      } else if (!fineTuningOk && (bestMove === null || effect.diff > bestMove.effect.diff)) {
        bestMove = { effect, pHolm: pHolm[i] };
      }
    });
    const seedsOk = seeds >= MIN_SEEDS;
    const tradeOffOk = tradeOff !== null && tradeOff.ciHi < 0;
    return {
      ...cell,
      seeds,
      seedsOk,
      tradeOff,
      tradeOffOk,
      crossGain: find("X-Y", "X-X", "cross"),
      margin,
      bestMove,
      fineTuningOk,
      passes: seedsOk && tradeOffOk && fineTuningOk,
    };
  });
}

/**
 * One cell's regime in words: what passed and the numbers of what failed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeStatistics } from "../pipeline/effects.ts";
 * import { syntheticResults } from "../pipeline/_synthetic.ts";
 * import { describeRegime, regimeChecks } from "./regime.ts";
 * const stats = computeStatistics(syntheticResults({ value: (p) => (p.setting === "bias" ? 900 : 0.5), seeds: [1, 2] }), { iterations: 100 });
 * assert.match(describeRegime(regimeChecks(stats)[0]), /2 seeds per strategy \(needs ≥ 5\)/);
 * ```
 */
export function describeRegime(r: RegimeCheck): string {
  const parts: string[] = [];
  parts.push(`${r.seeds} seeds per strategy${r.seedsOk ? "" : ` (needs ≥ ${MIN_SEEDS})`}`);
  if (r.tradeOff) {
    const p = paperEffect(r.base, r.dataset, "X-Y", "X-X", "mono");
    const paper = p === null ? "" : `; paper ${f3(p)}`;
    const cross = r.crossGain ? `; cross ${f3(r.crossGain.diff)} ${ci(r.crossGain)}` : "";
    parts.push(
      `X-Y − X-X mono ${f3(r.tradeOff.diff)} ${ci(r.tradeOff)}${paper}${cross}: ${
        r.tradeOffOk ? "a trade-off" : "no trade-off"
      }`,
    );
  } else parts.push("no X-Y/X-X pair to check the trade-off");
  if (r.margin === null) parts.push("no paper counterpart for the fine-tuning margin");
  else if (r.bestMove) {
    const m = r.bestMove.effect;
    parts.push(
      `fine-tuning moves ${m.a} ${m.setting} by ${f3(m.diff)} ${ci(m)} over the base (margin ${
        r.margin.toFixed(3)
      }, Holm p ${r.bestMove.pHolm.toPrecision(2)}): ${r.fineTuningOk ? "enough" : "not enough"}`,
    );
  } else parts.push("no base without fine-tuning to compare with");
  return `${r.finetune} · ${r.dataset} · ${r.base}: ${parts.join("; ")}`;
}

/**
 * The regime of every cell as table rows (the evidence each comparative
 * verdict starts from).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeStatistics } from "../pipeline/effects.ts";
 * import { syntheticResults } from "../pipeline/_synthetic.ts";
 * import { regimeChecks, regimeTable } from "./regime.ts";
 * const stats = computeStatistics(syntheticResults({ value: () => 0.5 }), { iterations: 50 });
 * const rows = regimeTable(regimeChecks(stats));
 * assert.equal(rows.length, 2);
 * assert.equal(rows[0].passes, false);
 * assert.equal(rows[0].paper_trade_off, -0.037);
 * ```
 */
export function regimeTable(
  regime: readonly RegimeCheck[],
): Row[] {
  const r5 = (x: number | undefined) => (x === undefined ? null : Math.round(x * 1e5) / 1e5);
  return regime.map((r) => ({
    finetune: r.finetune,
    dataset: r.dataset,
    base: r.base,
    seeds: r.seeds,
    seeds_ok: r.seedsOk,
    trade_off: r5(r.tradeOff?.diff),
    trade_off_lo: r5(r.tradeOff?.ciLo),
    trade_off_hi: r5(r.tradeOff?.ciHi),
    paper_trade_off: paperEffect(r.base, r.dataset, "X-Y", "X-X", "mono"),
    trade_off_ok: r.tradeOffOk,
    cross_gain: r5(r.crossGain?.diff),
    margin: r5(r.margin ?? undefined),
    best_move: r.bestMove ? `${r.bestMove.effect.a} ${r.bestMove.effect.setting}` : null,
    best_move_diff: r5(r.bestMove?.effect.diff),
    best_move_lo: r5(r.bestMove?.effect.ciLo),
    best_move_p_holm: r.bestMove ? roundSignificant(r.bestMove.pHolm) : null,
    fine_tuning_ok: r.fineTuningOk,
    passes: r.passes,
  }));
}
