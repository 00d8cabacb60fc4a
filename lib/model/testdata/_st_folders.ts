/**
 * Test helpers: tiny random checkpoints in the real sentence-transformers
 * layouts of LaBSE and XLM-R, built by the PyTorch reference
 * (`st_reference.py make`), and that reference's embeddings.
 *
 * @module
 */

import { join } from "node:path";
import { datasetPath } from "../../data/data_dir.ts";
import { MBERT_VOCAB } from "../../data/tokenizer.ts";
import { exists } from "../../util/testing.ts";
import { FLORES_FILES, sentencepieceAvailable, SPM_PYTHON } from "../../data/testdata/_spm.ts";

const REFERENCE = new URL("./st_reference.py", import.meta.url).pathname;

async function torchAvailable(): Promise<boolean> {
  try {
    const r = await new Deno.Command(SPM_PYTHON, {
      args: ["-c", "import torch, numpy, sentencepiece"],
      stdout: "null",
      stderr: "null",
    }).output();
    return r.success;
  } catch {
    return false;
  }
}

/** What the tiny folders need, for skip notes. */
export const ST_FOLDERS_NEED =
  "python3-torch, python3-sentencepiece, FLORES-200 and the mBERT vocabulary (XLIR_DATA)";

/** True when the tiny folders can be built here (see {@linkcode ST_FOLDERS_NEED}). */
export async function stFoldersAvailable(): Promise<boolean> {
  return await torchAvailable() && await sentencepieceAvailable() &&
    exists(datasetPath(FLORES_FILES.de)) &&
    exists(join(datasetPath(MBERT_VOCAB), "tokenizer.json"));
}

/**
 * Runs the PyTorch reference (`st_reference.py ARGS…`); with `stSrc` (a
 * sentence-transformers 2.2.2 checkout) its modules run sentence-transformers' own code.
 */
export async function stReference(stSrc: string, ...args: string[]): Promise<void> {
  const r = await new Deno.Command(SPM_PYTHON, {
    args: [REFERENCE, ...args],
    env: { XLIR_ST_SRC: stSrc },
  }).output();
  if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
}

/**
 * Writes a tiny LaBSE-layout folder into `dir` (mBERT's WordPiece vocabulary,
 * 2 layers of width 32, CLS → Dense(tanh, `pytorch_model.bin`) → Normalize,
 * `max_seq_length` 24, no prompts).
 */
export async function makeLabseFolder(dir: string): Promise<void> {
  const vocab = datasetPath(MBERT_VOCAB);
  await Deno.copyFile(join(vocab, "tokenizer.json"), join(dir, "tokenizer.json"));
  await Deno.copyFile(join(vocab, "tokenizer_config.json"), join(dir, "tokenizer_config.json"));
  await stReference("", "make", dir, "labse");
}

/**
 * Writes a tiny XLM-R-layout folder into `dir` with the SentencePiece model of
 * `spmDir` (`buildSpmModel()`): 2 layers of width 32, `do_lower_case`,
 * mean + max pooling → Dense(64 → 24), no Normalize, `query: ` / `passage: `
 * prompts, `max_seq_length` 24.
 */
export async function makeXlmrFolder(dir: string, spmDir: string): Promise<void> {
  await stReference("", "make", dir, "xlmr", spmDir);
}
