/**
 * The `--model` argument of the retrieval tasks: `bm25` or a model directory,
 * checked before the data is loaded and then loaded with what to record
 * about it.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { loadMbertTokenizer, loadTokenizer, type TextTokenizer } from "../lib/data/tokenizer.ts";
import type { Encoder } from "../lib/model/encoder.ts";
import { loadEncoder } from "../lib/model/load_encoder.ts";
import { InputError } from "../lib/util/errors.ts";

/** A model given on a command line, loaded. */
export interface LoadedModel {
  /** `"bm25"` or the encoder. */
  model: "bm25" | Encoder;
  /** Name for tables and the run id (`"bm25"`, or the last two parts of the model path). */
  name: string;
  /** What to record: the path, and the training run (`../run.json`) when there is one. */
  info: Record<string, unknown>;
  /** BM25's tokenizer. */
  tokenizer?: TextTokenizer;
}

/**
 * Checks that a `--model` argument names BM25 or an existing directory
 * (cheap; call it before loading data).
 *
 * @param spec `"bm25"` or a model directory.
 * @throws {InputError} When the directory does not exist.
 *
 * @example
 * ```ts
 * import { checkModelSpec } from "./_model_spec.ts";
 * await checkModelSpec("bm25");
 * ```
 */
export async function checkModelSpec(spec: string): Promise<void> {
  if (spec === "bm25") return;
  try {
    if ((await Deno.stat(resolve(spec))).isDirectory) return;
  } catch {
    // reported below
  }
  throw new InputError(
    `--model ${spec}: no such directory; expected "bm25" or a model directory holding config.json, model.safetensors and tokenizer.json`,
  );
}

/**
 * Loads `"bm25"` (with a tokenizer: `tokenizerDir`, else the mBERT vocabulary
 * of the data directory) or an encoder from a model directory.
 *
 * @param spec `"bm25"` or a model directory.
 * @param options Data directory and tokenizer folder (BM25 only).
 * @returns The model, its name and what to record about it.
 * @throws {InputError} For a missing directory or unreadable model files.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { loadModelSpec } from "./_model_spec.ts";
 * import { createStaticEncoder } from "../lib/model/static_encoder.ts";
 * import { tinyTokenizer } from "../lib/model/_testing.ts";
 * const dir = await Deno.makeTempDir();
 * const encoder = createStaticEncoder({ tokenizer: await tinyTokenizer(), dim: 4 });
 * await encoder.save(join(dir, "hybrid", "model"));
 * encoder.dispose();
 * const { model, name } = await loadModelSpec(join(dir, "hybrid", "model"));
 * assert(name === "hybrid/model" && model !== "bm25" && model.dim === 4);
 * model.dispose();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadModelSpec(
  spec: string,
  options: { dataDir?: string; tokenizerDir?: string; maxLength?: number } = {},
): Promise<LoadedModel> {
  await checkModelSpec(spec);
  if (spec === "bm25") {
    const tokenizer = options.tokenizerDir
      ? await loadTokenizer(options.tokenizerDir)
      : await loadMbertTokenizer(options.dataDir);
    return { model: "bm25", name: "bm25", info: { model: "bm25" }, tokenizer };
  }
  const dir = resolve(spec);
  const encoder = await loadEncoder(dir, { maxLength: options.maxLength });
  let training: unknown = null;
  try {
    training = JSON.parse(await Deno.readTextFile(join(dir, "..", "run.json")));
  } catch {
    // a model not trained by xlir
  }
  let fileBytes: number | null = null;
  try {
    fileBytes = (await Deno.stat(join(dir, "model.safetensors"))).size;
  } catch {
    // not there under that name
  }
  return {
    model: encoder,
    name: dir.split("/").filter(Boolean).slice(-2).join("/"),
    info: {
      model: dir,
      model_file_bytes: fileBytes,
      max_length: encoder.maxLength,
      training_run: training,
    },
  };
}
