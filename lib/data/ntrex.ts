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
 * aligned.
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
  type RemoteFile,
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

const NTREX_RAW = "https://raw.githubusercontent.com/MicrosoftTranslator/NTREX/main/";

const NTREX_SHA256: Record<string, string> = {
  "DOCUMENT_IDS.tsv": "88a8b0ff1eae47e83f60dcde01075b8c87d75ced59ca09e0af1eb539958e05d5",
  "newstest2019-ref.arb.txt": "be4028e56addf43fb0923caf9c3e7c4301d2530d3362395e2cb716803970853c",
  "newstest2019-ref.deu.txt": "d7a6a096326b41d6f8efe4564b3f94deb9bec1596558f861a2c447e2fa0a4683",
  "newstest2019-ref.ell.txt": "85f9039ccffbd6bf1fe828cca7b3ae45dd38d5119f923ec94a66059c98673715",
  "newstest2019-ref.eng-US.txt": "e1db72daebe2b726204bf771fac63836180eb3feb971ef8e89d4152f04cb50a3",
  "newstest2019-ref.hin.txt": "be2e756ff953be2065c1a4058a04e1c6bd11b89029c62ac440927abb7bd87656",
  "newstest2019-ref.ron.txt": "92c789a66f471e2f052c011ed55b202fda222ddbb9c23eead781f9a2ca146dca",
  "newstest2019-ref.rus.txt": "177c80c1929cc88a84ab1597fd65d9caa1fb523fbcd9c03d09b452d6109efdac",
  "newstest2019-ref.spa.txt": "b9f01696130648b542e99bd62e91a3f9bf7b3830bd40858bc558e361343c1aef",
  "newstest2019-ref.tha.txt": "928493225287a56ae7d0f3b5ade8205262cce4bba6ba6b921cd9f32ae1d37821",
  "newstest2019-ref.tur.txt": "3f5e364a1ba973c21a5909b7100484235b4fdcfb3730a56ef6e32d46f7db5c2e",
  "newstest2019-ref.vie.txt": "89e482f3bb1dc79a7e37845abfc122b999b9396d529227c7b68055432d868afa",
  "newstest2019-ref.zho_Hans.txt":
    "ae97b7f992cddeee52499862902197ee9e485670cc40519c68b8c1cdc6a6cc88",
  "newstest2019-src.eng.txt": "3a62f94f5c42a395d4452ec890ca45afc75866b5b4b1d493429433cfe8469fe9",
};

/**
 * Where each file comes from (the NTREX repository: `DOCUMENT_IDS.tsv` at its
 * root, the sentence files under `NTREX-128/`) and its sha256.
 */
export const NTREX_SOURCE: Readonly<Record<string, RemoteFile>> = Object.fromEntries(
  Object.entries(NTREX_SHA256).map(([name, sha256]) => [
    name,
    { url: NTREX_RAW + (name === "DOCUMENT_IDS.tsv" ? name : `NTREX-128/${name}`), sha256 },
  ]),
);

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
 * ```ts ignore
 * import { loadNtrex } from "./ntrex.ts";
 * const sentences = await loadNtrex({ languages: ["en", "de"] });
 * console.log(sentences[0].doc, sentences[0].text.de);
 * ```
 */
export async function loadNtrex(options: NtrexOptions = {}): Promise<AlignedSentence[]> {
  const what = "NTREX-128";
  const dir = datasetPath(NTREX_DIR, options.dataDir ?? resolveDataDir());
  const languages = options.languages ?? [...PARALLEL_LANGUAGES];
  checkLanguages(what, languages, PARALLEL_LANGUAGES);
  const docs = (await readLines(join(dir, "DOCUMENT_IDS.tsv"), what)).map((d) => d.trim());
  checkNoEmptyLines(what, "DOCUMENT_IDS.tsv", docs);
  checkDocsContiguous(what, "DOCUMENT_IDS.tsv", docs);
  const columns: Record<string, string[]> = {};
  const counts: { name: string; count: number }[] = [];
  for (const lang of languages) {
    const name = lang === "en" && options.english === "eng-US"
      ? "newstest2019-ref.eng-US.txt"
      : NTREX_FILES[lang];
    const lines = await readLines(join(dir, name), what);
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
