/**
 * Protocol P1 training data: the Inverse Cloze Task (Lee et al. 2019) over
 * multi-parallel documents (NTREX-128 news, FLORES-200 wiki articles, and
 * LibreOffice's help pages, `libreoffice_help.ts`).
 *
 * For each sentence of a document, the query is that sentence and the
 * positive passage its neighbours in the same document — the sentences up to
 * `window` positions before and after it, the query sentence itself removed.
 * Since the documents are translated sentence by sentence, one example holds
 * the same query and passage in every language ({@linkcode ParallelExample}).
 * `group` is the document, so that {@linkcode splitByGroup} keeps a document's
 * examples (which share sentences) on one side of a train/validation split.
 *
 * The help pages are translated paragraph by paragraph, but not every
 * paragraph into every language (and there is no Arabic or Thai help), so
 * they are read with partial coverage (`partial: true`): an example has a
 * language when its query paragraph has it and at least one neighbour
 * within the window has it, the passage being those neighbours. So the
 * batch sampler's X-X batches draw, per language, the examples that have it,
 * and X-Y batches the pairs of languages an example has.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { InputError } from "../util/errors.ts";
import { loadFlores } from "./flores.ts";
import { TRAINING_LANGS } from "./languages.ts";
import { LIBREOFFICE_HELP_LOCALES, loadLibreofficeHelp } from "./libreoffice_help.ts";
import { loadNtrex } from "./ntrex.ts";
import { evaluationTexts } from "./translation_pairs.ts";
import type { AlignedSentence, ParallelExample } from "./types.ts";

/** The paper's 9 training languages (el and vi stay unseen): `TRAINING_LANGS`. */
export const ICT_LANGUAGES: readonly string[] = TRAINING_LANGS;

/** Options of {@linkcode buildIctExamples}. */
export interface IctOptions {
  /** Languages every example must have (default {@linkcode ICT_LANGUAGES}). */
  languages?: readonly string[];
  /** Neighbours on each side of the query sentence (default 2). */
  window?: number;
  /**
   * Documents with fewer sentences are skipped (default 2, the fewest that
   * leave a non-empty passage).
   */
  minDocSentences?: number;
  /**
   * Allow sentences without some languages (see the module doc): an example
   * keeps the languages it has (at least one). Default false: every sentence
   * must have every language.
   */
  partial?: boolean;
}

/**
 * Joins the sentences of a passage: without a separator for Chinese and
 * Japanese, with a space otherwise.
 *
 * @param sentences The sentences, in document order.
 * @param lang Their language.
 * @returns The passage text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinSentences } from "./ict.ts";
 * assert(joinSentences(["A.", "B."], "en") === "A. B.");
 * assert(joinSentences(["甲。", "乙。"], "zh") === "甲。乙。");
 * ```
 */
export function joinSentences(sentences: readonly string[], lang: string): string {
  return sentences.join(lang === "zh" || lang === "ja" ? "" : " ");
}

/**
 * Splits aligned sentences into documents (runs of equal `doc`).
 *
 * @throws {InputError} When a document's sentences are not consecutive.
 */
function documents(sentences: readonly AlignedSentence[]): AlignedSentence[][] {
  const docs: AlignedSentence[][] = [];
  const closed = new Set<string>();
  for (const s of sentences) {
    const last = docs.at(-1);
    if (last !== undefined && last[0].doc === s.doc) {
      last.push(s);
      continue;
    }
    if (last !== undefined) closed.add(last[0].doc);
    if (closed.has(s.doc)) {
      throw new InputError(
        `Sentence ${s.id} returns to document ${s.doc}, expected the sentences of a document to be consecutive`,
      );
    }
    docs.push([s]);
  }
  return docs;
}

/**
 * Builds ICT examples from aligned sentences (in document order).
 *
 * Example ids are the query sentence's id; `group` is `"{corpus}:{doc}"` with
 * `corpus` the sentence id's first `:` field (`"ntrex"`, `"flores"`).
 *
 * @param sentences Aligned sentences; a document's sentences consecutive.
 * @param options Languages, window, minimum document length.
 * @returns One example per sentence of each kept document, in input order.
 * @throws {InputError} When a sentence lacks a requested language, when a
 * document is not consecutive, or for a window below 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildIctExamples } from "./ict.ts";
 * const s = (i: number) => ({ id: `c:${i}`, doc: "d", text: { en: `S${i}.` } });
 * const ex = buildIctExamples([0, 1, 2, 3].map(s), { languages: ["en"], window: 1 });
 * assert(ex[1].texts.en.query === "S1." && ex[1].texts.en.passage === "S0. S2.");
 * ```
 */
export function buildIctExamples(
  sentences: readonly AlignedSentence[],
  options: IctOptions = {},
): ParallelExample[] {
  const languages = options.languages ?? ICT_LANGUAGES;
  const window = options.window ?? 2;
  const minDoc = options.minDocSentences ?? 2;
  if (!Number.isInteger(window) || window < 1) {
    throw new InputError(`ICT window is ${window}, expected an integer >= 1`);
  }
  const partial = options.partial ?? false;
  for (const s of partial ? [] : sentences) {
    for (const lang of languages) {
      if (typeof s.text[lang] !== "string" || s.text[lang] === "") {
        throw new InputError(
          `Sentence ${s.id} has no "${lang}" text, expected all of ${languages.join(" ")}`,
        );
      }
    }
  }
  const examples: ParallelExample[] = [];
  for (const doc of documents(sentences)) {
    if (doc.length < Math.max(2, minDoc)) continue;
    const group = `${doc[0].id.split(":")[0]}:${doc[0].doc}`;
    for (let i = 0; i < doc.length; i++) {
      const neighbours = doc.slice(Math.max(0, i - window), i)
        .concat(doc.slice(i + 1, i + 1 + window));
      const texts: ParallelExample["texts"] = {};
      for (const lang of languages) {
        const query = doc[i].text[lang];
        const passage = neighbours.map((s) => s.text[lang]).filter((t) => t);
        if (!query || passage.length === 0) continue;
        texts[lang] = { query, passage: joinSentences(passage, lang) };
      }
      if (Object.keys(texts).length > 0) examples.push({ id: doc[i].id, group, texts });
    }
  }
  return examples;
}

/** Options of {@linkcode loadIctExamples}. */
export interface LoadIctOptions extends IctOptions {
  /** The data directory (default: `resolveDataDir()`). */
  dataDir?: string;
  /** Corpora to read (default NTREX-128 and FLORES-200, in that order). */
  corpora?: readonly IctCorpus[];
  /** LibreOffice help pages' root (default `/usr/share/libreoffice/help`). */
  libreofficeHelpDir?: string;
}

/** A document source of ICT examples. */
export type IctCorpus = "ntrex" | "flores" | "libreoffice-help";

/** Every ICT corpus. */
export const ICT_CORPORA: readonly IctCorpus[] = ["ntrex", "flores", "libreoffice-help"];

/**
 * Reads NTREX-128, FLORES-200 and/or the LibreOffice help pages and builds
 * their ICT examples. The help pages are read in the requested languages
 * they exist in, with partial coverage (the module doc), and paragraphs that
 * are XQuAD-R or MLQA-R text in some language are dropped
 * ({@linkcode evaluationTexts}).
 *
 * @param options Data directory, corpora, and {@linkcode IctOptions}.
 * @returns The examples (3,008 for NTREX-128 and FLORES-200 with the defaults).
 * @throws {InputError} For an unknown corpus, or a missing corpus or package.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadIctExamples, splitByGroup } from "./ict.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const examples = await loadIctExamples({ dataDir: await writeTinyDataDir(), languages: ["de", "en"] });
 * const { train, valid } = splitByGroup(examples, { validFraction: 0.5 });
 * assert.equal(train.length + valid.length, examples.length);
 * assert(examples.every((e) => e.texts.en && e.texts.de));
 * ```
 */
export async function loadIctExamples(options: LoadIctOptions = {}): Promise<ParallelExample[]> {
  const languages = [...(options.languages ?? ICT_LANGUAGES)];
  const examples: ParallelExample[] = [];
  for (const corpus of options.corpora ?? ["ntrex", "flores"]) {
    if (corpus === "libreoffice-help") {
      const langs = languages.filter((l) => l in LIBREOFFICE_HELP_LOCALES);
      const banned = await evaluationTexts(options.dataDir);
      const sentences = (await loadLibreofficeHelp({
        helpDir: options.libreofficeHelpDir,
        languages: langs,
      })).filter((s) => !Object.values(s.text).some((t) => banned.has(t)));
      examples.push(
        ...buildIctExamples(sentences, { ...options, languages: langs, partial: true }),
      );
      continue;
    }
    if (corpus !== "ntrex" && corpus !== "flores") {
      throw new InputError(
        `Unknown ICT corpus "${corpus}", expected one of ${ICT_CORPORA.join(" ")}`,
      );
    }
    const sentences = corpus === "ntrex"
      ? await loadNtrex({ dataDir: options.dataDir, languages })
      : await loadFlores({ dataDir: options.dataDir, languages });
    examples.push(...buildIctExamples(sentences, { ...options, languages }));
  }
  return examples;
}

/** Options of {@linkcode splitByGroup}. */
export interface SplitOptions {
  /** Target share of the examples in the validation side, in (0, 1) (default 0.1). */
  validFraction?: number;
  /** Seed of the group order (default 0). */
  seed?: number;
}

/**
 * Splits examples into train and validation by group, deterministically.
 *
 * Groups are ordered by sha256 of `"{seed}:{group}"`; whole groups go to the
 * validation side in that order until it holds at least `validFraction` of
 * the examples (so it overshoots by less than one group). Both sides keep the
 * input order.
 *
 * @param examples Items with a `group`.
 * @param options `validFraction`, `seed`.
 * @returns `{ train, valid }`.
 * @throws {InputError} For a fraction outside (0, 1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitByGroup } from "./ict.ts";
 * const items = ["a", "a", "b", "c", "d"].map((group, i) => ({ id: `${i}`, group }));
 * const { train, valid } = splitByGroup(items, { validFraction: 0.2, seed: 1 });
 * assert(train.length + valid.length === 5);
 * ```
 */
export function splitByGroup<T extends { group: string }>(
  examples: readonly T[],
  options: SplitOptions = {},
): { train: T[]; valid: T[] } {
  const fraction = options.validFraction ?? 0.1;
  const seed = options.seed ?? 0;
  if (!(fraction > 0 && fraction < 1)) {
    throw new InputError(`validFraction is ${fraction}, expected a number in (0, 1)`);
  }
  const sizes = new Map<string, number>();
  for (const e of examples) sizes.set(e.group, (sizes.get(e.group) ?? 0) + 1);
  const rank = (g: string) => createHash("sha256").update(`${seed}:${g}`).digest("hex");
  const order = [...sizes.keys()].map((g) => [rank(g), g] as const)
    .sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const target = fraction * examples.length;
  const validGroups = new Set<string>();
  let count = 0;
  for (const [, g] of order) {
    if (count >= target) break;
    validGroups.add(g);
    count += sizes.get(g)!;
  }
  const train: T[] = [];
  const valid: T[] = [];
  for (const e of examples) (validGroups.has(e.group) ? valid : train).push(e);
  return { train, valid };
}
