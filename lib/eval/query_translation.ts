/**
 * Dictionary-based query translation, the lexical cross-lingual baseline's
 * first half (the second is BM25, `bm25_translated.ts`).
 *
 * A {@linkcode Lexicon} holds bilingual word and phrase pairs (FreeDict's
 * lexicons, `lib/data/freedict.ts`), looked up case-insensitively in both
 * directions (an `eng-rus` dictionary also translates Russian into English:
 * FreeDict has no `rus-eng` or `hin-eng`). Translations keep their case
 * (German nouns), except an English side that title-cases every term
 * (eng-ara/ara-eng's), whose first letters are lower-cased. {@linkcode translateQuery} splits a
 * query into words (runs of letters, marks and digits, with inner `'`, `’`
 * or `-`), matches the longest dictionary phrase at each position (up to the
 * lexicon's longest key, at most 3 words), and replaces it by its
 * translations:
 *
 * - **Balanced translation.** A source word with k translations gives each
 *   weight 1/k, so that a word does not count more because the dictionary
 *   lists more senses for it: *balanced* translation in the terms of Levow,
 *   Oard & Resnik (2005, "Dictionary-based techniques for cross-language
 *   information retrieval", IP&M 41(3)), against *unbalanced* translation
 *   (every translation weight 1, which lets ambiguous words dominate). The usual
 *   stronger alternative is Pirkola's (1998) *structured* query, which
 *   treats a word's translations as one synonym set (document frequency of
 *   the set, summed term frequencies); it needs whole-word postings, and the
 *   project's BM25 indexes mBERT WordPiece pieces, so a translation here is a
 *   bag of pieces and the balanced weights are what carries over.
 * - **Pivot through English.** Where no dictionary joins X and Y (FreeDict has
 *   only English-centred ones), X → en → Y: each English translation keeps
 *   its 1/k share and splits it among its own translations, so the source
 *   word's weights still sum to 1; English words without a Y translation are
 *   dropped from the pivot.
 * - **Untranslatable words** (names, numbers, words the dictionary lacks, and
 *   every word of a language without a dictionary: th, vi, zh) are kept as
 *   they are, weight 1 — which is also what lets names and numbers match
 *   across languages that share a script.
 * - The query language itself is never translated (X = Y: the whole text, weight 1).
 *
 * @module
 */

import { FREEDICT_DICTIONARIES, loadFreedicts } from "../data/freedict.ts";
import { loadGettextPairs } from "../data/gettext.ts";
import { loadLibreofficeUiPairs } from "../data/libreoffice_ui.ts";
import type { TranslationPair } from "../data/types.ts";

/** One term of a translated query: a word or phrase and its weight. */
export interface WeightedTerm {
  text: string;
  weight: number;
}

/** Most words in a lexicon key that {@linkcode translateQuery} matches. */
export const MAX_PHRASE_WORDS = 3;

const WORD = /[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*/gu;

/**
 * The words of a text, as {@linkcode translateQuery} matches them.
 *
 * @param text The text.
 * @returns Its words, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { queryWords } from "./query_translation.ts";
 * assert.deepEqual(queryWords("Who was Angela Merkel's co-author in 2005?"),
 *   ["Who", "was", "Angela", "Merkel's", "co-author", "in", "2005"]);
 * ```
 */
export function queryWords(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Bilingual lexicons, by ordered language pair, keyed by lower-cased word or phrase. */
export class Lexicon {
  #maps = new Map<string, Map<string, string[]>>();
  #maxWords = 1;

  /**
   * @param pairs Word/phrase translation pairs; each is entered in both
   * directions (duplicates kept once, in input order).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Lexicon } from "./query_translation.ts";
   * const lex = new Lexicon([{ srcLang: "en", tgtLang: "de", src: "dog", tgt: "Hund", source: "x" }]);
   * assert.deepEqual(lex.lookup("hund", "de", "en"), ["dog"]);
   * assert(lex.has("de", "en") && !lex.has("de", "es"));
   * ```
   */
  constructor(pairs: Iterable<TranslationPair>) {
    const list = [...pairs];
    const titled = _titleCasedSides(list);
    const text = (t: string, side: string) => titled.has(side) ? _decapitalize(t) : t;
    for (const p of list) {
      const src = text(p.src, `${p.source}\u0000src`), tgt = text(p.tgt, `${p.source}\u0000tgt`);
      this.#add(p.srcLang, p.tgtLang, src, tgt);
      this.#add(p.tgtLang, p.srcLang, tgt, src);
    }
  }

  #add(from: string, to: string, term: string, translation: string): void {
    const words = queryWords(term);
    const key = words.join(" ").toLowerCase();
    if (key === "" || words.length > MAX_PHRASE_WORDS) return;
    let map = this.#maps.get(`${from}>${to}`);
    if (!map) this.#maps.set(`${from}>${to}`, map = new Map());
    const list = map.get(key);
    if (list === undefined) map.set(key, [translation]);
    else if (!list.includes(translation)) list.push(translation);
    if (words.length > this.#maxWords) this.#maxWords = words.length;
  }

  /** True when there is a lexicon from `from` to `to`. */
  has(from: string, to: string): boolean {
    return this.#maps.has(`${from}>${to}`);
  }

  /** The longest key, in words. */
  get maxWords(): number {
    return this.#maxWords;
  }

  /**
   * The translations of a word or phrase.
   *
   * @param key The lower-cased words joined by single spaces.
   * @param from Its language.
   * @param to The target language.
   * @returns The translations (empty when none).
   */
  lookup(key: string, from: string, to: string): readonly string[] {
    return this.#maps.get(`${from}>${to}`)?.get(key) ?? [];
  }

  /** Language pairs with a lexicon, `"{from}>{to}"`, sorted. */
  get directions(): string[] {
    return [...this.#maps.keys()].sort();
  }
}

/**
 * The (source, side) pairs whose English terms are title-cased throughout
 * (> 90% start with an upper-case letter then a lower-case one): FreeDict's
 * eng-ara and ara-eng write every English term so ("Accountant"), which in
 * a cased vocabulary would not match running text. Only English sides are
 * checked (German capitalises every noun, by rule).
 */
function _titleCasedSides(pairs: readonly TranslationPair[]): Set<string> {
  const counts = new Map<string, [number, number]>();
  const title = /^\p{Lu}\p{Ll}/u;
  for (const p of pairs) {
    for (const [side, t, lang] of [["src", p.src, p.srcLang], ["tgt", p.tgt, p.tgtLang]] as const) {
      if (lang !== "en") continue;
      const key = `${p.source}\u0000${side}`;
      const c = counts.get(key) ?? [0, 0];
      c[0] += title.test(t) ? 1 : 0;
      c[1]++;
      counts.set(key, c);
    }
  }
  return new Set([...counts].filter(([, [n, all]]) => n > 0.9 * all).map(([k]) => k));
}

/** Lower-cases a term's first letter when the next is lower-case ("Who" → "who", "NATO" stays). */
function _decapitalize(term: string): string {
  return term.replace(/^(\p{Lu})(?=\p{Ll})/u, (c) => c.toLowerCase());
}

/** Translations of a key from → to: direct, else through English (weights sum to 1; empty when none). */
function _translations(lexicon: Lexicon, key: string, from: string, to: string): WeightedTerm[] {
  const direct = lexicon.lookup(key, from, to);
  if (direct.length > 0) return direct.map((text) => ({ text, weight: 1 / direct.length }));
  if (from === "en" || to === "en" || !lexicon.has(from, "en") || !lexicon.has("en", to)) {
    return [];
  }
  const english = lexicon.lookup(key, from, "en");
  const branches = english.map((e) =>
    lexicon.lookup(queryWords(e).join(" ").toLowerCase(), "en", to)
  )
    .filter((list) => list.length > 0);
  const out: WeightedTerm[] = [];
  for (const list of branches) {
    for (const text of list) out.push({ text, weight: 1 / branches.length / list.length });
  }
  return out;
}

/**
 * Translates a query word by word (the module doc gives the rules).
 *
 * @param text The query.
 * @param from Its language.
 * @param to The target language.
 * @param lexicon The dictionaries.
 * @returns The weighted terms: translations, and untranslated words (weight 1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Lexicon, translateQuery } from "./query_translation.ts";
 * const p = (src: string, tgt: string) => ({ srcLang: "en", tgtLang: "de", src, tgt, source: "x" });
 * const lex = new Lexicon([p("bank", "Bank"), p("bank", "Ufer"), p("river", "Fluss")]);
 * assert.deepEqual(translateQuery("River bank 1990", "en", "de", lex), [
 *   { text: "Fluss", weight: 1 },
 *   { text: "Bank", weight: 0.5 },
 *   { text: "Ufer", weight: 0.5 },
 *   { text: "1990", weight: 1 },
 * ]);
 * ```
 */
export function translateQuery(
  text: string,
  from: string,
  to: string,
  lexicon: Lexicon,
): WeightedTerm[] {
  if (from === to) return [{ text, weight: 1 }];
  const words = queryWords(text);
  const lower = words.map((w) => w.toLowerCase());
  const longest = Math.min(lexicon.maxWords, MAX_PHRASE_WORDS);
  const out: WeightedTerm[] = [];
  for (let i = 0; i < words.length;) {
    let matched = 0;
    for (let n = Math.min(longest, words.length - i); n >= 1 && matched === 0; n--) {
      const terms = _translations(lexicon, lower.slice(i, i + n).join(" "), from, to);
      if (terms.length > 0) {
        out.push(...terms);
        matched = n;
      }
    }
    if (matched === 0) {
      out.push({ text: words[i], weight: 1 });
      matched = 1;
    }
    i += matched;
  }
  return out;
}

/** Options of {@linkcode loadLexicon}. */
export interface LoadLexiconOptions {
  /** FreeDict dictionaries (default: all of `FREEDICT_DICTIONARIES`). */
  dictionaries?: readonly string[];
  /** The dictd folder (default `/usr/share/dictd`). */
  dictDir?: string;
  /**
   * Also enter the short software strings of the gettext and LibreOffice UI
   * catalogs (English side of at most {@linkcode MAX_PHRASE_WORDS} words, not
   * ending in `. ! ? :`) — the only lexicon there is for th, vi and zh.
   * Default false.
   */
  software?: boolean;
  /** Target languages of the software strings (default: all ten). */
  softwareLanguages?: readonly string[];
}

/**
 * Builds the lexicon of the dictionary BM25 baseline: FreeDict, and
 * optionally the short software strings. Measured with
 * `TranslatedBm25Scorer` (merge "raw"), cross mAP XQuAD-R / MLQA-R: FreeDict
 * .155 / .139, FreeDict + software .170 / .154 (BM25 .113 / .107).
 *
 * @param options Dictionaries, folders, software strings.
 * @returns The lexicon.
 * @throws {InputError} When a dictionary or catalog folder is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeDictd } from "../data/_testing.ts";
 * import { loadLexicon } from "./query_translation.ts";
 * const dictDir = await Deno.makeTempDir();
 * await writeDictd(dictDir, "eng-deu", [["dog", "dog\nHund\n"]]);
 * const lexicon = await loadLexicon({ dictionaries: ["eng-deu"], dictDir });
 * assert.deepEqual(lexicon.lookup("dog", "en", "de"), ["Hund"]);
 * ```
 */
export async function loadLexicon(options: LoadLexiconOptions = {}): Promise<Lexicon> {
  const pairs = await loadFreedicts(options.dictionaries ?? FREEDICT_DICTIONARIES, {
    dictDir: options.dictDir,
  });
  if (options.software) {
    const languages = options.softwareLanguages;
    for (
      const p of [
        ...await loadGettextPairs({ languages }),
        ...await loadLibreofficeUiPairs({ languages }),
      ]
    ) {
      if (queryWords(p.src).length <= MAX_PHRASE_WORDS && !/[.!?:]$/.test(p.src)) pairs.push(p);
    }
  }
  return new Lexicon(pairs);
}
