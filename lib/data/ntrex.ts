/**
 * NTREX-128 (Federmann et al. 2022): the 1,997 sentences of the WMT19 English
 * news test set in 123 documents, translated into 128 languages; read here in
 * the 12 languages xlir uses, as multi-parallel {@linkcode AlignedSentence}s.
 *
 * English is the original source, `newstest2019-src.eng.txt` (what every
 * reference was translated from), not the `eng-US` reference (an American
 * spelling edit of it: 62 lines differ, "favoured" → "favored"); pass
 * `english: "eng-US"` for the latter.
 *
 * Layout (`{dataDir}/parallel/ntrex128/`): `DOCUMENT_IDS.tsv` (one document id
 * per sentence line) and `newstest2019-ref.{code}.txt` per language, all line
 * aligned. `deno task download ntrex128` fetches them (see `sources.ts`).
 *
 * @module
 */

import { join } from "node:path";
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

/** The folder of NTREX-128 inside the data directory. */
export const NTREX_DIR = "parallel/ntrex128";

/** NTREX-128 file per ISO 639-1 code (English: the original source). */
export const NTREX_FILES: Readonly<Record<string, string>> = {
  ar: "newstest2019-ref.arb.txt",
  de: "newstest2019-ref.deu.txt",
  el: "newstest2019-ref.ell.txt",
  en: "newstest2019-src.eng.txt",
  es: "newstest2019-ref.spa.txt",
  hi: "newstest2019-ref.hin.txt",
  ro: "newstest2019-ref.ron.txt",
  ru: "newstest2019-ref.rus.txt",
  th: "newstest2019-ref.tha.txt",
  tr: "newstest2019-ref.tur.txt",
  vi: "newstest2019-ref.vie.txt",
  zh: "newstest2019-ref.zho_Hans.txt",
};

/** Options of {@linkcode loadNtrex}. */
export interface NtrexOptions {
  /** The data directory (default: `resolveDataDir()`). */
  dataDir?: string;
  /** ISO 639-1 codes to read (default: all 12). */
  languages?: string[];
  /** English text: the original `"source"` (default) or the `"eng-US"` reference. */
  english?: "source" | "eng-US";
}

/**
 * Reads NTREX-128 as aligned sentences, in file order.
 *
 * Ids are `"ntrex:{line}"` (0-based line); `doc` is the line's
 * `DOCUMENT_IDS.tsv` entry (e.g. `"bbc.381790"`).
 *
 * @param options Data directory, languages, English variant.
 * @returns 1,997 sentences for the real data.
 * @throws {InputError} When a file is missing, has an empty line, or its line
 * count differs from `DOCUMENT_IDS.tsv`'s; when a document's lines are not
 * consecutive; for an unknown language.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadNtrex } from "./ntrex.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const sentences = await loadNtrex({ dataDir: await writeTinyDataDir(), languages: ["en", "de"] });
 * assert.deepEqual(sentences.map((s) => s.doc), ["a", "a", "b"]);
 * assert.equal(sentences[0].text.de, "die cat sat.");
 * ```
 */
export async function loadNtrex(options: NtrexOptions = {}): Promise<AlignedSentence[]> {
  const what = "NTREX-128";
  const dir = datasetPath(NTREX_DIR, options.dataDir ?? resolveDataDir());
  const languages = options.languages ?? [...PARALLEL_LANGUAGES];
  checkLanguages(what, languages, PARALLEL_LANGUAGES);
  const docs = (await readLines(join(dir, "DOCUMENT_IDS.tsv"), what, "ntrex128")).map((d) =>
    d.trim()
  );
  checkNoEmptyLines(what, "DOCUMENT_IDS.tsv", docs);
  checkDocsContiguous(what, "DOCUMENT_IDS.tsv", docs);
  const columns: Record<string, string[]> = {};
  const counts: { name: string; count: number }[] = [];
  for (const lang of languages) {
    const name = lang === "en" && options.english === "eng-US"
      ? "newstest2019-ref.eng-US.txt"
      : NTREX_FILES[lang];
    const lines = await readLines(join(dir, name), what, "ntrex128");
    counts.push({ name, count: lines.length });
    checkLineCounts(what, { name: "DOCUMENT_IDS.tsv", count: docs.length }, counts);
    checkNoEmptyLines(what, name, lines);
    columns[lang] = lines;
  }
  return docs.map((doc, i) => {
    const text: Record<string, string> = {};
    for (const lang of languages) text[lang] = columns[lang][i].trim();
    return { id: `ntrex:${i}`, doc, text };
  });
}
