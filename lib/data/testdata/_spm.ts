/**
 * Test helpers around `spm_reference.py`: a small SentencePiece Unigram model
 * trained on FLORES/NTREX text of the evaluation languages, its XLM-R
 * `tokenizer.json`, and SentencePiece's own ids for texts.
 *
 * @module
 */

import { join } from "node:path";
import { datasetPath } from "../data_dir.ts";

/** The interpreter with Debian's python3-sentencepiece. */
export const SPM_PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./spm_reference.py", import.meta.url).pathname;

/** Whether python3-sentencepiece can be imported. */
export async function sentencepieceAvailable(): Promise<boolean> {
  try {
    const r = await new Deno.Command(SPM_PYTHON, {
      args: ["-c", "import sentencepiece"],
      stdout: "null",
      stderr: "null",
    }).output();
    return r.success;
  } catch {
    return false;
  }
}

async function py(...args: string[]): Promise<void> {
  const r = await new Deno.Command(SPM_PYTHON, { args: [SCRIPT, ...args] }).output();
  if (!r.success) {
    throw new Error(`spm_reference.py ${args[0]} failed: ${new TextDecoder().decode(r.stderr)}`);
  }
}

/** FLORES-200 files of the evaluation languages (zh from NTREX-128). */
export const FLORES_FILES: Record<string, string> = {
  ar: "parallel/flores200/arb_Arab.devtest",
  de: "parallel/flores200/deu_Latn.devtest",
  el: "parallel/flores200/ell_Grek.devtest",
  en: "parallel/flores200/eng_Latn.devtest",
  es: "parallel/flores200/spa_Latn.devtest",
  hi: "parallel/flores200/hin_Deva.devtest",
  ru: "parallel/flores200/rus_Cyrl.devtest",
  th: "parallel/flores200/tha_Thai.devtest",
  tr: "parallel/flores200/tur_Latn.devtest",
  vi: "parallel/flores200/vie_Latn.devtest",
  zh: "parallel/ntrex128/newstest2019-ref.zho_Hans.txt",
};

/** Lines `from..to` of a language's file. */
export async function floresLines(lang: string, from: number, to: number): Promise<string[]> {
  const text = await Deno.readTextFile(datasetPath(FLORES_FILES[lang]));
  return text.split("\n").filter((l) => l.length > 0).slice(from, to);
}

/**
 * Trains a `vocab`-piece Unigram model on the first 300 lines of every
 * language and writes `xlmr.model` and `tokenizer.json` into a new folder.
 */
export async function buildSpmModel(vocab = 4000): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "xlir-spm-" });
  const corpus: string[] = [];
  for (const lang of Object.keys(FLORES_FILES)) corpus.push(...await floresLines(lang, 0, 300));
  await Deno.writeTextFile(join(dir, "corpus.txt"), corpus.join("\n") + "\n");
  await py("train", join(dir, "corpus.txt"), join(dir, "xlmr"), String(vocab));
  await py("tokjson", join(dir, "xlmr.model"), join(dir, "tokenizer.json"));
  return dir;
}

/** SentencePiece's XLM-R ids (`<s> … </s>`) of each text. */
export async function spmIds(dir: string, texts: string[]): Promise<number[][]> {
  const inPath = join(dir, "texts.json"), outPath = join(dir, "ids.json");
  await Deno.writeTextFile(inPath, JSON.stringify(texts));
  await py("encode", join(dir, "xlmr.model"), inPath, outPath);
  return JSON.parse(await Deno.readTextFile(outPath));
}
