/**
 * Tatoeba Challenge test sets v2021-08-07 (Tiedemann 2020): English sentence
 * pairs with 11 languages (about 113k pairs), as {@linkcode TranslationPair}s
 * from English (`srcLang: "en"`) to the other language.
 *
 * Layout (`{dataDir}/parallel/tatoeba/{pair}/`, e.g. `eng-zho/`):
 * `tatoeba-test-v2021-08-07.{eng,xxx}` (line-aligned sentences) and
 * `.labels` files beside them giving each line's language variant (`cmn_Hans`,
 * `yue_Hant`, `arq`, …). `deno task download tatoeba` fetches them (see
 * `sources.ts`).
 *
 * Variants kept by default ({@linkcode DEFAULT_TATOEBA_VARIANTS}): the
 * standard language only, to match XQuAD-R/MLQA-R (Modern Standard Arabic,
 * Mandarin in Simplified script):
 * - ar keeps `ara` (9,642 of 10,305; drops Algerian `arq`, Egyptian `arz`, …
 *   and romanised `*_Latn` lines);
 * - zh keeps `cmn_Hans` (4,450 of 10,390; drops Traditional `cmn_Hant`,
 *   Cantonese `yue_*`, Wu `wuu*`, Classical `lzh_*`, romanised lines — note
 *   that Cantonese written in Simplified script, `yue_Hans`, is not Mandarin);
 * - ru drops one `rus_Latn` line, vi one `vie_Hani` line; the others have one
 *   label.
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { datasetPath, resolveDataDir } from "./data_dir.ts";
import type { TranslationPair } from "./types.ts";
import { checkLanguages, checkLineCounts, readLines } from "./_parallel_lines.ts";

/** The folder of the Tatoeba test sets inside the data directory. */
export const TATOEBA_DIR = "parallel/tatoeba";

/** The test-set release read. */
export const TATOEBA_VERSION = "v2021-08-07";

/** Per ISO 639-1 code: the pair folder and the language's file suffix. */
export const TATOEBA_PAIRS: Readonly<Record<string, { dir: string; code: string }>> = {
  ar: { dir: "ara-eng", code: "ara" },
  de: { dir: "deu-eng", code: "deu" },
  el: { dir: "ell-eng", code: "ell" },
  es: { dir: "eng-spa", code: "spa" },
  hi: { dir: "eng-hin", code: "hin" },
  ro: { dir: "eng-ron", code: "ron" },
  ru: { dir: "eng-rus", code: "rus" },
  th: { dir: "eng-tha", code: "tha" },
  tr: { dir: "eng-tur", code: "tur" },
  vi: { dir: "eng-vie", code: "vie" },
  zh: { dir: "eng-zho", code: "zho" },
};

/** The non-English languages with a test set (sorted). */
export const TATOEBA_LANGUAGES: readonly string[] = Object.keys(TATOEBA_PAIRS).sort();

/** The variant labels kept by default per language (see the module doc). */
export const DEFAULT_TATOEBA_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  ar: ["ara"],
  de: ["deu"],
  el: ["ell"],
  es: ["spa"],
  hi: ["hin"],
  ro: ["ron"],
  ru: ["rus"],
  th: ["tha"],
  tr: ["tur"],
  vi: ["vie"],
  zh: ["cmn_Hans"],
};

/** A Tatoeba pair with the variant labels of both sides. */
export interface TatoebaPair extends TranslationPair {
  /** The English side's label (`"eng"`). */
  srcLabel: string;
  /** The other side's label (e.g. `"cmn_Hans"`). */
  tgtLabel: string;
}

/** Options of {@linkcode loadTatoeba}. */
export interface TatoebaOptions {
  /** The data directory (default: `resolveDataDir()`). */
  dataDir?: string;
  /** Non-English ISO 639-1 codes to read (default: all 11). */
  languages?: string[];
  /**
   * Labels to keep per language, or `"all"` (default:
   * {@linkcode DEFAULT_TATOEBA_VARIANTS} for languages not given).
   */
  variants?: Record<string, readonly string[] | "all">;
}

/**
 * Reads Tatoeba test pairs, English → each language, in language then line
 * order.
 *
 * @param options Data directory, languages, variant filter.
 * @returns The pairs (`source: "tatoeba"`) with their labels.
 * @throws {InputError} When a file is missing, when the four files of a pair
 * differ in line count, or for an unknown language.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTatoeba } from "./tatoeba.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const pairs = await loadTatoeba({ dataDir: await writeTinyDataDir(), languages: ["de"] });
 * assert.deepEqual(pairs.map((p) => [p.src, p.tgt, p.tgtLabel]), [
 *   ["the cat.", "die cat.", "deu"],
 *   ["the dog.", "die dog.", "deu"],
 * ]);
 * ```
 */
export async function loadTatoeba(options: TatoebaOptions = {}): Promise<TatoebaPair[]> {
  const what = "Tatoeba";
  const root = datasetPath(TATOEBA_DIR, options.dataDir ?? resolveDataDir());
  const languages = options.languages ?? [...TATOEBA_LANGUAGES];
  checkLanguages(what, languages, TATOEBA_LANGUAGES);
  const pairs: TatoebaPair[] = [];
  for (const lang of languages) {
    const { dir, code } = TATOEBA_PAIRS[lang];
    const keep = options.variants?.[lang] ?? DEFAULT_TATOEBA_VARIANTS[lang];
    const base = `tatoeba-test-${TATOEBA_VERSION}`;
    const names = [
      `${base}.eng`,
      `${base}.eng.labels`,
      `${base}.${code}`,
      `${base}.${code}.labels`,
    ];
    const [eng, engLabels, tgt, tgtLabels] = await Promise.all(
      names.map((name) => readLines(join(root, dir, name), what, "tatoeba")),
    );
    checkLineCounts(
      what,
      { name: `${dir}/${names[0]}`, count: eng.length },
      [engLabels, tgt, tgtLabels].map((lines, i) => ({
        name: `${dir}/${names[i + 1]}`,
        count: lines.length,
      })),
    );
    for (let i = 0; i < eng.length; i++) {
      const tgtLabel = tgtLabels[i].trim();
      if (keep !== "all" && !keep.includes(tgtLabel)) continue;
      const src = eng[i].trim();
      const tgtText = tgt[i].trim();
      if (src === "" || tgtText === "") {
        throw new InputError(
          `Cannot read ${what}: line ${i + 1} of ${dir}/${
            src === "" ? names[0] : names[2]
          } is empty, expected a sentence`,
        );
      }
      pairs.push({
        srcLang: "en",
        tgtLang: lang,
        src,
        tgt: tgtText,
        source: "tatoeba",
        srcLabel: engLabels[i].trim(),
        tgtLabel,
      });
    }
  }
  return pairs;
}
