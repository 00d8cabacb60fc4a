/**
 * All translation pairs for pre-training the aligned base model (LaBSE-style
 * translation ranking): Tatoeba sentence pairs, NTREX-128 and FLORES-200
 * sentence pairs, FreeDict lexicon pairs (the default sources), and the
 * software-domain text Debian packages carry: gettext catalogs
 * (`"gettext"`), LibreOffice's UI strings (`"libreoffice-ui"`) and its
 * multi-parallel help paragraphs (`"libreoffice-help"`, English ↔ each
 * language, or every pair with `pairing: "all"`) — see `gettext.ts`,
 * `libreoffice_ui.ts`, `libreoffice_help.ts`. Software text is far from
 * XQuAD-R's Wikipedia domain; a prototype that added it uncapped got worse
 * cross-lingually, so it is opt-in (`sources`) and meant to be mixed with
 * per-source caps and weights ({@linkcode capPairsBySource} here, weights in
 * the training set, `cap.ts`).
 *
 * Only these sources are read, so XQuAD-R/MLQA text can enter only by
 * coincidence — and a few short sentences do coincide (Tatoeba's "What was
 * their name?" is an MLQA question). So by default every pair with a side
 * equal to a sentence or question of the XQuAD-R or MLQA-R files in the data
 * directory is dropped ({@linkcode evaluationTexts}; 3 pairs on the real
 * data); `excludeTexts` adds texts of one's own. NTREX-128/FLORES-200 give English ↔ each other language by
 * default (`pairing: "english"`, like the English-centric Tatoeba and
 * FreeDict), or every pair of languages (`"all"`, 5.5× more). Pairs are
 * deduplicated across sources (the same two texts in the same two languages,
 * either direction; the first source in the order of {@linkcode PAIR_SOURCES}
 * keeps it): FreeDict's eng-deu and deu-eng largely mirror each other.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { datasetPath, resolveDataDir } from "./data_dir.ts";
import { loadFlores } from "./flores.ts";
import { FREEDICT_DICTIONARIES, freedictLanguages, loadFreedict } from "./freedict.ts";
import { XQUAD_R_LANGS } from "./languages.ts";
import { loadNtrex } from "./ntrex.ts";
import { GETTEXT_LOCALES, loadGettextPairs } from "./gettext.ts";
import {
  LIBREOFFICE_HELP_LOCALES,
  libreofficeHelpPackage,
  loadLibreofficeHelp,
} from "./libreoffice_help.ts";
import { LIBREOFFICE_UI_LOCALES, loadLibreofficeUiPairs } from "./libreoffice_ui.ts";
import { loadTatoeba, TATOEBA_LANGUAGES } from "./tatoeba.ts";
import { capPerKey } from "./cap.ts";
import type { AlignedSentence, TranslationPair } from "./types.ts";
import { PARALLEL_LANGUAGES } from "./_parallel_lines.ts";

/** The 11 XQuAD-R languages, the default languages of the pairs: `XQUAD_R_LANGS`. */
export const XQUAD_R_LANGUAGES: readonly string[] = XQUAD_R_LANGS;

/** A source family of translation pairs (a pair's `source` up to its first `:`). */
export type PairSource =
  | "tatoeba"
  | "ntrex"
  | "flores"
  | "freedict"
  | "gettext"
  | "libreoffice-ui"
  | "libreoffice-help";

/** Every source family, in merge (deduplication priority) order. */
export const PAIR_SOURCES: readonly PairSource[] = [
  "tatoeba",
  "ntrex",
  "flores",
  "freedict",
  "gettext",
  "libreoffice-ui",
  "libreoffice-help",
];

/** The sources read when none are named: the four that are not software text. */
export const DEFAULT_PAIR_SOURCES: readonly PairSource[] = [
  "tatoeba",
  "ntrex",
  "flores",
  "freedict",
];

/**
 * The family of a pair's `source` (`"freedict:eng-deu"` → `"freedict"`).
 *
 * @param source A `TranslationPair.source` (or an example id `"{family}:…"`).
 * @returns The part before the first `:`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourceFamily } from "./translation_pairs.ts";
 * assert(sourceFamily("freedict:eng-deu") === "freedict" && sourceFamily("gettext") === "gettext");
 * ```
 */
export function sourceFamily(source: string): string {
  const colon = source.indexOf(":");
  return colon < 0 ? source : source.slice(0, colon);
}

/** Options of {@linkcode loadTranslationPairs}. */
export interface TranslationPairOptions {
  /** The data directory (default: `resolveDataDir()`). */
  dataDir?: string;
  /** The dictd folder (default `/usr/share/dictd`). */
  dictDir?: string;
  /** Languages both sides must be in (default {@linkcode XQUAD_R_LANGUAGES}). */
  languages?: readonly string[];
  /** Sources to read (default {@linkcode DEFAULT_PAIR_SOURCES}). */
  sources?: readonly PairSource[];
  /** Sources to leave out (of `sources`). */
  exclude?: readonly PairSource[];
  /** gettext catalogs' root (default `/usr/share/locale`). */
  localeDir?: string;
  /** LibreOffice UI catalogs' root (default `/usr/lib/libreoffice/program/resource`). */
  libreofficeUiDir?: string;
  /** LibreOffice help pages' root (default `/usr/share/libreoffice/help`). */
  libreofficeHelpDir?: string;
  /** Software text: the fewest letters an English side may have (default 3). */
  minLetters?: number;
  /** NTREX/FLORES pairs: English ↔ each language (default) or all pairs. */
  pairing?: "english" | "all";
  /** FreeDict dictionaries (default: those of `FREEDICT_DICTIONARIES` within `languages`). */
  dictionaries?: readonly string[];
  /** Most words in a lexicon term (default 4). */
  maxLexiconWords?: number;
  /** Keep at most this many pairs per `source` value (a seeded hash sample). */
  limitPerSource?: number;
  /** Seed of the `limitPerSource` sample (default 0). */
  seed?: number;
  /** Drop pairs with either side among these texts (compared trimmed). */
  excludeTexts?: Iterable<string>;
  /** Drop pairs with a side in {@linkcode evaluationTexts} (default true). */
  excludeEvaluationTexts?: boolean;
}

/** The evaluation sets whose text must stay out of the pairs. */
export const EVALUATION_DIRS: readonly string[] = ["xquad-r", "mlqa-r"];

/**
 * Every candidate sentence and question of the XQuAD-R and MLQA-R JSON files
 * (`{dataDir}/{xquad-r,mlqa-r}/*.json`, SQuAD layout with `sentences`),
 * trimmed. A missing folder contributes nothing.
 *
 * @param dataDir The data directory (default: `resolveDataDir()`).
 * @returns The texts.
 * @throws {InputError} On a JSON file that does not parse.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluationTexts } from "./translation_pairs.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * // 50,705 texts for the real data.
 * const texts = await evaluationTexts(await writeTinyDataDir());
 * assert(texts.has("who sat on the mat?") && texts.has("the cat sat on the mat."));
 * ```
 */
export async function evaluationTexts(dataDir?: string): Promise<Set<string>> {
  const texts = new Set<string>();
  for (const name of EVALUATION_DIRS) {
    const dir = datasetPath(name, dataDir ?? resolveDataDir());
    let files: string[];
    try {
      files = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".json"))
        .map((e) => e.name).sort();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    for (const file of files) {
      const path = join(dir, file);
      let json: SquadLike;
      try {
        json = JSON.parse(await Deno.readTextFile(path));
      } catch (error) {
        throw new InputError(`Cannot read ${path}: not valid JSON`, { cause: error });
      }
      for (const article of json.data ?? []) {
        for (const paragraph of article.paragraphs ?? []) {
          for (const sentence of paragraph.sentences ?? []) texts.add(sentence.trim());
          for (const qa of paragraph.qas ?? []) texts.add((qa.question ?? "").trim());
        }
      }
    }
  }
  texts.delete("");
  return texts;
}

interface SquadLike {
  data?: {
    paragraphs?: { sentences?: string[]; qas?: { question?: string }[] }[];
  }[];
}

/**
 * Turns aligned sentences into translation pairs.
 *
 * @param sentences Aligned sentences.
 * @param source The pairs' `source` (e.g. `"ntrex"`).
 * @param languages Languages to pair.
 * @param pairing `"english"`: en → each other language; `"all"`: each
 * unordered pair, from the smaller code to the larger.
 * @returns The pairs, sentence by sentence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alignedToPairs } from "./translation_pairs.ts";
 * const s = [{ id: "x:0", doc: "d", text: { en: "Hi.", de: "Hallo.", es: "Hola." } }];
 * assert(alignedToPairs(s, "x", ["de", "en", "es"], "english").length === 2);
 * assert(alignedToPairs(s, "x", ["de", "en", "es"], "all").length === 3);
 * ```
 */
export function alignedToPairs(
  sentences: readonly AlignedSentence[],
  source: string,
  languages: readonly string[],
  pairing: "english" | "all" = "english",
): TranslationPair[] {
  const langs = [...languages].sort();
  const combos: [string, string][] = [];
  for (const a of langs) {
    for (const b of langs) {
      if (pairing === "english" ? a === "en" && b !== "en" : a < b) combos.push([a, b]);
    }
  }
  const pairs: TranslationPair[] = [];
  for (const s of sentences) {
    for (const [a, b] of combos) {
      const src = s.text[a];
      const tgt = s.text[b];
      if (src && tgt) pairs.push({ srcLang: a, tgtLang: b, src, tgt, source });
    }
  }
  return pairs;
}

/**
 * Loads every translation pair of the given languages from the chosen
 * sources (default Tatoeba, NTREX-128, FLORES-200 and FreeDict).
 *
 * Loaded once per process for equal options (the data directory
 * included): later calls return a new array of the same pairs, which are
 * frozen (a caller that changed one would change every other caller's).
 *
 * @param options Languages, sources, pairing, limits.
 * @returns The pairs, by source in {@linkcode PAIR_SOURCES} order.
 * @throws {InputError} When a corpus, dictionary or Debian package is
 * missing, or for an unknown source.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTranslationPairs, summarizePairs } from "./translation_pairs.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const pairs = await loadTranslationPairs({
 *   dataDir: await writeTinyDataDir(),
 *   languages: ["de", "en"],
 *   exclude: ["freedict"],
 * });
 * assert(pairs.length > 0 && pairs.every((p) => p.srcLang !== p.tgtLang));
 * assert(summarizePairs(pairs).length > 0);
 * assert(Object.isFrozen(pairs[0]));
 * ```
 */
export async function loadTranslationPairs(
  options: TranslationPairOptions = {},
): Promise<TranslationPair[]> {
  const key = JSON.stringify([resolveDataDir(options.dataDir), options]);
  let loaded = pairMemo.get(key);
  if (!loaded) {
    loaded = loadPairsOnce(options).then((pairs) => pairs.map((p) => Object.freeze(p)));
    pairMemo.set(key, loaded);
    loaded.catch(() => pairMemo.delete(key));
  }
  return (await loaded).slice();
}

const pairMemo = new Map<string, Promise<TranslationPair[]>>();

async function loadPairsOnce(options: TranslationPairOptions): Promise<TranslationPair[]> {
  const languages = options.languages ?? XQUAD_R_LANGUAGES;
  const chosen = new Set(options.sources ?? DEFAULT_PAIR_SOURCES);
  for (const s of options.exclude ?? []) chosen.delete(s);
  for (const s of chosen) {
    if (!PAIR_SOURCES.includes(s)) {
      throw new InputError(
        `Unknown translation-pair source "${s}", expected one of ${PAIR_SOURCES.join(" ")}`,
      );
    }
  }
  const exclude = new Set(PAIR_SOURCES.filter((s) => !chosen.has(s)));
  const pairing = options.pairing ?? "english";
  const { dataDir } = options;
  const batches: TranslationPair[][] = [];
  if (!exclude.has("tatoeba")) {
    const tatoeba = TATOEBA_LANGUAGES.filter((l) => languages.includes(l));
    if (languages.includes("en") && tatoeba.length > 0) {
      batches.push(
        (await loadTatoeba({ dataDir, languages: tatoeba })).map((p) => ({
          srcLang: p.srcLang,
          tgtLang: p.tgtLang,
          src: p.src,
          tgt: p.tgt,
          source: p.source,
        })),
      );
    }
  }
  const parallel = PARALLEL_LANGUAGES.filter((l) => languages.includes(l));
  if (!exclude.has("ntrex")) {
    const sentences = await loadNtrex({ dataDir, languages: parallel });
    batches.push(alignedToPairs(sentences, "ntrex", parallel, pairing));
  }
  if (!exclude.has("flores")) {
    const sentences = await loadFlores({ dataDir, languages: parallel });
    batches.push(alignedToPairs(sentences, "flores", parallel, pairing));
  }
  if (!exclude.has("freedict")) {
    const names = options.dictionaries ??
      FREEDICT_DICTIONARIES.filter((name) =>
        freedictLanguages(name).every((l) => languages.includes(l))
      );
    for (const name of names) {
      batches.push(
        await loadFreedict(name, { dictDir: options.dictDir, maxWords: options.maxLexiconWords }),
      );
    }
  }
  const software = languages.includes("en") ? languages.filter((l) => l !== "en") : [];
  const clean = { minLetters: options.minLetters };
  if (!exclude.has("gettext")) {
    const langs = software.filter((l) => l in GETTEXT_LOCALES);
    if (langs.length > 0) {
      batches.push(
        await loadGettextPairs({ ...clean, localeDir: options.localeDir, languages: langs }),
      );
    }
  }
  if (!exclude.has("libreoffice-ui")) {
    const langs = software.filter((l) => l in LIBREOFFICE_UI_LOCALES);
    if (langs.length > 0) {
      batches.push(
        await loadLibreofficeUiPairs({
          ...clean,
          localeDir: options.libreofficeUiDir,
          languages: langs,
        }),
      );
    }
  }
  if (!exclude.has("libreoffice-help")) {
    const langs = software.filter((l) => l in LIBREOFFICE_HELP_LOCALES);
    if (langs.length > 0) {
      const sentences = await loadLibreofficeHelp({
        ...clean,
        helpDir: options.libreofficeHelpDir,
        languages: langs,
      });
      batches.push(
        alignedToPairs(sentences, "libreoffice-help", ["en", ...langs], pairing).map((p) => ({
          ...p,
          package: libreofficeHelpPackage(p.tgtLang),
        })),
      );
    }
  }
  const banned = options.excludeEvaluationTexts === false
    ? new Set<string>()
    : await evaluationTexts(dataDir);
  for (const text of options.excludeTexts ?? []) banned.add(text.trim());
  let pairs = mergePairs(batches, banned);
  if (options.limitPerSource !== undefined) {
    pairs = limitPerSource(pairs, options.limitPerSource, options.seed ?? 0);
  }
  return pairs;
}

/**
 * Concatenates batches of pairs, dropping pairs with a side in `banned`
 * (compared trimmed) and repeats: the same two texts in the same two
 * languages, in either direction, keep their first occurrence.
 *
 * @param batches Pair lists, in priority order.
 * @param banned Texts that must not appear.
 * @returns The merged pairs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergePairs } from "./translation_pairs.ts";
 * const a = { srcLang: "en", tgtLang: "de", src: "dog", tgt: "Hund", source: "x" };
 * const b = { srcLang: "de", tgtLang: "en", src: "Hund", tgt: "dog", source: "y" };
 * assert(mergePairs([[a], [b]]).length === 1);
 * ```
 */
export function mergePairs(
  batches: readonly (readonly TranslationPair[])[],
  banned: ReadonlySet<string> = new Set(),
): TranslationPair[] {
  const seen = new Set<string>();
  const pairs: TranslationPair[] = [];
  for (const batch of batches) {
    for (const p of batch) {
      if (banned.has(p.src.trim()) || banned.has(p.tgt.trim())) continue;
      const key = p.srcLang < p.tgtLang
        ? `${p.srcLang}\t${p.tgtLang}\t${p.src}\t${p.tgt}`
        : `${p.tgtLang}\t${p.srcLang}\t${p.tgt}\t${p.src}`;
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push(p);
    }
  }
  return pairs;
}

/**
 * Keeps at most `limit` pairs per `source`: those with the smallest sha256 of
 * `"{seed}\t{src}\t{tgt}"`, in their input order.
 *
 * @param pairs The pairs.
 * @param limit Most pairs per source.
 * @param seed Sample seed.
 * @returns The kept pairs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { limitPerSource } from "./translation_pairs.ts";
 * const p = (src: string) => ({ srcLang: "en", tgtLang: "de", src, tgt: src, source: "s" });
 * assert(limitPerSource([p("a"), p("b"), p("c")], 2, 0).length === 2);
 * ```
 */
export function limitPerSource(
  pairs: readonly TranslationPair[],
  limit: number,
  seed = 0,
): TranslationPair[] {
  const bySource = new Map<string, number[]>();
  pairs.forEach((p, i) => {
    const list = bySource.get(p.source);
    if (list) list.push(i);
    else bySource.set(p.source, [i]);
  });
  const keep = new Set<number>();
  for (const indices of bySource.values()) {
    if (indices.length <= limit) {
      for (const i of indices) keep.add(i);
      continue;
    }
    const ranked = indices.map((i) => {
      const h = createHash("sha256").update(`${seed}\t${pairs[i].src}\t${pairs[i].tgt}`);
      return [h.digest("hex"), i] as const;
    }).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]);
    for (const [, i] of ranked.slice(0, limit)) keep.add(i);
  }
  return pairs.filter((_, i) => keep.has(i));
}

/** One row of {@linkcode summarizePairs}. */
export interface PairCount {
  source: string;
  srcLang: string;
  tgtLang: string;
  count: number;
}

/**
 * Counts pairs per source and language pair.
 *
 * @param pairs The pairs.
 * @returns Rows sorted by source, then source language, then target language.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizePairs } from "./translation_pairs.ts";
 * const p = { srcLang: "en", tgtLang: "de", src: "a", tgt: "b", source: "s" };
 * assert(summarizePairs([p, p])[0].count === 2);
 * ```
 */
export function summarizePairs(pairs: readonly TranslationPair[]): PairCount[] {
  const counts = new Map<string, PairCount>();
  for (const p of pairs) {
    const key = `${p.source}\t${p.srcLang}\t${p.tgtLang}`;
    const row = counts.get(key);
    if (row) row.count++;
    else counts.set(key, { source: p.source, srcLang: p.srcLang, tgtLang: p.tgtLang, count: 1 });
  }
  const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0;
  return [...counts.values()].sort((a, b) =>
    cmp(a.source, b.source) || cmp(a.srcLang, b.srcLang) || cmp(a.tgtLang, b.tgtLang)
  );
}

/** Caps of {@linkcode capPairsBySource}. */
export interface SourceCaps {
  /** Most pairs per source and language pair (≤ 0: no cap). */
  cap: number;
  /** Per source family, a cap that replaces `cap` (≤ 0: no cap). */
  caps?: Readonly<Record<string, number>>;
}

/**
 * Caps the pairs per `source` and language pair (e.g. `freedict:eng-deu`
 * en→de, `gettext` en→zh): each group keeps at most its family's cap
 * (`caps[family]`, else `cap`), a sample seeded by `seed` over the hash of
 * `"{src}\0{tgt}"` ({@linkcode capPerKey}), in input order.
 *
 * @param pairs The pairs.
 * @param caps The default cap and per-family caps.
 * @param seed The sample's seed.
 * @returns The kept pairs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { capPairsBySource } from "./translation_pairs.ts";
 * const p = (src: string, source: string) => ({ srcLang: "en", tgtLang: "de", src, tgt: src, source });
 * const pairs = ["a", "b", "c"].flatMap((w) => [p(w, "gettext"), p(w, "tatoeba")]);
 * const kept = capPairsBySource(pairs, { cap: 0, caps: { gettext: 1 } }, 0);
 * assert(kept.filter((x) => x.source === "gettext").length === 1 && kept.length === 4);
 * ```
 */
export function capPairsBySource(
  pairs: readonly TranslationPair[],
  caps: SourceCaps,
  seed: number,
): TranslationPair[] {
  const capOf = (key: string) => caps.caps?.[sourceFamily(key.split("\u0000")[0])] ?? caps.cap;
  return capPerKey(
    pairs,
    (p) => `${p.source}\u0000${p.srcLang}\u0000${p.tgtLang}`,
    (p) => `${p.src}\u0000${p.tgt}`,
    capOf,
    seed,
  );
}

/** One row of {@linkcode countByFamilyAndLanguage}. */
export interface FamilyCount {
  /** The source family ({@linkcode sourceFamily}). */
  family: string;
  /** The non-English language of an English pair, or `"{a}-{b}"` (sorted) for a pair without English. */
  lang: string;
  count: number;
}

/**
 * Counts pairs per source family and language: an English pair (either
 * direction) counts for its other language, any other pair for its
 * language pair. This is the table notebook 00 shows.
 *
 * @param pairs The pairs.
 * @returns Rows sorted by family (in {@linkcode PAIR_SOURCES} order, unknown
 * families last), then language.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countByFamilyAndLanguage } from "./translation_pairs.ts";
 * const p = (srcLang: string, tgtLang: string, source: string) => ({ srcLang, tgtLang, src: "a", tgt: "b", source });
 * const rows = countByFamilyAndLanguage([p("en", "de", "freedict:eng-deu"), p("de", "en", "freedict:deu-eng"), p("de", "zh", "ntrex")]);
 * assert.deepEqual(rows, [
 *   { family: "ntrex", lang: "de-zh", count: 1 },
 *   { family: "freedict", lang: "de", count: 2 },
 * ]);
 * ```
 */
export function countByFamilyAndLanguage(pairs: readonly TranslationPair[]): FamilyCount[] {
  const counts = new Map<string, FamilyCount>();
  for (const p of pairs) {
    const family = sourceFamily(p.source);
    const lang = p.srcLang === "en"
      ? p.tgtLang
      : p.tgtLang === "en"
      ? p.srcLang
      : [p.srcLang, p.tgtLang].sort().join("-");
    const key = `${family}\t${lang}`;
    const row = counts.get(key);
    if (row) row.count++;
    else counts.set(key, { family, lang, count: 1 });
  }
  const rank = (f: string) => {
    const i = (PAIR_SOURCES as readonly string[]).indexOf(f);
    return i < 0 ? PAIR_SOURCES.length : i;
  };
  return [...counts.values()].sort((a, b) =>
    rank(a.family) - rank(b.family) || (a.family < b.family ? -1 : a.family > b.family ? 1 : 0) ||
    (a.lang < b.lang ? -1 : a.lang > b.lang ? 1 : 0)
  );
}
