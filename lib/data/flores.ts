/**
 * FLORES-200 devtest (NLLB Team 2022): 1,012 English sentences from Wikinews,
 * Wikijunior and Wikivoyage articles, professionally translated into 200
 * languages; read here in the 12 languages xlir uses, as multi-parallel
 * {@linkcode AlignedSentence}s.
 *
 * Layout (`{dataDir}/parallel/flores200/`): `{code}.devtest` per language and
 * `metadata_devtest.tsv` (a header, then per sentence its article URL, domain,
 * topic, …; the sentences of one article are consecutive), all line aligned.
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
  type RemoteFile,
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

const FLORES_ARCHIVE = "https://dl.fbaipublicfiles.com/nllb/flores200_dataset.tar.gz";

const FLORES_SHA256: Record<string, string> = {
  "metadata_devtest.tsv": "8edac47f861fcf6b54dad2068c10ba8f741da8b8676861c6bc27fcd9f5483b36",
  "arb_Arab.devtest": "ff09a52e63884e9b5bb1083780b58f37d3d14acb0c58c6b1f1f2544ecea12ff8",
  "deu_Latn.devtest": "9a1bfa90d153fedb7ff80047f4a63d493998888eddb056e8a28e24592f26e5f2",
  "ell_Grek.devtest": "6c36930cb4c2dff02ab1853852cd71e33e43beed8058e6f0c3395069b816be00",
  "eng_Latn.devtest": "612e9fbe87997617c0fa8fa8929654a4f49b728d96738112c2b86ef6a1d78d88",
  "hin_Deva.devtest": "5f5fd39acadca29fb044a0398e81869e48f37de979df086f2fad4a7d1fd2d015",
  "ron_Latn.devtest": "6f0b4240c136efdbb4543e09295e55c52e8ebc632b081ef9089ae2e3da2b89e6",
  "rus_Cyrl.devtest": "cdc706ed862d1d35d8d67cfda0b396766646885434958b18291aa760ff1bb59e",
  "spa_Latn.devtest": "40fcb836b49b0a461a14c00b8bce1f03113f8d2668132af424e74b2421d18ce9",
  "tha_Thai.devtest": "d9bed1bf963821eab20051b18674950f345b67b0d0925290eaa6836eb06e76ca",
  "tur_Latn.devtest": "c0fe28cee25f77fbe8471bcd3c87d26c7a284f4f0420f4293c9ce004b9bef8f2",
  "vie_Latn.devtest": "86b70984f053cae5f5d554bc9e9d00397773b8325bed7e12e7695c2e61897cb0",
  "zho_Hans.devtest": "b30158b1b76f7cee08530d8127a9769f4512597c7eefe97ae1ccf630d5b6e7fd",
};

/**
 * Where each file comes from (a member of the official FLORES-200 archive) and
 * its sha256.
 */
export const FLORES_SOURCE: Readonly<Record<string, RemoteFile>> = Object.fromEntries(
  Object.entries(FLORES_SHA256).map(([name, sha256]) => [
    name,
    {
      url: FLORES_ARCHIVE,
      member: name.endsWith(".tsv")
        ? `flores200_dataset/${name}`
        : `flores200_dataset/devtest/${name}`,
      sha256,
    },
  ]),
);

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
 * ```ts ignore
 * import { loadFlores } from "./flores.ts";
 * const sentences = await loadFlores({ languages: ["en", "zh"] });
 * console.log(sentences.length, sentences[0].doc);
 * ```
 */
export async function loadFlores(options: FloresOptions = {}): Promise<AlignedSentence[]> {
  const what = "FLORES-200";
  const dir = datasetPath(FLORES_DIR, options.dataDir ?? resolveDataDir());
  const languages = options.languages ?? [...PARALLEL_LANGUAGES];
  checkLanguages(what, languages, PARALLEL_LANGUAGES);
  const metaName = "metadata_devtest.tsv";
  const meta = await readLines(join(dir, metaName), what);
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
    const lines = await readLines(join(dir, name), what);
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
