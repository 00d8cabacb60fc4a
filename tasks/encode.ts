/**
 * `deno task encode` — embeds a file of texts (one per line) with a model
 * folder (a sentence-transformers / Hugging Face BERT or XLM-R checkpoint, or
 * an xlir static model) and writes what sentence-transformers' `encode` returns.
 *
 * ```sh
 * deno task encode --model models/LaBSE --input texts.txt --out vectors.npy
 * deno task encode --model out/models/hybrid --input q.txt --out q.jsonl --prefix query --batch 32
 * ```
 *
 * @module
 */

import { extname } from "node:path";
import { embedTexts } from "../lib/model/embed_texts.ts";
import type { Role } from "../lib/model/encoder.ts";
import { loadEncoder } from "../lib/model/load_encoder.ts";
import { writeFileAtomic, writeTextFileAtomic } from "../lib/util/atomic.ts";
import { intFlag, parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { encodeNpyF32 } from "../lib/util/npy.ts";

const USAGE = `Usage: deno task encode --model DIR --input FILE --out FILE.npy|FILE.jsonl
         [--prefix none|query|passage] [--batch N]

  --model   a model folder: sentence-transformers (modules.json), Hugging Face
            BERT/XLM-R (config.json + model.safetensors + tokenizer.json), or xlir static
  --input   UTF-8 text, one text per line (a final newline ends the last line)
  --out     .npy: float32 array of shape (n, d) in input order; .jsonl: one JSON array a line
  --prefix  the model's prompt to put before each text: none (default), query or passage
            (the prompts of config_sentence_transformers.json; the stand-ins' Query: / Passage:)
  --batch   texts per forward pass (default 64)`;

/** The lines of a text file (one text each; a trailing newline does not add an empty text). */
export function inputLines(text: string): string[] {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** Runs the task on its command-line arguments. */
export async function main(args: string[]): Promise<void> {
  const { values } = parseFlags(args, {
    model: { type: "string" },
    input: { type: "string" },
    out: { type: "string" },
    prefix: { type: "string", default: "none" },
    batch: { type: "string", default: "64" },
  }, USAGE);
  for (const k of ["model", "input", "out"] as const) {
    if (!values[k]) throw new InputError(`--${k} is required\n\n${USAGE}`);
  }
  const prefix = values.prefix!;
  if (!["none", "query", "passage"].includes(prefix)) {
    throw new InputError(`--prefix is "${prefix}", expected none, query or passage`);
  }
  const out = values.out!;
  const ext = extname(out).toLowerCase();
  if (ext !== ".npy" && ext !== ".jsonl") {
    throw new InputError(`--out ${out}: expected a name ending in .npy or .jsonl`);
  }
  const batch = intFlag(values.batch!, "--batch", 1);
  let text: string;
  try {
    text = await Deno.readTextFile(values.input!);
  } catch (err) {
    throw new InputError(`Cannot read --input ${values.input}: ${(err as Error).message}`);
  }
  const texts = inputLines(text);
  const encoder = await loadEncoder(values.model!);
  try {
    const role = prefix === "none" ? null : prefix as Role;
    const vecs = embedTexts(encoder, texts, role, {
      batchSize: batch,
      label: texts.length > batch ? "encode" : undefined,
    });
    const d = encoder.dim;
    if (ext === ".npy") {
      await writeFileAtomic(out, encodeNpyF32(vecs, texts.length, d));
    } else {
      const rows: string[] = [];
      for (let i = 0; i < texts.length; i++) {
        rows.push(JSON.stringify(Array.from(vecs.subarray(i * d, (i + 1) * d))) + "\n");
      }
      await writeTextFileAtomic(out, rows.join(""));
    }
    console.error(`encode: ${texts.length} texts × ${d} → ${out}`);
  } finally {
    encoder.dispose();
  }
}

if (import.meta.main) await runMain(() => main(Deno.args));
