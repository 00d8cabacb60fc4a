/**
 * FLORES-200 devtest (NLLB Team 2022): 1,012 English sentences from Wikinews,
 * Wikijunior and Wikivoyage articles, professionally translated into 200
 * languages; read here in the 12 languages xlir uses, as multi-parallel
 * {@linkcode AlignedSentence}s.
 *
 * Layout (`{dataDir}/parallel/flores200/`): `{code}.devtest` per language and
 * `metadata_devtest.tsv` (a header, then per sentence its article URL, domain,
 * topic, …; the sentences of one article are consecutive), all line aligned.
 * `deno task download flores200` fetches them (see `sources.ts`).
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { datasetPath, resolveDataDir } from "./data_dir.ts";
import type { AlignedSentence } from "./types.ts";
import {
  checkDocsContiguous,
  checkLanguages,
  checkLineCounts,
  checkNoEmptyLines,
  PARALLEL_LANGUAGES,
  readLines,
} from "./_parallel_lines.ts";

/** The folder of FLORES-200 inside the data directory. */
export const FLORES_DIR = "parallel/flores200";

/** FLORES-200 code per ISO 639-1 code (file `{code}.devtest`). */
export const FLORES_CODES: Readonly<Record<string, string>> = {
  ar: "arb_Arab",
  de: "deu_Latn",
  el: "ell_Grek",
  en: "eng_Latn",
  es: "spa_Latn",
  hi: "hin_Deva",
  ro: "ron_Latn",
  ru: "rus_Cyrl",
  th: "tha_Thai",
  tr: "tur_Latn",
  vi: "vie_Latn",
  zh: "zho_Hans",
};

/** Options of {@linkcode loadFlores}. */
export interface FloresOptions {
  /** The data directory (default: `resolveDataDir()`). */
  dataDir?: string;
  /** ISO 639-1 codes to read (default: all 12). */
  languages?: string[];
}

/**
 * Reads the FLORES-200 devtest split as aligned sentences, in file order.
 *
 * Ids are `"flores:devtest:{line}"` (0-based sentence); `doc` is the
 * sentence's article URL from `metadata_devtest.tsv` (281 articles of 1–6
 * sentences).
 *
 * @param options Data directory, languages.
 * @returns 1,012 sentences for the real data.
 * @throws {InputError} When a file is missing, has an empty line, or its line
 * count differs from the metadata's; when the metadata has no `URL` header or
 * an article's lines are not consecutive; for an unknown language.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadFlores } from "./flores.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const sentences = await loadFlores({ dataDir: await writeTinyDataDir(), languages: ["en", "de"] });
 * assert.deepEqual(sentences.map((s) => s.doc), ["http://a", "http://a", "http://b"]);
 * ```
 */
export async function loadFlores(options: FloresOptions = {}): Promise<AlignedSentence[]> {
  const what = "FLORES-200";
  const dir = datasetPath(FLORES_DIR, options.dataDir ?? resolveDataDir());
  const languages = options.languages ?? [...PARALLEL_LANGUAGES];
  checkLanguages(what, languages, PARALLEL_LANGUAGES);
  const metaName = "metadata_devtest.tsv";
  const meta = await readLines(join(dir, metaName), what, "flores200");
  if (meta[0]?.split("\t")[0] !== "URL") {
    throw new InputError(
      `Cannot read ${what}: line 1 of ${metaName} is not a header starting with "URL"`,
    );
  }
  const docs = meta.slice(1).map((line) => line.split("\t")[0].trim());
  checkNoEmptyLines(what, metaName, ["URL", ...docs]);
  checkDocsContiguous(what, metaName, docs, 2);
  const reference = { name: `${metaName} (without its header)`, count: docs.length };
  const columns: Record<string, string[]> = {};
  const counts: { name: string; count: number }[] = [];
  for (const lang of languages) {
    const name = `${FLORES_CODES[lang]}.devtest`;
    const lines = await readLines(join(dir, name), what, "flores200");
    counts.push({ name, count: lines.length });
    checkLineCounts(what, reference, counts);
    checkNoEmptyLines(what, name, lines);
    columns[lang] = lines;
  }
  return docs.map((doc, i) => {
    const text: Record<string, string> = {};
    for (const lang of languages) text[lang] = columns[lang][i].trim();
    return { id: `flores:devtest:${i}`, doc, text };
  });
}
