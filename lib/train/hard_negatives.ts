/**
 * Hard negatives for the paper's triplets `(q, d⁺, d⁻)` (Eq. 1), mined with
 * the project's BM25 (`lib/retrieval/bm25.ts`: Lucene BM25 over mBERT
 * WordPiece ids, k1 0.9, b 0.4, the BM25 baseline of the evaluation): for
 * every training example and every language it has, the passage that BM25
 * ranks highest for the example's query in that language, among that
 * language's passages, and that is not a positive of the example.
 *
 * - `"qa"` (P2): the pool is the dataset's candidate sentences of the
 *   language; the positives are the question's answer sentences there
 *   (all of them, not only the one that is its passage).
 * - `"ict"` (P1): the pool is the examples' passages of the language; the
 *   positives are the passages of the example's own group (its document: the
 *   neighbouring sentences' passages hold the query sentence itself).
 *
 * A pool entry whose text equals a positive's (or the example's passage) is a
 * positive too (MLQA-R repeats sentences). Ties are broken as BM25 rankings
 * are (docid descending), a query that shares no term gets the first
 * passage of the zero-score tail, so mining is deterministic. Because an
 * example's negative is mined per language, an X-Y item (q_X, d⁺_Y) gets the
 * negative mined with q_Y among Y's passages: always in the passage's
 * language. Mined once per process for the same inputs (a training grid
 * over α and seeds reuses them).
 *
 * @module
 */

import type { TextTokenizer } from "../data/tokenizer.ts";
import type { LareqaDataset, ParallelExample } from "../data/types.ts";
import { Bm25Index, bm25Tokens } from "../retrieval/bm25.ts";
import { InputError } from "../util/errors.ts";
import { sha256Hex } from "../util/hash.ts";

/** Where one language's negatives come from: its passages, with distinct ids. */
export interface NegativePool {
  ids: readonly string[];
  texts: readonly string[];
}

/** One (example, language) to mine a negative for. */
export interface MiningTask {
  /** The example's id (for errors). */
  example: string;
  /** The language: the query's, the pool's and the negative's. */
  lang: string;
  /** The query text. */
  query: string;
  /** The positive passage's text. */
  passage: string;
  /** Ids in the language's pool that are positives of the example. */
  positives: readonly string[];
}

/** A mined negative: its pool id, text and BM25 score (0: no term shared with the query). */
export interface MinedNegative {
  id: string;
  text: string;
  score: number;
}

const cache = new Map<string, MinedNegative[]>();

function _cacheKey(tasks: readonly MiningTask[], pools: Record<string, NegativePool>, tok: string) {
  const parts = [`bm25 v1`, tok];
  for (const lang of Object.keys(pools).sort()) {
    const p = pools[lang];
    parts.push(`pool ${lang} ${p.ids.length}`);
    p.ids.forEach((id, i) => parts.push(`${id}\t${p.texts[i]}`));
  }
  for (const t of tasks) {
    parts.push(`task ${t.example}\t${t.lang}\t${t.query}\t${t.passage}\t${t.positives.join("\t")}`);
  }
  return sha256Hex(parts.join("\n"));
}

/**
 * Mines one BM25 negative per task (see the module doc); cached per process.
 *
 * @param tasks What to mine: query, language, positives.
 * @param pools Per language, the passages to mine from.
 * @param tokenizer The WordPiece tokenizer of BM25's terms (the mBERT vocabulary).
 * @returns One negative per task, in task order.
 * @throws {InputError} for a task whose language has no pool, or whose pool holds only positives.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mineBm25Negatives } from "./hard_negatives.ts";
 * import { tinyTokenizer } from "../data/_testing.ts";
 * const pools = { en: { ids: ["a", "b", "c"], texts: ["the cat sat.", "the cat sat on the mat.", "berlin."] } };
 * const [neg] = mineBm25Negatives(
 *   [{ example: "x", lang: "en", query: "who sat on the mat?", passage: "the cat sat on the mat.", positives: ["b"] }],
 *   pools,
 *   await tinyTokenizer(),
 * );
 * assert.equal(neg.id, "a"); // the best BM25 match that is not the positive
 * ```
 */
export function mineBm25Negatives(
  tasks: readonly MiningTask[],
  pools: Record<string, NegativePool>,
  tokenizer: TextTokenizer,
): MinedNegative[] {
  const key = _cacheKey(tasks, pools, tokenizer.source);
  const hit = cache.get(key);
  if (hit) return hit;
  const byLang = new Map<string, number[]>();
  tasks.forEach((t, i) => {
    if (!(t.lang in pools)) {
      throw new InputError(`hard negatives: no passages in ${t.lang} to mine from (${t.example})`);
    }
    const list = byLang.get(t.lang);
    if (list) list.push(i);
    else byLang.set(t.lang, [i]);
  });
  const out = new Array<MinedNegative>(tasks.length);
  for (const [lang, members] of byLang) {
    const pool = pools[lang];
    const index = new Bm25Index();
    index.add(pool.ids, pool.texts.map((t) => bm25Tokens(tokenizer, t)));
    const textOf = new Map(pool.ids.map((id, i) => [id, pool.texts[i]]));
    const idsOfText = new Map<string, string[]>();
    pool.ids.forEach((id, i) => {
      const list = idsOfText.get(pool.texts[i]);
      if (list) list.push(id);
      else idsOfText.set(pool.texts[i], [id]);
    });
    for (const i of members) {
      const t = tasks[i];
      const excluded = new Set<string>(t.positives);
      for (const text of [t.passage, ...t.positives.map((id) => textOf.get(id))]) {
        for (const id of (text === undefined ? [] : idsOfText.get(text)) ?? []) excluded.add(id);
      }
      const k = Math.min(pool.ids.length, excluded.size + 1);
      const [hits] = index.search([bm25Tokens(tokenizer, t.query)], k);
      const at = hits.ids.findIndex((id) => !excluded.has(id));
      if (at < 0) {
        throw new InputError(
          `hard negatives: every one of the ${pool.ids.length} passages in ${lang} is a ` +
            `positive of ${t.example}; nothing to mine`,
        );
      }
      const id = hits.ids[at];
      out[i] = { id, text: textOf.get(id)!, score: hits.scores[at] };
    }
  }
  cache.set(key, out);
  return out;
}

/** What mining did, for run.json. */
export interface MiningStats {
  method: "bm25";
  /** (example, language) negatives mined. */
  mined: number;
  /** Of them, sharing no BM25 term with their query (the zero-score tail's first passage). */
  zero_score: number;
  /** The mean BM25 score of the mined negatives. */
  mean_score: number;
}

function _apply(
  examples: readonly ParallelExample[],
  tasks: readonly MiningTask[],
  index: readonly [number, string][],
  mined: readonly MinedNegative[],
): { examples: ParallelExample[]; stats: MiningStats } {
  const out = examples.map((e) => ({ ...e, texts: { ...e.texts } }));
  index.forEach(([e, lang], i) => {
    out[e].texts[lang] = { ...out[e].texts[lang], negative: mined[i].text };
  });
  const scores = mined.map((m) => m.score);
  return {
    examples: out,
    stats: {
      method: "bm25",
      mined: tasks.length,
      zero_score: scores.filter((s) => s === 0).length,
      mean_score: scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length),
    },
  };
}

/**
 * P2: each example (one per question id, `"{dataset}:{qid}"`, `qa_pairs.ts`)
 * gets per language the best BM25 candidate sentence of that language that is
 * not an answer of the question.
 *
 * @param examples The QA examples built from `dataset`.
 * @param dataset Their dataset (candidates and answers per language).
 * @param tokenizer BM25's tokenizer.
 * @returns Copies of the examples with `texts[lang].negative` set, and the mining counts.
 * @throws {InputError} for an example that is not a question of the dataset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { qaHardNegatives } from "./hard_negatives.ts";
 * import { buildQaPairs } from "../data/qa_pairs.ts";
 * import { loadXquadR } from "../data/xquad_r.ts";
 * import { loadMbertTokenizer } from "../data/tokenizer.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * const dataDir = await writeTinyDataDir();
 * const ds = await loadXquadR({ dataDir });
 * const { examples } = qaHardNegatives(buildQaPairs(ds, { languages: ["de", "en"] }), ds, await loadMbertTokenizer(dataDir));
 * for (const e of examples) for (const t of Object.values(e.texts)) assert(t.negative !== t.passage);
 * ```
 */
export function qaHardNegatives(
  examples: readonly ParallelExample[],
  dataset: LareqaDataset,
  tokenizer: TextTokenizer,
): { examples: ParallelExample[]; stats: MiningStats } {
  const answers = new Map<string, string[]>(); // "{lang}\t{qid}" → answer ids
  const pools: Record<string, NegativePool> = {};
  for (const lang of dataset.languages) {
    const data = dataset.byLang[lang];
    pools[lang] = {
      ids: data.candidates.map((c) => c.id),
      texts: data.candidates.map((c) => c.text),
    };
    for (const q of data.questions) answers.set(`${lang}\t${q.qid}`, q.answers);
  }
  const prefix = `${dataset.name}:`;
  const tasks: MiningTask[] = [], index: [number, string][] = [];
  examples.forEach((e, i) => {
    if (!e.id.startsWith(prefix)) {
      throw new InputError(`hard negatives: example ${e.id} is not a question of ${dataset.name}`);
    }
    const qid = e.id.slice(prefix.length);
    for (const [lang, t] of Object.entries(e.texts)) {
      const positives = answers.get(`${lang}\t${qid}`);
      if (positives === undefined) {
        throw new InputError(`hard negatives: ${dataset.name} has no question ${qid} in ${lang}`);
      }
      tasks.push({ example: e.id, lang, query: t.query, passage: t.passage, positives });
      index.push([i, lang]);
    }
  });
  return _apply(examples, tasks, index, mineBm25Negatives(tasks, pools, tokenizer));
}

/**
 * P1: each ICT example gets per language the best BM25 passage of another
 * document's example in that language (the examples of its own group are
 * its positives).
 *
 * @param examples The ICT examples (ids distinct).
 * @param tokenizer BM25's tokenizer.
 * @returns Copies of the examples with `texts[lang].negative` set, and the mining counts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ictHardNegatives } from "./hard_negatives.ts";
 * import { tinyTokenizer } from "../data/_testing.ts";
 * const ex = (id: string, group: string, query: string, passage: string) => ({ id, group, texts: { en: { query, passage } } });
 * const { examples } = ictHardNegatives([
 *   ex("a0", "a", "the cat sat.", "the dog sat."),
 *   ex("a1", "a", "the dog sat.", "the cat sat."),
 *   ex("b0", "b", "berlin is a city.", "paris is a city."),
 * ], await tinyTokenizer());
 * // a0's own document's passages are positives: its negative comes from document b.
 * assert.equal(examples[0].texts.en.negative, "paris is a city.");
 * ```
 */
export function ictHardNegatives(
  examples: readonly ParallelExample[],
  tokenizer: TextTokenizer,
): { examples: ParallelExample[]; stats: MiningStats } {
  const pools: Record<string, { ids: string[]; texts: string[] }> = {};
  const groupIds = new Map<string, string[]>(); // "{lang}\t{group}" → example ids
  for (const e of examples) {
    for (const [lang, t] of Object.entries(e.texts)) {
      const pool = pools[lang] ??= { ids: [], texts: [] };
      pool.ids.push(e.id);
      pool.texts.push(t.passage);
      const key = `${lang}\t${e.group}`;
      const list = groupIds.get(key);
      if (list) list.push(e.id);
      else groupIds.set(key, [e.id]);
    }
  }
  const tasks: MiningTask[] = [], index: [number, string][] = [];
  examples.forEach((e, i) => {
    for (const [lang, t] of Object.entries(e.texts)) {
      const positives = groupIds.get(`${lang}\t${e.group}`)!;
      tasks.push({ example: e.id, lang, query: t.query, passage: t.passage, positives });
      index.push([i, lang]);
    }
  });
  return _apply(examples, tasks, index, mineBm25Negatives(tasks, pools, tokenizer));
}
