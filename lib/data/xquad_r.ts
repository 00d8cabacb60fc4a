/**
 * XQuAD-R (LAReQA): 1,190 questions × 11 languages, candidates are the
 * sentences of the 240 paragraphs, read from `{data}/xquad-r/{lang}.json`
 * (SQuAD layout plus `sentences` and `sentence_breaks` per paragraph).
 *
 * Questions are parallel: the same ids in the same order in every file (checked).
 * A candidate is one sentence position (see `lareqa.ts`): the counts equal
 * LAReQA's table, {@linkcode XQUAD_R_REFERENCE}; a few languages hold
 * identical sentences in different paragraphs (ar 2, hi 1, ru 1, tr 1, zh 4
 * extra copies) and each copy is its own candidate.
 *
 * @module
 */

import { join } from "node:path";
import type { LareqaDataset, LareqaLanguage } from "./types.ts";
import { datasetPath, resolveDataDir } from "./data_dir.ts";
import { checkLanguages, XQUAD_R_LANGS } from "./languages.ts";
import { buildLanguage, type LanguageStats, readJsonFile, readSquadParagraphs } from "./lareqa.ts";
import { InputError } from "../util/errors.ts";

/** LAReQA's published XQuAD-R counts (README and paper, Table 1). */
export const XQUAD_R_REFERENCE: Readonly<Record<string, LanguageStats>> = Object.freeze({
  ar: { questions: 1190, candidates: 1222 },
  de: { questions: 1190, candidates: 1276 },
  el: { questions: 1190, candidates: 1234 },
  en: { questions: 1190, candidates: 1180 },
  es: { questions: 1190, candidates: 1215 },
  hi: { questions: 1190, candidates: 1244 },
  ru: { questions: 1190, candidates: 1219 },
  th: { questions: 1190, candidates: 852 },
  tr: { questions: 1190, candidates: 1167 },
  vi: { questions: 1190, candidates: 1209 },
  zh: { questions: 1190, candidates: 1196 },
});

/** Options of {@linkcode loadXquadR}. */
export interface LoadXquadROptions {
  /** The data directory (default: `resolveDataDir()`). */
  dataDir?: string;
  /** Languages to load (default: all 11). */
  langs?: readonly string[];
}

/**
 * Loads XQuAD-R. Reads only; never writes into the data directory.
 *
 * @param options Data directory and languages.
 * @returns The dataset, named `"xquad-r"`.
 * @throws {InputError} For an unknown language, a missing file (pointing to
 *   `deno task download xquad-r`), malformed JSON, a missing field (with its
 *   JSON path), an answer outside every sentence, or non-parallel questions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadXquadR } from "./xquad_r.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const ds = await loadXquadR({ dataDir: await writeTinyDataDir(), langs: ["en", "de"] });
 * assert.equal(ds.byLang.en.candidates.length, 3); // 1,180 in the real XQuAD-R
 * assert.deepEqual(ds.byLang.de.questions[0].answers, ["de:0:0"]);
 * ```
 */
export async function loadXquadR(options: LoadXquadROptions = {}): Promise<LareqaDataset> {
  const langs = checkLanguages(options.langs, XQUAD_R_LANGS, "XQuAD-R");
  const dir = datasetPath("xquad-r", resolveDataDir(options.dataDir));
  const built = await Promise.all(langs.map(async (lang) => {
    const file = join(dir, `${lang}.json`);
    const json = await readJsonFile(file, "XQuAD-R", "xquad-r");
    return {
      file,
      ...buildLanguage(lang, readSquadParagraphs(json, "XQuAD-R", file), "XQuAD-R", file),
    };
  }));
  // Parallel questions: same ids, same order, in every file.
  const first = built[0];
  for (const other of built.slice(1)) {
    const a = first.language.questions, b = other.language.questions;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i]?.qid === b[i]?.qid) continue;
      const where = (x: typeof first, q: number) =>
        q < x.language.questions.length
          ? `"${x.language.questions[q].qid}" (${x.questionPaths[q]}) in ${x.file}`
          : `nothing in ${x.file} (${x.language.questions.length} questions)`;
      throw new InputError(
        `Cannot read XQuAD-R: questions are not parallel: question ${i} is ${where(first, i)} ` +
          `but ${
            where(other, i)
          }; expected the same question ids in the same order in every language`,
      );
    }
  }
  const byLang: Record<string, LareqaLanguage> = {};
  for (const b of built) byLang[b.language.lang] = b.language;
  return { name: "xquad-r", languages: langs, byLang };
}
