/**
 * BM25 with dictionary query translation: the standard lexical
 * cross-lingual baseline. A query in language X, ranked against candidates
 * in language Y, is translated into Y word by word through the X → Y
 * lexicon ({@linkcode translateQuery}: balanced weights, English pivot,
 * untranslatable words kept) and scored with the project's BM25
 * (`lib/retrieval/bm25.ts`: Lucene's formula, k1 = 0.9, b = 0.4, over mBERT
 * WordPiece pieces like `Bm25Scorer` in `scorers.ts`); each translation's pieces
 * are clause boosts equal to its weight. With X = Y nothing is translated,
 * so the monolingual setting ranks exactly as `Bm25Scorer`.
 *
 * Languages come from the ids (`"{lang}:…"` for queries and candidates, as
 * everywhere in xlir). Each candidate language has its own index (its own
 * idf and average length), since a query is translated differently for each.
 *
 * **The multilingual pool.** Scores of different indexes and different
 * translations are not on one scale in principle: a query translated into
 * German has other terms, weights and idfs than the same query in Hindi.
 * Three rules are implemented (`merge`):
 *
 * - `"raw"` (the default): each language's BM25 scores as they are. A
 *   candidate's score is the idf mass of the translated query it matches,
 *   so a candidate matching more of the query ranks higher whatever its
 *   language.
 * - `"normalized"`: each score divided by the translated query's least upper
 *   bound in its language's index (Σ boost · idf over the query's terms that
 *   occur there, {@linkcode Bm25Index.maxScore}): the fraction of the
 *   attainable score, in [0, 1).
 * - `"max"`: each score divided by the query's best score in that language
 *   (min–max normalisation with minimum 0, the common rule for merging result
 *   lists: Lee 1997, "Analyses of multiple evidence combination", SIGIR), so
 *   every language's best candidate scores 1.
 *
 * Within one language each rule is a positive constant per query, so mono and
 * cross rankings are the same under all three; they differ only in the
 * multilingual pool. Measured on XQuAD-R (all 11 × 1,190 queries, multi
 * mAP / R@10): raw .122 / .131, max .117 / .162, normalized .099 / .115 (the
 * normalisations lift weak matches in languages the query translates poorly
 * into, where a bare name or number is all that matches); "raw" is the
 * default for that reason, the others stay for comparison.
 *
 * @module
 */

import type { TextTokenizer } from "../data/tokenizer.ts";
import { Bm25Index, type Bm25Options, bm25Tokens } from "../retrieval/bm25.ts";
import { InputError } from "../util/errors.ts";
import { type Lexicon, translateQuery } from "./query_translation.ts";
import type { Collection, QuerySet, RowsCallback, RowScorer } from "./scorers.ts";

/** How the scores of different candidate languages are put on one scale (see the module doc). */
export type MergeRule = "normalized" | "max" | "raw";

/** Options of {@linkcode TranslatedBm25Scorer}. */
export interface TranslatedBm25Options extends Bm25Options {
  /** How scores of different candidate languages are compared (see the module doc). Default `"raw"`. */
  merge?: MergeRule;
  /** The scorer's name in tables (default `"bm25-dict"`). */
  name?: string;
}

/** The language of an id `"{lang}:…"`. */
function _lang(id: string, what: string): string {
  const colon = id.indexOf(":");
  if (colon <= 0) {
    throw new InputError(`${what} id "${id}" has no language prefix, expected "{lang}:…"`);
  }
  return id.slice(0, colon);
}

/** A translated query as BM25 clause terms and boosts. */
interface WeightedTokens {
  terms: Int32Array;
  weights: Float64Array;
}

/**
 * BM25 over dictionary-translated queries (the module doc gives the rules).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TranslatedBm25Scorer } from "./bm25_translated.ts";
 * import { Lexicon } from "./query_translation.ts";
 * // A toy tokenizer: one id per distinct lower-cased word.
 * const vocab = new Map<string, number>();
 * const tokenizer = {
 *   specialIds: new Set<number>(),
 *   encode: (t: string) => Int32Array.from(t.toLowerCase().split(/\W+/).filter(Boolean), (w) =>
 *     vocab.get(w) ?? (vocab.set(w, vocab.size), vocab.size - 1)),
 * };
 * const lex = new Lexicon([{ srcLang: "en", tgtLang: "de", src: "dog", tgt: "Hund", source: "x" }]);
 * const scorer = new TranslatedBm25Scorer(tokenizer as never, lex);
 * let row: Float32Array = new Float32Array(0);
 * scorer.scoreQueries({ ids: ["en:q"], texts: ["dog"] },
 *   { key: "de", ids: ["de:0:0", "de:0:1"], texts: ["Die Katze", "Der Hund"] }, (_q0, _n, r) => row = r);
 * assert(row[1] > 0 && row[0] === 0);
 * ```
 */
export class TranslatedBm25Scorer implements RowScorer {
  readonly name: string;
  readonly collectionIndependent = false;
  readonly merge: MergeRule;
  #indexes = new Map<string, Bm25Index>();
  #docTokens = new Map<string, Int32Array>();
  #pieces = new Map<string, Int32Array>();
  #queries = new Map<string, WeightedTokens>();

  /**
   * @param tokenizer The tokenizer whose pieces BM25 indexes (mBERT's, as `Bm25Scorer`).
   * @param lexicon The dictionaries.
   * @param options BM25 parameters, merge rule, name.
   */
  constructor(
    readonly tokenizer: TextTokenizer,
    readonly lexicon: Lexicon,
    readonly options: TranslatedBm25Options = {},
  ) {
    this.name = options.name ?? "bm25-dict";
    this.merge = options.merge ?? "raw";
    if (!["normalized", "max", "raw"].includes(this.merge)) {
      throw new InputError(`merge is "${this.merge}", expected "normalized", "max" or "raw"`);
    }
  }

  #index(key: string, ids: readonly string[], texts: readonly string[]): Bm25Index {
    let index = this.#indexes.get(key);
    if (!index) {
      index = new Bm25Index(this.options);
      index.add(
        ids,
        ids.map((id, i) => {
          let t = this.#docTokens.get(id);
          if (!t) this.#docTokens.set(id, t = bm25Tokens(this.tokenizer, texts[i]));
          return t;
        }),
      );
      this.#indexes.set(key, index);
    }
    return index;
  }

  /** The query `id`/`text` (language `from`) translated into `to`, as clause terms and boosts. */
  #query(id: string, text: string, from: string, to: string): WeightedTokens {
    const key = `${id}\u0000${to}`;
    let q = this.#queries.get(key);
    if (q) return q;
    const terms: number[] = [];
    const weights: number[] = [];
    for (const term of translateQuery(text, from, to, this.lexicon)) {
      let pieces = this.#pieces.get(term.text);
      if (!pieces) this.#pieces.set(term.text, pieces = bm25Tokens(this.tokenizer, term.text));
      for (const t of pieces) {
        terms.push(t);
        weights.push(term.weight);
      }
    }
    q = { terms: Int32Array.from(terms), weights: Float64Array.from(weights) };
    this.#queries.set(key, q);
    return q;
  }

  scoreQueries(queries: QuerySet, collection: Collection, onRows: RowsCallback): void {
    const n = collection.ids.length;
    // Candidate columns by language, in collection order.
    const groups = new Map<string, number[]>();
    collection.ids.forEach((id, c) => {
      const lang = _lang(id, "Candidate");
      let list = groups.get(lang);
      if (!list) groups.set(lang, list = []);
      list.push(c);
    });
    const parts = [...groups].map(([lang, cols]) => ({
      lang,
      cols,
      index: this.#index(
        `${collection.key}\u0000${lang}`,
        cols.map((c) => collection.ids[c]),
        cols.map((c) => collection.texts[c]),
      ),
    }));
    const qb = 128;
    for (let q0 = 0; q0 < queries.ids.length; q0 += qb) {
      const nq = Math.min(qb, queries.ids.length - q0);
      const rows = new Float32Array(nq * n);
      for (let j = 0; j < nq; j++) {
        const id = queries.ids[q0 + j];
        const from = _lang(id, "Query");
        for (const { lang, cols, index } of parts) {
          const q = this.#query(id, queries.texts[q0 + j], from, lang);
          const scores = index.scoreWeighted(q.terms, q.weights);
          const bound = this.merge === "raw"
            ? 1
            : this.merge === "normalized"
            ? index.maxScore(q.terms, q.weights)
            : scores.reduce((m, v) => v > m ? v : m, 0);
          const scale = bound > 0 ? 1 / bound : 1;
          const base = j * n;
          for (let i = 0; i < cols.length; i++) rows[base + cols[i]] = scores[i] * scale;
        }
      }
      onRows(q0, nq, rows);
    }
  }
}
