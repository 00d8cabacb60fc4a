import assert from "node:assert/strict";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { main } from "./encode.ts";
import { datasetPath } from "../lib/data/data_dir.ts";
import { MBERT_VOCAB } from "../lib/data/tokenizer.ts";
import { decodeNpyF32 } from "../lib/util/npy.ts";
import { exists, skipUnless } from "../lib/util/testing.ts";
import {
  buildSpmModel,
  FLORES_FILES,
  floresLines,
  sentencepieceAvailable,
  SPM_PYTHON,
} from "../lib/data/testdata/_spm.ts";

const REFERENCE = new URL("../lib/model/testdata/st_reference.py", import.meta.url).pathname;

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

const ready = await torchAvailable() && await sentencepieceAvailable() &&
  exists(datasetPath(FLORES_FILES.de)) && exists(join(datasetPath(MBERT_VOCAB), "tokenizer.json"));
const WHY = "python3-torch, python3-sentencepiece, FLORES-200 and the mBERT vocabulary (XLIR_DATA)";

async function reference(...args: string[]): Promise<void> {
  const r = await new Deno.Command(SPM_PYTHON, { args: [REFERENCE, ...args] }).output();
  if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
}

/** Texts of several languages, some longer than max_seq_length (truncated). */
async function texts(): Promise<string[]> {
  const out = ["Hello World", "ΟΔΟΣ Straße ends in a space "];
  for (const lang of ["de", "el", "hi", "th", "zh", "ar"]) {
    out.push(...await floresLines(lang, 500, 503));
  }
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function encodeBoth(dir: string, prefix: string, ids?: number[][]) {
  const t = await texts();
  await Deno.writeTextFile(join(dir, "texts.json"), JSON.stringify(t));
  await Deno.writeTextFile(join(dir, "texts.txt"), t.join("\n") + "\n");
  const args = [dir, join(dir, "texts.json"), join(dir, "want.npy"), prefix];
  if (ids) {
    await Deno.writeTextFile(join(dir, "ids.json"), JSON.stringify(ids));
    args.push(join(dir, "ids.json"));
  }
  await reference("embed", ...args);
  await main([
    "--model",
    dir,
    "--input",
    join(dir, "texts.txt"),
    "--out",
    join(dir, "got.npy"),
    "--prefix",
    prefix,
    "--batch",
    "4",
  ]);
  return {
    want: decodeNpyF32(await Deno.readFile(join(dir, "want.npy"))),
    got: decodeNpyF32(await Deno.readFile(join(dir, "got.npy"))),
  };
}

Deno.test({
  name:
    "encode on a LaBSE-layout folder (CLS → Dense(tanh) from pytorch_model.bin → Normalize) matches the PyTorch reference within 1e-4",
  ignore: skipUnless(ready, WHY),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "xlir-labse-" });
    try {
      const vocab = datasetPath(MBERT_VOCAB);
      await Deno.copyFile(join(vocab, "tokenizer.json"), join(dir, "tokenizer.json"));
      await Deno.copyFile(join(vocab, "tokenizer_config.json"), join(dir, "tokenizer_config.json"));
      await reference("make", dir, "labse");
      // WordPiece ids from the tokenizer library itself (truncated to max_seq_length 24,
      // [SEP] kept); xlir's own WordPiece path is tested against it in lib/data/tokenizer_test.ts.
      const lib = new Tokenizer(
        JSON.parse(await Deno.readTextFile(join(dir, "tokenizer.json"))),
        JSON.parse(await Deno.readTextFile(join(dir, "tokenizer_config.json"))),
      );
      const ids = (await texts()).map((t) => {
        const all = lib.encode(t).ids;
        return all.length > 24 ? [...all.slice(0, 23), 102] : all;
      });
      const { want, got } = await encodeBoth(dir, "none", ids);
      assert.deepEqual(got.shape, want.shape);
      assert.equal(got.shape[1], 32);
      assert.ok(maxDiff(got.data, want.data) <= 1e-4, `max |diff| ${maxDiff(got.data, want.data)}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "encode on an XLM-R-layout folder (SentencePiece, do_lower_case, query prompt, mean+max → Dense, no Normalize) matches the PyTorch reference within 1e-4",
  ignore: skipUnless(ready, WHY),
  async fn() {
    const spm = await buildSpmModel();
    const dir = await Deno.makeTempDir({ prefix: "xlir-xlmr-" });
    try {
      await reference("make", dir, "xlmr", spm);
      const { want, got } = await encodeBoth(dir, "query");
      assert.deepEqual(got.shape, want.shape);
      assert.equal(got.shape[1], 24);
      assert.ok(maxDiff(got.data, want.data) <= 1e-4, `max |diff| ${maxDiff(got.data, want.data)}`);
      // Not normalised: no Normalize module.
      const n0 = Math.hypot(...got.data.subarray(0, 24));
      assert.ok(Math.abs(n0 - 1) > 1e-3);
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(spm, { recursive: true });
    }
  },
});
