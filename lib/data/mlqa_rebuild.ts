/**
 * Rebuilds MLQA-R from the MLQA v1 dev split, as LAReQA did: per language X,
 * the candidates are all sentences of the `dev-context-X-question-X.json`
 * contexts, in order, not deduplicated; the questions come from the same
 * files; relevance crosses languages by question id. Sentences are split by
 * {@linkcode sentenceSpans}, which approximates LAReQA's (unpublished) splitter.
 *
 * Agreement with LAReQA's own MLQA-R files is measured by
 * {@linkcode compareCandidates}: per language, the multiset intersection of the
 * two lists of sentence strings divided by LAReQA's candidate count.
 *
 * @module
 */

import { join } from "node:path";
import type { LareqaDataset, LareqaLanguage } from "./types.ts";
import { datasetPath, resolveDataDir } from "./data_dir.ts";
import { checkLanguages, MLQA_R_LANGS } from "./languages.ts";
import { buildLanguage, readJsonFile, readSquadParagraphs } from "./lareqa.ts";
import { sentenceSpans } from "./sentence_split.ts";

/** Options of {@linkcode rebuildMlqaR}. */
export interface RebuildMlqaROptions {
  /** The data directory (default: `resolveDataDir()`); reads `mlqa/dev/`. */
  dataDir?: string;
  /** Languages (default: all 7 of MLQA-R). */
  langs?: readonly string[];
}

/**
 * Rebuilds MLQA-R from MLQA dev. Reads only; never writes into the data directory.
 *
 * @param options Data directory and languages.
 * @returns The dataset, named `"mlqa-r-rebuilt"`, shaped like `loadMlqaR`'s.
 * @throws {InputError} For an unknown language, a missing file (pointing to
 *   `deno task download mlqa`), malformed JSON, a missing field (with its JSON
 *   path) or an answer outside every sentence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rebuildMlqaR } from "./mlqa_rebuild.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const ds = await rebuildMlqaR({ dataDir: await writeTinyDataDir(), langs: ["en"] });
 * assert.deepEqual(ds.byLang.en.candidates.map((c) => c.id), ["en:0:0", "en:0:1", "en:0:2"]);
 * assert.deepEqual(ds.byLang.en.questions.map((q) => q.answers), [["en:0:0"], ["en:0:1"]]);
 * ```
 */
export async function rebuildMlqaR(options: RebuildMlqaROptions = {}): Promise<LareqaDataset> {
  const langs = checkLanguages(options.langs, MLQA_R_LANGS, "MLQA dev (MLQA-R rebuild)");
  const dir = join(datasetPath("mlqa", resolveDataDir(options.dataDir)), "dev");
  const what = "MLQA dev";
  const built = await Promise.all(langs.map(async (lang) => {
    const file = join(dir, `dev-context-${lang}-question-${lang}.json`);
    const json = await readJsonFile(file, what, "mlqa");
    const paragraphs = readSquadParagraphs(json, what, file, (c) => sentenceSpans(c, lang));
    return buildLanguage(lang, paragraphs, what, file).language;
  }));
  const byLang: Record<string, LareqaLanguage> = {};
  for (const l of built) byLang[l.lang] = l;
  return { name: "mlqa-r-rebuilt", languages: langs, byLang };
}

/** How a rebuilt language's candidates agree with the reference's. */
export interface SentenceOverlap {
  /** Reference candidate count. */
  reference: number;
  /** Rebuilt candidate count. */
  rebuilt: number;
  /** Size of the multiset intersection of the two lists of sentence strings. */
  common: number;
  /** `common / reference`. */
  overlap: number;
  /** Questions in both. */
  questions: number;
  /** Questions (in both) whose answer sentence texts are the same in both. */
  sameAnswer: number;
}

/**
 * Compares candidate sentences per language: the multiset overlap of sentence
 * strings (each reference sentence matched at most once) over the reference
 * count, and the share of questions whose answer sentences read the same.
 *
 * @param rebuilt The rebuilt dataset.
 * @param reference The reference (LAReQA's files).
 * @returns Per language present in both.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareCandidates } from "./mlqa_rebuild.ts";
 * const lang = (texts: string[]) => ({
 *   lang: "en", contexts: [], questions: [],
 *   candidates: texts.map((text, s) => ({ id: `en:0:${s}`, lang: "en", paragraph: 0, sentence: s, text })),
 * });
 * const ds = (texts: string[]) => ({ name: "x", languages: ["en"], byLang: { en: lang(texts) } });
 * const cmp = compareCandidates(ds(["A.", "B. C."]), ds(["A.", "B.", "C."]));
 * assert(cmp.en.common === 1 && cmp.en.overlap === 1 / 3);
 * ```
 */
export function compareCandidates(
  rebuilt: LareqaDataset,
  reference: LareqaDataset,
): Record<string, SentenceOverlap> {
  const out: Record<string, SentenceOverlap> = {};
  for (const lang of reference.languages) {
    const ref = reference.byLang[lang], ours = rebuilt.byLang[lang];
    if (!ours) continue;
    const counts = new Map<string, number>();
    for (const c of ref.candidates) counts.set(c.text, (counts.get(c.text) ?? 0) + 1);
    let common = 0;
    for (const c of ours.candidates) {
      const n = counts.get(c.text) ?? 0;
      if (n > 0) {
        common++;
        counts.set(c.text, n - 1);
      }
    }
    const answerTexts = (l: LareqaLanguage) => {
      const text = new Map(l.candidates.map((c) => [c.id, c.text]));
      return new Map(
        l.questions.map((q) => [q.qid, q.answers.map((a) => text.get(a)).sort().join("\n")]),
      );
    };
    const refAnswers = answerTexts(ref), ourAnswers = answerTexts(ours);
    let questions = 0, sameAnswer = 0;
    for (const [qid, texts] of refAnswers) {
      const mine = ourAnswers.get(qid);
      if (mine === undefined) continue;
      questions++;
      if (mine === texts) sameAnswer++;
    }
    out[lang] = {
      reference: ref.candidates.length,
      rebuilt: ours.candidates.length,
      common,
      overlap: ref.candidates.length ? common / ref.candidates.length : 1,
      questions,
      sameAnswer,
    };
  }
  return out;
}
