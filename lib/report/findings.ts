/**
 * What each table and figure shows, in words, worded from the same
 * statistics the verdicts use (`effects.ts`, `regime.ts`, `claim_rules.ts`),
 * so that the prose under a table cannot go stale: rerun the grid and the
 * sentences change with the numbers.
 *
 * @module
 */

import type { Effect, Statistics } from "../pipeline/effects.ts";
import { paperEffect, paperValue } from "./paper.ts";
import type { RegimeCheck } from "./regime.ts";
import { type Row, signed } from "./tables.ts";

/** "a … b" over values (or the single value), signed. */
function span(values: readonly number[], d = 3): string {
  if (values.length === 0) return "n/a";
  const lo = signed(Math.min(...values), d), hi = signed(Math.max(...values), d);
  return lo === hi ? lo : `${lo} … ${hi}`;
}

const pct = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}%`;

/** "a% … b%" over fractions. */
function pctSpan(values: readonly number[]): string {
  if (values.length === 0) return "n/a";
  const lo = pct(Math.min(...values)), hi = pct(Math.max(...values));
  return lo === hi ? lo : `${lo} … ${hi}`;
}

function effects(stats: Statistics, a: string, b: string, setting: string): Effect[] {
  return stats.effects.filter((e) => e.a === a && e.b === b && e.setting === setting);
}

function paperSpan(es: readonly Effect[]): string {
  const p = es.map((e) => paperEffect(e.base, e.dataset, e.a, e.b, e.setting))
    .filter((x): x is number => x !== null);
  return span(p);
}

/** Effects whose 95% interval excludes zero, in words: "k of n significant". */
function significant(es: readonly Effect[]): string {
  const k = es.filter((e) => e.ciLo > 0 || e.ciHi < 0).length;
  return `interval excluding zero in ${k} of ${es.length}`;
}

/**
 * Table 1's finding: the premise (trade-off, fine-tuning), then hybrid
 * against each baseline, measured beside the paper.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeStatistics } from "../pipeline/effects.ts";
 * import { syntheticResults } from "../pipeline/_synthetic.ts";
 * import { mapFinding } from "./findings.ts";
 * import { regimeChecks } from "./regime.ts";
 * const stats = computeStatistics(syntheticResults({ value: () => 0.5 }), { iterations: 100 });
 * assert.match(mapFinding(stats, regimeChecks(stats)), /below zero with its interval excluding zero in 0 of 2 cells/);
 * ```
 */
export function mapFinding(stats: Statistics, regime: readonly RegimeCheck[]): string {
  const trade = effects(stats, "X-Y", "X-X", "mono");
  const tradeOk = regime.filter((r) => r.tradeOffOk).length;
  const ftOk = regime.filter((r) => r.fineTuningOk).length;
  const margins = regime.map((r) => r.margin).filter((m): m is number => m !== null);
  const moves = regime.map((r) => r.bestMove).filter((m) => m !== null);
  const best = moves.reduce<RegimeCheck["bestMove"]>(
    (b, m) => (b === null || m!.effect.diff > b.effect.diff ? m : b),
    null,
  );
  const hxx = effects(stats, "hybrid", "X-X", "multi");
  const hxy = effects(stats, "hybrid", "X-Y", "multi");
  const testable = regime.filter((r) => r.passes).length;
  const parts = [
    `**Premise.** X-Y − X-X monolingual mAP is below zero with its interval excluding zero in ${tradeOk} of ${regime.length} cells (measured ${
      span(trade.map((e) => e.diff))
    }; the paper ${paperSpan(trade)}).`,
    `Fine-tuning moves some setting over the base without fine-tuning by at least the paper's scale (${
      margins.length
        ? `${Math.min(...margins).toFixed(3)}–${Math.max(...margins).toFixed(3)} mAP`
        : "no margin"
    }) in ${ftOk} of ${regime.length} cells${
      best
        ? ` (largest move ${
          signed(best.effect.diff)
        }: ${best.effect.finetune} · ${best.effect.dataset} · ${best.effect.base}, ${best.effect.a} ${best.effect.setting})`
        : ""
    }.`,
    `**Hybrid.** Multilingual mAP against X-X: ${span(hxx.map((e) => e.diff))} (${
      significant(hxx)
    }; the paper ${paperSpan(hxx)}); against X-Y: ${span(hxy.map((e) => e.diff))} (${
      significant(hxy)
    }; the paper ${paperSpan(hxy)}).`,
    testable === 0
      ? "With the premise failing in every cell, these differences say nothing about the method: the comparative verdicts (notebook 06) are *not testable here*."
      : `The comparative verdicts (notebook 06) rest on the ${testable} cell${
        testable > 1 ? "s" : ""
      } where the premise holds.`,
  ];
  return parts.join(" ");
}

/**
 * Table 2's finding: hybrid's bias reduction against X-X beside the paper's,
 * and where the bias stands against chance.
 *
 * @param biasRows `languageBiasTable` rows (with chance levels).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeStatistics } from "../pipeline/effects.ts";
 * import { syntheticResults } from "../pipeline/_synthetic.ts";
 * import { biasFinding } from "./findings.ts";
 * import { regimeChecks } from "./regime.ts";
 * const stats = computeStatistics(syntheticResults({ value: (p) => (p.setting !== "bias" ? 0.5 : p.strategy === "hybrid" ? 800 : 1000) }), { iterations: 100 });
 * assert.match(biasFinding(stats, regimeChecks(stats), []), /−(19|20)\.\d% of X-X's/);
 * ```
 */
export function biasFinding(
  stats: Statistics,
  regime: readonly RegimeCheck[],
  biasRows: readonly Row[],
): string {
  const red = effects(stats, "hybrid", "X-X", "bias");
  const rel = red.map((e) => e.diff / e.meanB);
  const paperPct = red.map((e) => {
    const d = paperEffect(e.base, e.dataset, "hybrid", "X-X", "bias");
    const xx = paperValue(e.base, e.dataset, "X-X", "bias");
    return d === null || xx === null ? null : d / xx;
  }).filter((x): x is number => x !== null);
  const parts = [
    `**Hybrid − X-X rank distance**: ${span(red.map((e) => e.diff), 1)} ranks, ${
      pctSpan(rel)
    } of X-X's (${significant(red)} cells; the paper ${pctSpan(paperPct)}).`,
  ];
  const xx = biasRows.filter((r) => r.strategy === "X-X" && typeof r.bias_vs_chance === "number");
  if (xx.length) {
    const byBase = [...new Set(xx.map((r) => String(r.base)))].map((b) => {
      const v = xx.filter((r) => r.base === b).map((r) => r.bias_vs_chance as number);
      return `${b} ${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}×`;
    });
    parts.push(
      `X-X's rank distance against random ranking (1 = chance): ${
        byBase.join(", ")
      }; near 1 the bias mostly measures how little the model retrieves, not a language preference.`,
    );
  }
  const centred = stats.anchors.filter((e) =>
    e.setting === "bias" && e.b.endsWith("mean-centering")
  );
  if (centred.length) {
    parts.push(
      `Hybrid − ${centred[0].b}: ${span(centred.map((e) => e.diff), 1)} ranks (${
        significant(centred)
      }; positive: post-hoc mean-centering, no training, is the less biased).`,
    );
  }
  const testable = regime.filter((r) => r.passes).length;
  parts.push(
    testable === 0
      ? "The regime check fails in every cell, so the bias claim is *not testable here* (notebook 06)."
      : `The bias verdict (notebook 06) uses the ${testable} cell${
        testable > 1 ? "s" : ""
      } where the premise holds.`,
  );
  return parts.join(" ");
}

/**
 * The α sweep's finding: how each setting moves from α = 0 (X-Y) to α = 1
 * (X-X), from the sweep's means over seeds and the grid's X-Y − X-X test of
 * the same cell.
 *
 * @param sweep `alphaSweepTable` rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alphaFinding } from "./findings.ts";
 * const sweep = [0, 1].flatMap((alpha) => ["mono", "cross", "multi", "bias"].map((setting) =>
 *   ({ dataset: "xquad-r", alpha, setting, mean: setting === "bias" ? 900 - 100 * alpha : 0.5 + 0.01 * alpha, ci: 0.001, seeds: 3 })));
 * assert.match(alphaFinding(sweep, null), /mono mAP \+0\.010/);
 * ```
 */
export function alphaFinding(sweep: readonly Row[], stats: Statistics | null): string {
  if (sweep.length === 0) return "No α sweep in this configuration.";
  const datasets = [...new Set(sweep.map((r) => String(r.dataset)))];
  const sentences = datasets.map((d) => {
    const at = (alpha: number, s: string) =>
      sweep.find((r) => r.dataset === d && r.alpha === alpha && r.setting === s);
    const alphas = sweep.filter((r) => r.dataset === d).map((r) => r.alpha as number);
    const lo = Math.min(...alphas), hi = Math.max(...alphas);
    const moves = ["mono", "cross", "multi", "bias"].map((s) => {
      const a = at(lo, s), b = at(hi, s);
      if (!a || !b) return null;
      const delta = (b.mean as number) - (a.mean as number);
      const apart = Math.abs(delta) > ((a.ci as number) || 0) + ((b.ci as number) || 0);
      return `${s === "bias" ? "rank distance" : `${s} mAP`} ${
        signed(delta, s === "bias" ? 1 : 3)
      }${apart ? "" : " (intervals overlap)"}`;
    }).filter(Boolean);
    return `${d}, from α = ${lo} to α = ${hi}: ${moves.join(", ")}`;
  });
  const parts = [`**Across α** (means over seeds, 95% intervals): ${sentences.join("; ")}.`];
  if (stats) {
    const trade = effects(stats, "X-Y", "X-X", "mono");
    parts.push(
      `The end points are the grid's X-Y (α = 0) and X-X (α = 1): their hierarchical test gives X-Y − X-X mono ${
        trade.map((e) =>
          `${signed(e.diff)} [${signed(e.ciLo)}, ${
            signed(e.ciHi)
          }] (${e.finetune} · ${e.dataset} · ${e.base})`
        )
          .join("; ")
      }.`,
    );
  }
  return parts.join(" ");
}

/**
 * The claims table's finding: verdicts by kind.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { claimsFinding } from "./findings.ts";
 * const rows = [
 *   { kind: "comparative", verdict: "not testable here", regime: "regime holds in 0 of 8 cells" },
 *   { kind: "descriptive (a check of the data)", verdict: "consistent", regime: "—" },
 * ];
 * assert.match(claimsFinding(rows), /1 comparative claim: 1 not testable here/);
 * ```
 */
export function claimsFinding(rows: readonly Row[]): string {
  const count = (rs: readonly Row[]) => {
    const by = new Map<string, number>();
    for (const r of rs) by.set(String(r.verdict), (by.get(String(r.verdict)) ?? 0) + 1);
    return [...by].map(([v, n]) => `${n} ${v}`).join(", ");
  };
  const comp = rows.filter((r) => r.kind === "comparative");
  const desc = rows.filter((r) => r.kind !== "comparative");
  const regime = comp[0]?.regime ? ` (${comp[0].regime})` : "";
  return `${comp.length} comparative claim${comp.length === 1 ? "" : "s"}: ${
    count(comp)
  }${regime}. ` +
    `${desc.length} descriptive claim${
      desc.length === 1 ? "" : "s"
    }, checks of the data, the implementation or the paper's text rather than findings of the experiment: ${
      count(desc)
    }.`;
}

const STUDY_DATASETS = [["xquad-r", "XQuAD-R"], ["mlqa-r", "MLQA-R"]] as const;

/** The row of `rows` with the largest number under `key` (ties: the first). */
function best(rows: readonly Row[], key: string): Row | null {
  let b: Row | null = null;
  for (const r of rows) {
    if (typeof r[key] === "number" && (b === null || (r[key] as number) > (b[key] as number))) {
      b = r;
    }
  }
  return b;
}

const f3 = (x: unknown) => (typeof x === "number" ? x.toFixed(3) : "n/a");

/**
 * The stand-in study's finding (`deno task study` → `results/study/`), per
 * dataset: the best base without fine-tuning, cross-lingually and
 * monolingually, beside the lexical baselines; how far fine-tuning moves each
 * setting over the model it starts from; and X-Y (α = 0) − X-X (α = 1)
 * monolingual mAP for each pair of fine-tuned variants whose names differ
 * only in "X-Y" / "X-X" (seed 1: a single run, without an interval — the
 * intervals are the experiment's, notebook 01).
 *
 * @param rows `studyTable` rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studyFinding } from "./findings.ts";
 * const rows = [
 *   { model: "BM25", kind: "lexical", from: null, alpha: null, "xquad-r mono": 0.7, "xquad-r cross": 0.1 },
 *   { model: "base", kind: "trained", from: null, alpha: null, "xquad-r mono": 0.6, "xquad-r cross": 0.2 },
 *   { model: "ft, X-X", kind: "fine-tuned", from: "base", alpha: 1, "xquad-r mono": 0.62, "xquad-r cross": 0.21 },
 *   { model: "ft, X-Y", kind: "fine-tuned", from: "base", alpha: 0, "xquad-r mono": 0.61, "xquad-r cross": 0.23 },
 * ];
 * const text = studyFinding(rows);
 * assert.match(text, /best cross-lingual mAP 0\.200 \(base\), BM25 0\.100/);
 * assert.match(text, /cross \+0\.010 … \+0\.030/);
 * assert.match(text, /X-Y − X-X monolingual mAP −0\.010 \(1 pair\)/);
 * ```
 */
export function studyFinding(rows: readonly Row[]): string {
  const byName = new Map(rows.map((r) => [String(r.model), r]));
  const parts: string[] = [];
  for (const [d, label] of STUDY_DATASETS) {
    const has = (r: Row) => typeof r[`${d} mono`] === "number";
    const bases = rows.filter((r) => (r.kind === "init" || r.kind === "trained") && has(r));
    if (bases.length === 0) continue;
    const bm25 = rows.find((r) => r.model === "BM25");
    const dict = rows.find((r) => r.model === "BM25 + dictionary");
    const bc = best(bases, `${d} cross`)!, bm = best(bases, `${d} mono`)!;
    let text =
      `**${label}.** Of ${bases.length} bases without fine-tuning, the best cross-lingual mAP ${
        f3(bc[`${d} cross`])
      } (${bc.model}), BM25 ${f3(bm25?.[`${d} cross`])}, BM25 + dictionary ${
        f3(dict?.[`${d} cross`])
      }; the best monolingual ${f3(bm[`${d} mono`])} (${bm.model}), BM25 ${
        f3(bm25?.[`${d} mono`])
      }.`;
    const tuned = rows.filter((r) =>
      r.kind === "fine-tuned" && has(r) && byName.has(String(r.from))
    );
    if (tuned.length > 0) {
      const move = (k: string) =>
        span(
          tuned.map((r) =>
            (r[`${d} ${k}`] as number) - (byName.get(String(r.from))![`${d} ${k}`] as number)
          ),
        );
      text += ` ${tuned.length} fine-tunings move mono ${move("mono")}, cross ${
        move("cross")
      } over the model they start from`;
      const trade: number[] = [];
      for (const xy of tuned.filter((r) => r.alpha === 0)) {
        const xx = byName.get(String(xy.model).replace("X-Y", "X-X"));
        if (xx && xx !== xy && xx.alpha === 1 && has(xx)) {
          trade.push((xy[`${d} mono`] as number) - (xx[`${d} mono`] as number));
        }
      }
      text += trade.length > 0
        ? `; X-Y − X-X monolingual mAP ${span(trade)} (${trade.length} pair${
          trade.length === 1 ? "" : "s"
        }).`
        : ".";
    }
    parts.push(text);
  }
  return parts.length > 0 ? parts.join(" ") : "The study table has no evaluated base.";
}
