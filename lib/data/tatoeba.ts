/**
 * Tatoeba Challenge test sets v2021-08-07 (Tiedemann 2020): English sentence
 * pairs with 11 languages (about 113k pairs), as {@linkcode TranslationPair}s
 * from English (`srcLang: "en"`) to the other language.
 *
 * Layout (`{dataDir}/parallel/tatoeba/{pair}/`, e.g. `eng-zho/`):
 * `tatoeba-test-v2021-08-07.{eng,xxx}` (line-aligned sentences) and
 * `.labels` files beside them giving each line's language variant (`cmn_Hans`,
 * `yue_Hant`, `arq`, …).
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
import { checkLanguages, checkLineCounts, readLines, type RemoteFile } from "./_parallel_lines.ts";

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

/** Official location of the test sets (OPUS-MT-testsets, `testsets/{pair}/`). */
export const TATOEBA_BASE_URL =
  "https://raw.githubusercontent.com/Helsinki-NLP/OPUS-MT-testsets/master/testsets/";

const TATOEBA_SHA256: Record<string, string> = {
  "ara-eng/@.ara": "cf210526bd68c21f06af0e236f55c6355079e7523a21529091a0e65c9204055b",
  "ara-eng/@.ara.labels": "310c9b08c3a6217e6f849bb1d0ff9e59cf38f17dcdb77720ceb21d7acd7d0e89",
  "ara-eng/@.eng": "8c2e22aa222b8d21b890c56e6508b2b9fa63df65225f66b72c8602f4baf426dd",
  "ara-eng/@.eng.labels": "4cebb1896781fc69d456deec4600d8a64466fa7f37d4db5618b3a16b53a690cc",
  "deu-eng/@.deu": "a06d3300c05158e83bb5c1709a0bf5aecc2e28c895e66f03b1c914a7fdd8c8c6",
  "deu-eng/@.deu.labels": "d2623f0e68eaa85720f7fccc24a9173a2e9599c8f62dd90ece3d9a675f1c7d8b",
  "deu-eng/@.eng": "5d0e3169914a5e3f4ca7bdec670880f2025385c5a7e29547d9cbd7992105e77f",
  "deu-eng/@.eng.labels": "7ec047f52258e60ef98f48ba226b0785a18a019f9484741568af9cfb3a37f435",
  "ell-eng/@.ell": "c0eb8b08528a0b5dbd6cccf3309a6f7182be740f933f6a50f6a56b836c630dff",
  "ell-eng/@.ell.labels": "5c1c7a2657a9fb8dc1d737b80fb7b543e41e10da5e6e3bdd1a88a2a275896a6b",
  "ell-eng/@.eng": "53e5b722e3397b056090cc3678516e65a406ae21e17015f65938f00c5773a0f5",
  "ell-eng/@.eng.labels": "4d0443bea528004f7990f885d1bc3132330c103715c10e32be5868612a119db2",
  "eng-hin/@.eng": "84bf2824b56142d053a4603ceb0e2e7490945ccb01a61cc33f3264e94c4d6f12",
  "eng-hin/@.eng.labels": "6a77ed65abc6a70506d3745089c9fa0d6ad42ec16096e893729836891f7030ee",
  "eng-hin/@.hin": "1bd48560ef1e57395c660c36f12c711f78487e0d750bd605fc3e1c9edd3c7f96",
  "eng-hin/@.hin.labels": "e3393778a23720b058b8e055ab45aed0f72c6fa945aa8902f59486b06f1d9ecd",
  "eng-ron/@.eng": "7afb91dc06d861b13fbf6506d6f4d872b5da51d36e4a80e5fcab8eeadb224510",
  "eng-ron/@.eng.labels": "86cb99572a938da54c7a5374e544f6043ea83ac0e72d3631990894474628beee",
  "eng-ron/@.ron": "dc7adfefc73a1a47a9432d970afd1b86ce5eefd82c4375f8d5469db6c2f97835",
  "eng-ron/@.ron.labels": "b28dce922adb6523c968792de0fd08fb7494e00135319debf137fa49059dceb6",
  "eng-rus/@.eng": "3d89c0281402c08dd6f8158301bf44586997b7f76070269c9ee4097c4f10fcb2",
  "eng-rus/@.eng.labels": "1a2ecaa150eab451e92d1d51dcfb67937a1e323f7dbd5707f36ab8778c648764",
  "eng-rus/@.rus": "643d0d8beedac2add8b8a6523bacdbbb349e438e0139eb5ef9b4cc0f63660cd5",
  "eng-rus/@.rus.labels": "0993f1d9adf8a84ab8c1e24b7880e99bc02ac5dd2049539ca2e8a78ef0ccfc2f",
  "eng-spa/@.eng": "74da6b3ced819694959c14aadda79876abcd8d0aa6163a79fa4381bfb473c23e",
  "eng-spa/@.eng.labels": "30c735ef97d10688c6ee79abbfd643f82445eb270f9eb1079a83ad6fdfc842aa",
  "eng-spa/@.spa": "204c4d49224aa8bb974927daee66368c1b00068e3b6815fdba41d1265699cd93",
  "eng-spa/@.spa.labels": "3ca74e354b59a16e0a521b723eafefb9194dab410d1079d30385c5be9365ef93",
  "eng-tha/@.eng": "43e6c773c2f748504cdf59f38cb5ed8ce156d30c2dc0b83870842f57d05f104b",
  "eng-tha/@.eng.labels": "80fd7940dc1a941ab24e981e604f92e7062b603e3756c4ad4ea1e6a51a7ff169",
  "eng-tha/@.tha": "f76d85c976ec6fe813159429d6a62821c9fff80ba8e25177455ba5242eeee06d",
  "eng-tha/@.tha.labels": "bf642c8cbb659a7f92359dc0adb96d21f616d1b8c39a848701065216abed9373",
  "eng-tur/@.eng": "f316c20e76fbdc939495e5abe74e5b81bc1920663ba8106c4ecf56d21230187f",
  "eng-tur/@.eng.labels": "a25214cb4dfacdfbc2bb5533dc15b2b5c4faee051b59f4f474c34ca73cbb71f0",
  "eng-tur/@.tur": "0622af57035c6df8ed9e2018a81757142941d7864362dc3b4b11be5f406eefd4",
  "eng-tur/@.tur.labels": "b9c5101474bb9f95afc1cb972d8e5f3a9075fd80d29b27a70111d359f82c87d2",
  "eng-vie/@.eng": "877c0ba759b4db83a014713c5ba02d5aeccecff5e2de51f5d4b76ee5ee9ff89b",
  "eng-vie/@.eng.labels": "8ac9e979209974761143e9f5a852e55911e8edb5775bbca96b14160a7371c0af",
  "eng-vie/@.vie": "cd2dba06d217a8d02c79a4b95ec5bcf25067a8cbab152ad1a3903b4f2fb9ce9e",
  "eng-vie/@.vie.labels": "34b01fac5412006ec872902347668e856d5c1b9adf333360058edd7aeffcf849",
  "eng-zho/@.eng": "75bb1a99ffa2410ae901f0c2aad376effc97fa116e5546b51e1a27793a7fc39e",
  "eng-zho/@.eng.labels": "0f94132c6ca7687d4841c6c99362baed957911ef4c9483785b7d091f444b5cde",
  "eng-zho/@.zho": "af2b796d041e916ced5191392bf20ecbeac71e918613079680da1f7646561fd4",
  "eng-zho/@.zho.labels": "3d159dec3d95170a29be1ee861a91901088b85de9ee4f6dfb9b58edca709cec5",
};

/**
 * Where each file comes from (`{pair}/{file}` under
 * {@linkcode TATOEBA_BASE_URL}) and its sha256.
 */
export const TATOEBA_SOURCE: Readonly<Record<string, RemoteFile>> = Object.fromEntries(
  Object.entries(TATOEBA_SHA256).map(([key, sha256]) => {
    const name = key.replace("@", `tatoeba-test-${TATOEBA_VERSION}`);
    return [name, { url: TATOEBA_BASE_URL + name, sha256 }];
  }),
);

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
 * ```ts ignore
 * import { loadTatoeba } from "./tatoeba.ts";
 * const pairs = await loadTatoeba({ languages: ["zh"] });
 * console.log(pairs.length, pairs[0].tgtLabel); // 4450 cmn_Hans
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
      names.map((name) => readLines(join(root, dir, name), what)),
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
