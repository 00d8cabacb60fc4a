/**
 * The files of a static encoder, in a Hugging Face-like folder:
 * `config.json` (`model_type: "xlir-static"`), `model.safetensors`
 * (`embeddings.word_embeddings.weight` `[V, d]`, `projection.weight` `[p, d]`
 * when there is a projection) and `tokenizer.json`.
 *
 * @module
 */

import { join } from "node:path";
import { loadTokenizer, type TextTokenizer } from "../data/tokenizer.ts";
import { writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import { InputError } from "../util/errors.ts";
import { readJsonObject } from "../util/json.ts";
import { readSafetensors, writeSafetensors } from "./safetensors.ts";
import { EMBEDDINGS_NAME, PROJECTION_NAME, type StaticShape } from "./_static_compute.ts";

/** `model_type` in `config.json`. */
export const STATIC_MODEL_TYPE = "xlir-static";

/**
 * Checks a size.
 *
 * @throws {InputError} naming `what` when `value` is not a positive integer.
 */
export function positiveInt(value: unknown, what: string): number {
  if (!(Number.isInteger(value) && (value as number) > 0)) {
    throw new InputError(`${what} is ${JSON.stringify(value)}, expected a positive integer`);
  }
  return value as number;
}

/** What `config.json` records besides the sizes. */
export interface StaticConfigFields extends StaticShape {
  /** Output dimension. */
  dim: number;
  maxLength: number;
  padId: number;
  temperature: number;
  symmetricWeight: number;
  /** Kept fields (seed, init). */
  extraConfig: Record<string, unknown>;
}

/**
 * The `config.json` object of a static encoder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { staticConfig } from "./_static_io.ts";
 * const c = staticConfig({
 *   vocabSize: 10, hiddenSize: 4, projectionSize: 0, dim: 4, maxLength: 8, padId: 0,
 *   temperature: 0.05, symmetricWeight: 0, extraConfig: { seed: 1 },
 * });
 * assert(c.model_type === "xlir-static" && c.projection_size === null && c.seed === 1);
 * ```
 */
export function staticConfig(f: StaticConfigFields): Record<string, unknown> {
  return {
    model_type: STATIC_MODEL_TYPE,
    architectures: ["XlirStaticEncoder"],
    vocab_size: f.vocabSize,
    hidden_size: f.hiddenSize,
    projection_size: f.projectionSize > 0 ? f.projectionSize : null,
    output_size: f.dim,
    max_length: f.maxLength,
    pooling: "mean",
    normalize: true,
    pad_token_id: f.padId,
    torch_dtype: "float32",
    temperature: f.temperature,
    symmetric_weight: f.symmetricWeight,
    ...f.extraConfig,
  };
}

/**
 * Writes `model.safetensors`, `tokenizer.json` and `config.json` into `dir`
 * (created), each atomically.
 *
 * @param dir The model folder.
 * @param tokenizer Its `json` is written.
 * @param config The `config.json` object ({@linkcode staticConfig}).
 * @param shape The sizes of `E` and `W`.
 * @param E The table.
 * @param W The projection, or null.
 */
export async function writeStaticModel(
  dir: string,
  tokenizer: TextTokenizer,
  config: Record<string, unknown>,
  shape: StaticShape,
  E: Float32Array,
  W: Float32Array | null,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const tensors: Record<string, { dtype: string; shape: number[]; data: Float32Array }> = {
    [EMBEDDINGS_NAME]: { dtype: "F32", shape: [shape.vocabSize, shape.hiddenSize], data: E },
  };
  if (W !== null) {
    tensors[PROJECTION_NAME] = {
      dtype: "F32",
      shape: [shape.projectionSize, shape.hiddenSize],
      data: W,
    };
  }
  await writeSafetensors(join(dir, "model.safetensors"), tensors, { format: "pt" });
  await writeTextFileAtomic(join(dir, "tokenizer.json"), tokenizer.json);
  await writeJsonAtomic(join(dir, "config.json"), config);
}

/** A static model folder, read. */
export interface StaticModelFiles extends StaticShape {
  tokenizer: TextTokenizer;
  E: Float32Array;
  W: Float32Array | null;
  maxLength: number;
  /** The saved loss settings (undefined where the config has none). */
  loss: { temperature?: number; symmetricWeight?: number };
  /** Kept fields (seed, init). */
  extraConfig: Record<string, unknown>;
}

/**
 * Reads a folder written by {@linkcode writeStaticModel}.
 *
 * @throws {InputError} when a file is missing or malformed, or `model_type` is not `"xlir-static"`.
 */
export async function readStaticModel(dir: string): Promise<StaticModelFiles> {
  const configPath = join(dir, "config.json");
  const config = await readJsonObject(configPath, "model config");
  if (config.model_type !== STATIC_MODEL_TYPE) {
    throw new InputError(
      `${configPath}: model_type is ${
        JSON.stringify(config.model_type)
      }, expected "${STATIC_MODEL_TYPE}"`,
    );
  }
  const V = positiveInt(config.vocab_size, `${configPath}: vocab_size`);
  const d = positiveInt(config.hidden_size, `${configPath}: hidden_size`);
  const p = config.projection_size === null || config.projection_size === undefined
    ? 0
    : positiveInt(config.projection_size, `${configPath}: projection_size`);
  const maxLength = positiveInt(config.max_length, `${configPath}: max_length`);
  if (config.pooling !== undefined && config.pooling !== "mean") {
    throw new InputError(
      `${configPath}: pooling is ${JSON.stringify(config.pooling)}, expected "mean"`,
    );
  }
  const tokenizer = await loadTokenizer(dir);
  const weightsPath = join(dir, "model.safetensors");
  const { tensors } = await readSafetensors(weightsPath);
  const take = (name: string, rows: number): Float32Array => {
    const t = tensors[name];
    if (
      !t || !(t.data instanceof Float32Array) || t.shape.length !== 2 ||
      t.shape[0] !== rows || t.shape[1] !== d
    ) {
      throw new InputError(
        `${weightsPath}: tensor "${name}" is ${
          t ? `${t.dtype} [${t.shape}]` : "missing"
        }, expected F32 [${rows}, ${d}]`,
      );
    }
    return t.data;
  };
  const extraConfig: Record<string, unknown> = {};
  for (const key of ["seed", "init"]) if (key in config) extraConfig[key] = config[key];
  return {
    tokenizer,
    vocabSize: V,
    hiddenSize: d,
    projectionSize: p,
    E: take(EMBEDDINGS_NAME, V),
    W: p > 0 ? take(PROJECTION_NAME, p) : null,
    maxLength,
    loss: {
      temperature: typeof config.temperature === "number" ? config.temperature : undefined,
      symmetricWeight: typeof config.symmetric_weight === "number"
        ? config.symmetric_weight
        : undefined,
    },
    extraConfig,
  };
}
