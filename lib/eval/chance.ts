/**
 * Chance levels: what each measure of the LAReQA evaluation gives for a
 * ranking drawn uniformly at random, for the real pool sizes and relevant
 * sets of a dataset, aggregated as the evaluation aggregates (mean over a
 * language's or pair's queries, then over languages or pairs).
 *
 * Exact where a closed form exists, which is everywhere but one case:
 *
 * - average precision with `r` relevant among `n` (expanding
 *   `AP = (1/r) Σ_k rel_k · (1/k) Σ_{j≤k} rel_j` with
 *   `E[rel_k] = r/n`, `E[rel_j rel_k] = r(r−1)/(n(n−1))`):
 *   `E[AP] = H_n/n + (r−1)(n − H_n)/(n(n−1))`;
 * - recall at k (`hits/r`): `min(k, n)/n`; a relevant candidate at rank 1: `r/n`;
 * - the best rank among `c` relevant candidates: `(n+1)/(c+1)`;
 * - the query-language share of the top 10: the language's share of the pool;
 * - the rank distance (max − min over languages of each language's best
 *   rank) when each language has one relevant candidate, `m` languages:
 *   `(m−1)(n+1)/(m+1)`; with several relevant candidates in a language it is
 *   estimated by simulation (fixed seed) — {@linkcode ChanceLevels.biasMethod}
 *   says which.
 *
 * @module
 */

import type { LareqaDataset } from "../data/types.ts";
import { Rng } from "../sampling/rng.ts";
import { meanDefined } from "./language_bias.ts";

function harmonic(n: number): number {
  let h = 0;
  for (let i = 1; i <= n; i++) h += 1 / i;
  return h;
}

const harmonicCache = new Map<number, number>();
function harmonicOf(n: number): number {
  let h = harmonicCache.get(n);
  if (h === undefined) harmonicCache.set(n, h = harmonic(n));
  return h;
}

/**
 * Expected average precision of a uniformly random ranking of `n` candidates
 * with `r` relevant (exact).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectedRandomAp } from "./chance.ts";
 * // one relevant among 3: AP is 1, 1/2 or 1/3 with equal chance
 * assert(Math.abs(expectedRandomAp(3, 1) - 11 / 18) < 1e-12);
 * assert.equal(expectedRandomAp(5, 5), 1);
 * ```
 */
export function expectedRandomAp(n: number, r: number): number {
  if (!(r >= 1 && r <= n)) throw new RangeError(`need 1 ≤ r ≤ n, got r = ${r}, n = ${n}`);
  if (n === 1) return 1;
  const h = harmonicOf(n);
  return h / n + ((r - 1) * (n - h)) / (n * (n - 1));
}

/**
 * Expected rank distance of a random ranking of `n` candidates when each of
 * `m` languages has one relevant candidate (exact): `(m−1)(n+1)/(m+1)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectedRandomRange } from "./chance.ts";
 * // XQuAD-R's pool: 11 answers among 13,014 candidates
 * assert.equal(Math.round(expectedRandomRange(13014, 11)), 10846);
 * ```
 */
export function expectedRandomRange(n: number, m: number): number {
  return m < 2 ? NaN : ((m - 1) * (n + 1)) / (m + 1);
}

/**
 * Rank distance of random rankings by simulation: `counts[L]` relevant
 * candidates per language among `n`, the mean over `iterations` draws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectedRandomRange, simulatedRandomRange } from "./chance.ts";
 * const sim = simulatedRandomRange(1000, [1, 1, 1], 20000, 1);
 * assert(Math.abs(sim / expectedRandomRange(1000, 3) - 1) < 0.02);
 * ```
 */
export function simulatedRandomRange(
  n: number,
  counts: readonly number[],
  iterations: number,
  seed: number,
): number {
  const total = counts.reduce((s, c) => s + c, 0);
  if (counts.length < 2) return NaN;
  if (total > n) throw new RangeError(`${total} relevant candidates in a pool of ${n}`);
  const rng = new Rng(seed);
  const taken = new Set<number>();
  let sum = 0;
  for (let it = 0; it < iterations; it++) {
    taken.clear();
    let lo = Infinity, hi = -Infinity;
    for (const c of counts) {
      let best = Infinity;
      for (let k = 0; k < c; k++) {
        let pos: number;
        do pos = rng.int(n); while (taken.has(pos));
        taken.add(pos);
        if (pos < best) best = pos;
      }
      if (best < lo) lo = best;
      if (best > hi) hi = best;
    }
    sum += hi - lo;
  }
  return sum / iterations;
}

/** Chance levels of one dataset, shaped like the evaluation's summary. */
export interface ChanceLevels {
  dataset: string;
  /** Candidates in the multilingual pool. */
  poolSize: number;
  mono: { map: number; r1: number };
  cross: { map: number; r1: number };
  multi: {
    map: number;
    r10: number;
    /** A relevant candidate at rank 1. */
    hit1: number;
    languageBias: number;
    /** Best rank of an answer in the query's language. */
    ownRank: number;
    /** Mean over the other languages of their answer's best rank. */
    otherRank: number;
    /** Share of the top 10 in the query's language. */
    top10Own: number;
  };
  /** `"exact"`, or `"simulated (N draws per query, seed S)"` when some language has several answers. */
  biasMethod: string;
}

/** Options of {@linkcode chanceLevels}. */
export interface ChanceOptions {
  /** First N questions per language, as the evaluation (0 = all). */
  maxQueries?: number;
  /** Draws per query when the rank distance needs simulating. Default 400. */
  iterations?: number;
  /** Seed of the simulation. Default 1. */
  seed?: number;
}

const mean = (xs: readonly number[]) => xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN;

/**
 * The chance level of every measure for a dataset, with the evaluation's
 * relevant sets (answers in each language that has the question) and
 * aggregation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chanceLevels } from "./chance.ts";
 * const lang = (l: string) => ({
 *   lang: l, contexts: [],
 *   candidates: [0, 1, 2, 3].map((s) => ({ id: `${l}:0:${s}`, lang: l, paragraph: 0, sentence: s, text: "" })),
 *   questions: [{ id: `${l}:q`, qid: "q", lang: l, text: "", answers: [`${l}:0:1`] }],
 * });
 * const ds = { name: "toy", languages: ["de", "en"], byLang: { de: lang("de"), en: lang("en") } };
 * const c = chanceLevels(ds);
 * assert(Math.abs(c.mono.map - (1 + 1 / 2 + 1 / 3 + 1 / 4) / 4) < 1e-12);
 * assert.equal(c.multi.languageBias, 3); // (2 − 1)(8 + 1)/(2 + 1)
 * assert.equal(c.multi.top10Own, 0.5);
 * ```
 */
export function chanceLevels(ds: LareqaDataset, options: ChanceOptions = {}): ChanceLevels {
  const langs = ds.languages;
  const maxQ = options.maxQueries ?? 0;
  const iterations = options.iterations ?? 400;
  const seed = options.seed ?? 1;
  const size = Object.fromEntries(langs.map((l) => [l, ds.byLang[l].candidates.length]));
  const pool = langs.reduce((s, l) => s + size[l], 0);
  const answers = Object.fromEntries(
    langs.map((l) => [l, new Map(ds.byLang[l].questions.map((q) => [q.qid, q.answers.length]))]),
  );
  let simulated = false;
  const simCache = new Map<string, number>();
  const mono: number[][] = [[], []], multi: number[][] = [[], [], [], [], [], [], []];
  const cross = new Map<string, number[][]>();
  for (const x of langs) {
    const qs = maxQ > 0 ? ds.byLang[x].questions.slice(0, maxQ) : ds.byLang[x].questions;
    const perLang: number[][] = [[], [], [], [], [], [], []];
    const monoAp: number[] = [], monoR1: number[] = [];
    for (const q of qs) {
      const counts = langs.map((y) => answers[y].get(q.qid) ?? 0);
      langs.forEach((y, i) => {
        const r = counts[i];
        if (r === 0) return;
        const ap = expectedRandomAp(size[y], r);
        const r1 = 1 / size[y];
        if (y === x) {
          monoAp.push(ap);
          monoR1.push(r1);
        } else {
          const key = `${x}-${y}`;
          let c = cross.get(key);
          if (!c) cross.set(key, c = [[], []]);
          c[0].push(ap);
          c[1].push(r1);
        }
      });
      const total = counts.reduce((s, c) => s + c, 0);
      const present = counts.filter((c) => c > 0);
      perLang[0].push(expectedRandomAp(pool, total));
      perLang[1].push(Math.min(10, pool) / pool);
      perLang[2].push(total / pool);
      let bias = NaN;
      if (present.length >= 2) {
        if (present.every((c) => c === 1)) bias = expectedRandomRange(pool, present.length);
        else {
          simulated = true;
          const key = present.slice().sort((a, b) => a - b).join(",");
          bias = simCache.get(key) ?? simulatedRandomRange(pool, present, iterations, seed);
          simCache.set(key, bias);
        }
      }
      perLang[3].push(bias);
      const own = counts[langs.indexOf(x)];
      perLang[4].push(own > 0 ? (pool + 1) / (own + 1) : NaN);
      const others = present.length >= 2
        ? langs.map((_, i) => counts[i]).filter((c, i) => c > 0 && langs[i] !== x)
          .map((c) => (pool + 1) / (c + 1))
        : [];
      perLang[5].push(others.length ? mean(others) : NaN);
      perLang[6].push(size[x] / pool);
    }
    mono[0].push(mean(monoAp));
    mono[1].push(mean(monoR1));
    perLang.forEach((v, i) => multi[i].push(i >= 3 && i <= 5 ? meanDefined(v) : mean(v)));
  }
  const pairs = [...cross.values()];
  return {
    dataset: ds.name,
    poolSize: pool,
    mono: { map: mean(mono[0]), r1: mean(mono[1]) },
    cross: { map: mean(pairs.map((p) => mean(p[0]))), r1: mean(pairs.map((p) => mean(p[1]))) },
    multi: {
      map: mean(multi[0]),
      r10: mean(multi[1]),
      hit1: mean(multi[2]),
      languageBias: meanDefined(multi[3]),
      ownRank: meanDefined(multi[4]),
      otherRank: meanDefined(multi[5]),
      top10Own: mean(multi[6]),
    },
    biasMethod: simulated ? `simulated (${iterations} draws per query, seed ${seed})` : "exact",
  };
}
