/**
 * MLQA-R (LAReQA): MLQA's dev split as a retrieval task in 7 languages,
 * read from LAReQA's files `{data}/mlqa-r/{lang}.json` (same layout as
 * XQuAD-R), or rebuilt from MLQA dev (`source: "rebuild"`, see
 * `mlqa_rebuild.ts`).
 *
 * Each file holds the `dev-context-X-question-X` paragraphs and questions of
 * one language. Questions are not parallel: each question id appears in 2 to
 * 4 languages, and relevance crosses languages by question id.
 *
 * @module
 */

import { join } from "node:path";
import type { LareqaDataset, LareqaLanguage } from "./types.ts";
import { datasetPath, resolveDataDir } from "./data_dir.ts";
import { checkLanguages, MLQA_R_LANGS } from "./languages.ts";
import { buildLanguage, type LanguageStats, readJsonFile, readSquadParagraphs } from "./lareqa.ts";
import { rebuildMlqaR } from "./mlqa_rebuild.ts";

/** LAReQA's published MLQA-R counts (README and paper, Table 1). */
export const MLQA_R_REFERENCE: Readonly<Record<string, LanguageStats>> = Object.freeze({
  ar: { questions: 517, candidates: 2545 },
  de: { questions: 512, candidates: 2362 },
  en: { questions: 1148, candidates: 6264 },
  es: { questions: 500, candidates: 1787 },
  hi: { questions: 507, candidates: 2426 },
  vi: { questions: 511, candidates: 2828 },
  zh: { questions: 504, candidates: 2322 },
});

/** Options of {@linkcode loadMlqaR}. */
export interface LoadMlqaROptions {
  /** The data directory (default: `resolveDataDir()`). */
  dataDir?: string;
  /** Languages to load (default: all 7). */
  langs?: readonly string[];
  /**
   * `"lareqa"` (default): LAReQA's files in `mlqa-r/`; `"rebuild"`: split the
   * MLQA dev contexts here (`mlqa/dev/`), dataset named `"mlqa-r-rebuilt"`.
   */
  source?: "lareqa" | "rebuild";
}

/**
 * Loads MLQA-R. Reads only; never writes into the data directory.
 *
 * @param options Data directory, languages and source.
 * @returns The dataset, named `"mlqa-r"` (or `"mlqa-r-rebuilt"`).
 * @throws {InputError} For an unknown language, a missing file (pointing to
 *   `deno task download mlqa-r`, resp. `mlqa`), malformed JSON, a missing field
 *   (with its JSON path) or an answer outside every sentence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMlqaR } from "./mlqa_r.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const ds = await loadMlqaR({ dataDir: await writeTinyDataDir(), langs: ["en", "de"] });
 * assert.deepEqual(ds.languages, ["de", "en"]);
 * assert.equal(ds.byLang.en.candidates.length, 3); // 6,264 in the real MLQA-R
 * ```
 */
export async function loadMlqaR(options: LoadMlqaROptions = {}): Promise<LareqaDataset> {
  const source = options.source ?? "lareqa";
  if (source === "rebuild") return await rebuildMlqaR(options);
  const langs = checkLanguages(options.langs, MLQA_R_LANGS, "MLQA-R");
  const dir = datasetPath("mlqa-r", resolveDataDir(options.dataDir));
  const built = await Promise.all(langs.map(async (lang) => {
    const file = join(dir, `${lang}.json`);
    const json = await readJsonFile(file, "MLQA-R", "mlqa-r");
    return buildLanguage(lang, readSquadParagraphs(json, "MLQA-R", file), "MLQA-R", file).language;
  }));
  const byLang: Record<string, LareqaLanguage> = {};
  for (const l of built) byLang[l.lang] = l;
  return { name: "mlqa-r", languages: langs, byLang };
}
