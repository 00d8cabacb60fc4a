/**
 * The paper's evaluation on LAReQA-style datasets (XQuAD-R, MLQA-R), in three
 * settings:
 *
 * - **mono** — queries in X, candidates in X: one retrieval per language,
 *   macro-averaged over languages;
 * - **cross** — queries in X, candidates in Y ≠ X: every ordered pair (110 for
 *   XQuAD-R, 42 for MLQA-R), macro-averaged over pairs;
 * - **multi** — queries in X against the pool of every language's candidates,
 *   every translation of the answer sentence relevant; macro-averaged over
 *   query languages.
 *
 * Measures: mAP as LAReQA defines it (average precision over the full
 * ranking, no cutoff — trec_eval's `map` on a full-depth run); R@1 for mono
 * and cross and R@10 for multi, as trec_eval's `recall_k` (relevant candidates
 * in the top k / relevant candidates); language bias for multi
 * (`language_bias.ts`).
 *
 * Missing answers (MLQA-R, where a question has answers in 2–4 of the 7
 * languages): a query is skipped for a candidate language in which its
 * question has no answer, as LAReQA does — it has no relevant candidate there,
 * so average precision is undefined. Hence a cross pair (X, Y) is evaluated on
 * the questions X and Y share, and a language's mean is over its evaluated
 * queries. In multi every query has at least its own language's answer; its
 * relevant set is the answers in all languages that have its question, and its
 * language bias is defined when that is two or more languages.
 *
 * Rankings (and exported runs) follow trec_eval's order: score descending,
 * ties by candidate id descending — for mAP, R@k and hit@1. The language
 * preference measures of the multilingual setting (rank distance, own- and
 * other-language ranks, the query language's share of the top 10) are
 * tie-aware instead: a tie takes its mean rank, so they do not depend on the
 * alphabetical order of language-prefixed ids.
 *
 * @module
 */

import type { LareqaDataset, Question } from "../data/types.ts";
import { averagePrecisionFromRanks } from "../metrics/map.ts";
import { docidRanks } from "../retrieval/docid_order.ts";
import { InputError } from "../util/errors.ts";
import { Progress } from "../util/progress.ts";
import { meanDefined, ownAndOtherRanks, rankDistance } from "./language_bias.ts";
import { rankRow, ranksInRow, topOfRow } from "./rank_row.ts";
import type { Collection, RowScorer } from "./scorers.ts";

/** Options of {@linkcode evaluateLareqa}. */
export interface LareqaEvalOptions {
  /** Languages to evaluate (default: all of the dataset). */
  langs?: readonly string[];
  /** Evaluate only the first N questions of each language (0 = all). */
  maxQueries?: number;
  /**
   * Keep the top `depth` candidates of every ranking for export (0 = the full
   * ranking); `undefined` keeps none. Metrics always use the full ranking.
   */
  runDepth?: number;
  /** Progress line on stderr. Default true. */
  progress?: boolean;
}

/** mAP and recall of one group of queries. */
export interface SettingScore {
  map: number;
  /** R@1 (mono, cross) or R@10 (multi). */
  recall: number;
  /** Queries evaluated. */
  n: number;
}

/** A ranking kept for export. */
export interface KeptRun {
  /** `"{X}-{Y}"` or `"{X}-all"`. */
  name: string;
  /** Per evaluated query: its id and the top candidates (ids, scores). */
  queries: { id: string; docs: string[]; scores: number[] }[];
  /** qrels of those queries: query id → relevant candidate ids. */
  qrels: Map<string, string[]>;
}

/**
 * The multilingual setting's language-preference measures, on tie-aware
 * ranks (`language_bias.ts`), means over queries (then languages).
 */
export interface MultiBias {
  /** A relevant candidate at rank 1 (the paper's multilingual "R@1"; trec_eval order). */
  hit1: number;
  /** Rank distance: max − min over languages of each language's best answer rank. */
  languageBias: number;
  /** Best rank of an answer in the query's language. */
  ownRank: number;
  /** Mean over the other languages of their answer's best rank. */
  otherRank: number;
  /** Share of the top 10 in the query's language (ties at the 10th score shared). */
  top10Own: number;
}

/** Everything the evaluation measures. */
export interface LareqaResult {
  dataset: string;
  scorer: string;
  langs: string[];
  /** Queries per language (after `maxQueries`). */
  queries: Record<string, number>;
  mono: { map: number; r1: number; perLang: Record<string, SettingScore> };
  cross: { map: number; r1: number; perPair: Record<string, SettingScore> };
  multi: MultiBias & {
    map: number;
    r10: number;
    perLang: Record<string, SettingScore & MultiBias & { nBias: number }>;
  };
  /**
   * Per-query values for paired tests and distributions, aligned with
   * `qids[X]` (NaN where the query is skipped): average precision per
   * setting/pair, and the multi rank distance.
   */
  perQuery: {
    qids: Record<string, string[]>;
    mono: Record<string, Float64Array>;
    cross: Record<string, Float64Array>;
    multi: Record<string, Float64Array>;
    bias: Record<string, Float64Array>;
  };
  /** Rankings kept for export (when `runDepth` was given). */
  runs: KeptRun[];
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : NaN;
}

/**
 * Evaluates a scorer on a LAReQA dataset in the mono, cross and multi settings.
 *
 * @throws {InputError} for an unknown language or an empty candidate pool.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateLareqa } from "./lareqa.ts";
 * import { Bm25Scorer } from "./scorers.ts";
 * import { loadXquadR } from "../data/xquad_r.ts";
 * import { tinyTokenizer, writeTinyDataDir } from "../data/_testing.ts";
 * const ds = await loadXquadR({ dataDir: await writeTinyDataDir(), langs: ["de", "en"] });
 * const result = evaluateLareqa(ds, new Bm25Scorer(await tinyTokenizer()), { maxQueries: 50, progress: false });
 * assert.equal(result.mono.map, 1); // each question shares words with its own sentence
 * assert.deepEqual(Object.keys(result.cross.perPair), ["de-en", "en-de"]);
 * assert(result.multi.map < 1 && result.multi.languageBias > 0);
 * ```
 */
export function evaluateLareqa(
  ds: LareqaDataset,
  scorer: RowScorer,
  options: LareqaEvalOptions = {},
): LareqaResult {
  const langs = [...(options.langs ?? ds.languages)];
  for (const l of langs) {
    if (!ds.byLang[l]) {
      throw new InputError(
        `Unknown language "${l}" for ${ds.name}; expected one of ${ds.languages.join(", ")}`,
      );
    }
  }
  if (langs.length === 0) throw new InputError(`No languages to evaluate for ${ds.name}`);
  const maxQ = options.maxQueries ?? 0;

  // The pool: every language's candidates, in language order.
  const poolIds: string[] = [];
  const poolTexts: string[] = [];
  const poolLang: string[] = [];
  const offset: Record<string, number> = {};
  const colOf = new Map<string, number>();
  for (const l of langs) {
    offset[l] = poolIds.length;
    for (const c of ds.byLang[l].candidates) {
      colOf.set(c.id, poolIds.length);
      poolIds.push(c.id);
      poolTexts.push(c.text);
      poolLang.push(l);
    }
  }
  if (poolIds.length === 0) {
    throw new InputError(`${ds.name} has no candidates in ${langs.join(", ")}`);
  }
  const size: Record<string, number> = Object.fromEntries(
    langs.map((l) => [l, ds.byLang[l].candidates.length]),
  );
  const keys = docidRanks(poolIds, `the ${ds.name} candidate pool`);
  const pool: Collection = { key: "all", ids: poolIds, texts: poolTexts };
  const collections: Record<string, Collection> = Object.fromEntries(langs.map((l) => [l, {
    key: l,
    ids: poolIds.slice(offset[l], offset[l] + size[l]),
    texts: poolTexts.slice(offset[l], offset[l] + size[l]),
  }]));
  const answers: Record<string, Map<string, string[]>> = Object.fromEntries(
    langs.map((l) => [l, new Map(ds.byLang[l].questions.map((q) => [q.qid, q.answers]))]),
  );

  const queriesOf: Record<string, Question[]> = Object.fromEntries(langs.map((l) => {
    const qs = ds.byLang[l].questions;
    return [l, maxQ > 0 ? qs.slice(0, maxQ) : qs];
  }));
  const result: LareqaResult = {
    dataset: ds.name,
    scorer: scorer.name,
    langs,
    queries: Object.fromEntries(langs.map((l) => [l, queriesOf[l].length])),
    mono: { map: NaN, r1: NaN, perLang: {} },
    cross: { map: NaN, r1: NaN, perPair: {} },
    multi: {
      map: NaN,
      r10: NaN,
      hit1: NaN,
      languageBias: NaN,
      ownRank: NaN,
      otherRank: NaN,
      top10Own: NaN,
      perLang: {},
    },
    perQuery: { qids: {}, mono: {}, cross: {}, multi: {}, bias: {} },
    runs: [],
  };
  const depth = options.runDepth;
  const bar = options.progress === false
    ? null
    : new Progress(`evaluate ${scorer.name} on ${ds.name}`, langs.length, { unit: "langs" });

  for (const x of langs) {
    const qs = queriesOf[x];
    const nq = qs.length;
    result.perQuery.qids[x] = qs.map((q) => q.qid);
    const querySet = { ids: qs.map((q) => q.id), texts: qs.map((q) => q.text) };
    // Per candidate language: AP and R@1 per query (NaN = skipped).
    const ap: Record<string, Float64Array> = {};
    const r1: Record<string, Float64Array> = {};
    const kept: Record<string, KeptRun> = {};
    for (const y of langs) {
      ap[y] = new Float64Array(nq).fill(NaN);
      r1[y] = new Float64Array(nq).fill(NaN);
      if (depth !== undefined) kept[y] = { name: `${x}-${y}`, queries: [], qrels: new Map() };
    }
    const multiAp = new Float64Array(nq).fill(NaN);
    const multiR10 = new Float64Array(nq).fill(NaN);
    const bias = new Float64Array(nq).fill(NaN);
    const multiHit1 = new Float64Array(nq).fill(NaN);
    const ownRank = new Float64Array(nq).fill(NaN);
    const otherRank = new Float64Array(nq).fill(NaN);
    const top10Own = new Float64Array(nq).fill(NaN);
    const inX = Uint8Array.from(poolLang, (l) => (l === x ? 1 : 0));
    const keptMulti: KeptRun | null = depth !== undefined
      ? { name: `${x}-all`, queries: [], qrels: new Map() }
      : null;

    // Relevant columns per query: per language (local index) and in the pool.
    const relLocal: Record<string, Int32Array[]> = Object.fromEntries(langs.map((y) => [y, []]));
    const relPool: Int32Array[] = [];
    for (const q of qs) {
      const all: number[] = [];
      for (const y of langs) {
        const ans = answers[y].get(q.qid) ?? [];
        const cols = ans.map((id) => colOf.get(id)!).filter((c) => c !== undefined);
        relLocal[y].push(Int32Array.from(cols, (c) => c - offset[y]));
        all.push(...cols);
      }
      relPool.push(Int32Array.from(all));
    }

    // The pool's language segments; `keep` records a ranking for export.
    const bounds = Int32Array.from([...langs.map((l) => offset[l]), poolIds.length]);
    const keep = (y: string, qi: number, row: Float32Array, lo: number, n: number) => {
      const top = topOfRow(row, keys.subarray(lo, lo + n), n, depth!);
      const kr = kept[y];
      kr.queries.push({
        id: qs[qi].id,
        docs: Array.from(top, (c) => poolIds[lo + c]),
        scores: Array.from(top, (c) => row[c]),
      });
      kr.qrels.set(qs[qi].id, Array.from(relLocal[y][qi], (c) => poolIds[lo + c]));
    };
    // A scorer that depends on the collection scores each language on its own.
    const evalBlock = (y: string, q0: number, rows: Float32Array) => {
      const n = size[y];
      const k = keys.subarray(offset[y], offset[y] + n);
      for (let j = 0; j < rows.length / n; j++) {
        const qi = q0 + j;
        const targets = relLocal[y][qi];
        if (targets.length === 0) continue;
        const row = rows.subarray(j * n, (j + 1) * n);
        const ranks = ranksInRow(row, k, n, targets);
        ap[y][qi] = averagePrecisionFromRanks(ranks, targets.length);
        r1[y][qi] = (ranks[0] <= 1 ? 1 : 0) / targets.length;
        if (depth !== undefined) keep(y, qi, row, offset[y], n);
      }
    };
    // The pool's row gives the multi setting and, when the scorer does not
    // depend on the collection (`perLanguage`), every language's own ranks.
    const evalPoolBlock = (q0: number, rows: Float32Array, perLanguage: boolean) => {
      const n = poolIds.length;
      const blockQ = rows.length / n;
      for (let j = 0; j < blockQ; j++) {
        const qi = q0 + j;
        const targets = relPool[qi];
        if (targets.length === 0) continue;
        const row = rows.subarray(j * n, (j + 1) * n);
        const r = rankRow(row, keys, n, targets, {
          bounds: perLanguage ? bounds : undefined,
          k: 10,
          inGroup: inX,
        });
        const ranks = r.trec.slice().sort();
        multiAp[qi] = averagePrecisionFromRanks(ranks, targets.length);
        let hit = 0;
        for (const rank of ranks) if (rank <= 10) hit++;
        multiR10[qi] = hit / targets.length;
        multiHit1[qi] = ranks[0] <= 1 ? 1 : 0;
        const targetLangs = Array.from(targets, (c) => poolLang[c]);
        bias[qi] = rankDistance(r.mid, targetLangs);
        const sides = ownAndOtherRanks(r.mid, targetLangs, x);
        ownRank[qi] = sides.own;
        otherRank[qi] = sides.other;
        top10Own[qi] = r.topShare;
        if (perLanguage) {
          // relPool is relLocal's languages concatenated in order.
          let at = 0;
          for (const y of langs) {
            const m = relLocal[y][qi].length;
            if (m === 0) continue;
            const local = r.local.slice(at, at + m).sort();
            at += m;
            ap[y][qi] = averagePrecisionFromRanks(local, m);
            r1[y][qi] = (local[0] <= 1 ? 1 : 0) / m;
            if (depth !== undefined) {
              keep(y, qi, row.subarray(offset[y], offset[y] + size[y]), offset[y], size[y]);
            }
          }
        }
        if (keptMulti) {
          const top = topOfRow(row, keys, n, depth!);
          keptMulti.queries.push({
            id: qs[qi].id,
            docs: Array.from(top, (c) => poolIds[c]),
            scores: Array.from(top, (c) => row[c]),
          });
          keptMulti.qrels.set(qs[qi].id, Array.from(targets, (c) => poolIds[c]));
        }
      }
    };

    if (scorer.collectionIndependent) {
      scorer.scoreQueries(querySet, pool, (q0, _n, rows) => evalPoolBlock(q0, rows, true));
    } else {
      for (const y of langs) {
        scorer.scoreQueries(
          querySet,
          collections[y],
          (q0, _n, rows) => evalBlock(y, q0, rows),
        );
      }
      scorer.scoreQueries(querySet, pool, (q0, _n, rows) => evalPoolBlock(q0, rows, false));
    }

    // Aggregate this query language.
    for (const y of langs) {
      const evaluated = [...ap[y]].filter((v) => !Number.isNaN(v));
      const score: SettingScore = {
        map: mean(evaluated),
        recall: mean([...r1[y]].filter((v) => !Number.isNaN(v))),
        n: evaluated.length,
      };
      if (y === x) {
        result.mono.perLang[x] = score;
        result.perQuery.mono[x] = ap[y];
      } else {
        result.cross.perPair[`${x}-${y}`] = score;
        result.perQuery.cross[`${x}-${y}`] = ap[y];
      }
      if (depth !== undefined) result.runs.push(kept[y]);
    }
    const multiEvaluated = [...multiAp].filter((v) => !Number.isNaN(v));
    result.multi.perLang[x] = {
      map: mean(multiEvaluated),
      recall: mean([...multiR10].filter((v) => !Number.isNaN(v))),
      n: multiEvaluated.length,
      hit1: mean([...multiHit1].filter((v) => !Number.isNaN(v))),
      languageBias: meanDefined(bias),
      nBias: [...bias].filter((v) => !Number.isNaN(v)).length,
      ownRank: meanDefined(ownRank),
      otherRank: meanDefined(otherRank),
      top10Own: meanDefined(top10Own),
    };
    result.perQuery.multi[x] = multiAp;
    result.perQuery.bias[x] = bias;
    if (keptMulti) result.runs.push(keptMulti);
    bar?.tick(1);
  }
  bar?.done();

  const monos = langs.map((l) => result.mono.perLang[l]).filter((s) => s.n > 0);
  result.mono.map = mean(monos.map((s) => s.map));
  result.mono.r1 = mean(monos.map((s) => s.recall));
  const crosses = Object.values(result.cross.perPair).filter((s) => s.n > 0);
  result.cross.map = mean(crosses.map((s) => s.map));
  result.cross.r1 = mean(crosses.map((s) => s.recall));
  const multis = langs.map((l) => result.multi.perLang[l]).filter((s) => s.n > 0);
  result.multi.map = mean(multis.map((s) => s.map));
  result.multi.r10 = mean(multis.map((s) => s.recall));
  result.multi.hit1 = mean(multis.map((s) => s.hit1));
  result.multi.languageBias = meanDefined(multis.map((s) => s.languageBias));
  result.multi.ownRank = meanDefined(multis.map((s) => s.ownRank));
  result.multi.otherRank = meanDefined(multis.map((s) => s.otherRank));
  result.multi.top10Own = meanDefined(multis.map((s) => s.top10Own));
  return result;
}
