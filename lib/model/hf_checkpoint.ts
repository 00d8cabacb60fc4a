/**
 * Hugging Face checkpoints ↔ the transformer's weights. Maps a BERT-family
 * `config.json` and `model.safetensors` in the mBERT/LaBSE layout
 * (`bert.embeddings.word_embeddings.weight`, … with or without the `bert.`
 * prefix) or XLM-R's RoBERTa layout (`roberta.` prefix, position ids offset by
 * `pad_token_id + 1`, one token type) to a {@linkcode TransformerConfig} and
 * weights; writes the BERT layout (`model_type: "bert"`, `BertModel` names),
 * loadable by `transformers`' `AutoModel`, plus the sentence-transformers
 * modules (`st_modules.ts`) so that `SentenceTransformer(dir)` computes what
 * xlir does. Loading a whole folder is `load_encoder.ts`.
 *
 * PyTorch `Linear` weights are `[out, in]`; the transformer stores `[in, out]`.
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { readJsonObject } from "../util/json.ts";
import { writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import type { TextTokenizer } from "../data/tokenizer.ts";
import type { Prompts } from "./encoder.ts";
import { type NamedTensor, writeSafetensors } from "./safetensors.ts";
import { checkActivation } from "./_tf_ops.ts";
import { poolingModes } from "./sentence_head.ts";
import { writeStModules } from "./st_modules.ts";
import {
  encoderParamShapes,
  type TransformerConfig,
  transformerConfig,
} from "./transformer_config.ts";

/** `model_type` values read as BERT layout. */
export const BERT_TYPES: readonly string[] = ["bert"];
/** `model_type` values read as RoBERTa layout. */
export const ROBERTA_TYPES: readonly string[] = ["xlm-roberta", "roberta"];

/** What {@linkcode saveTransformer} reads of a model (a `TransformerEncoder`). */
export interface SavableTransformer {
  readonly config: Readonly<TransformerConfig>;
  readonly tokenizer: TextTokenizer;
  readonly maxLength: number;
  readonly prompts: Prompts;
  readonly extras: Readonly<Record<string, NamedTensor>>;
  /** Every parameter (linear weights `[in, out]`). */
  exportWeights(): Promise<Record<string, NamedTensor>>;
}

/** Whether a parameter is a PyTorch `Linear` weight (stored transposed). */
function isLinearWeight(name: string): boolean {
  return /\.(query|key|value|dense)\.weight$/.test(name);
}

/**
 * Transposes a row-major `rows × cols` matrix (PyTorch `[out, in]` ↔ xlir `[in, out]`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transpose2d } from "./hf_checkpoint.ts";
 * assert.deepEqual([...transpose2d(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3)], [1, 4, 2, 5, 3, 6]);
 * ```
 */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  }
  return out;
}

/**
 * Reads `config.json` of a model folder.
 *
 * @throws {InputError} when the folder or file is missing or not a JSON object.
 *
 * @example
 * ```ts ignore
 * import { readModelConfig } from "./hf_checkpoint.ts";
 * const cfg = await readModelConfig("models/bert-base-multilingual-cased");
 * console.log(cfg.model_type); // "bert"
 * ```
 */
export async function readModelConfig(dir: string): Promise<Record<string, unknown>> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (err) {
    throw new InputError(`Cannot load model: ${dir} (${(err as Error).message})`);
  }
  if (!info.isDirectory) throw new InputError(`Cannot load model: ${dir} is not a directory`);
  return await readJsonObject(join(dir, "config.json"), "model config");
}

/**
 * Turns a Hugging Face `config.json` (BERT or XLM-R/RoBERTa) into a
 * {@linkcode TransformerConfig}.
 *
 * @param json The parsed config.json.
 * @param where The file, for error messages.
 * @returns The config and the checkpoint's layout.
 * @throws {InputError} naming the field that is missing or wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configFromHf } from "./hf_checkpoint.ts";
 * const { config, layout } = configFromHf({ model_type: "xlm-roberta", vocab_size: 250002,
 *   hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072,
 *   max_position_embeddings: 514, type_vocab_size: 1, pad_token_id: 1, layer_norm_eps: 1e-5 });
 * assert(layout === "roberta" && config.positionOffset === 2);
 * ```
 */
export function configFromHf(
  json: Record<string, unknown>,
  where = "config.json",
): { config: TransformerConfig; layout: "bert" | "roberta" } {
  const type = json.model_type;
  const layout = BERT_TYPES.includes(type as string)
    ? "bert"
    : ROBERTA_TYPES.includes(type as string)
    ? "roberta"
    : undefined;
  if (!layout) {
    throw new InputError(
      `${where}: model_type is ${JSON.stringify(type)}, expected one of ${
        [...BERT_TYPES, ...ROBERTA_TYPES].join(", ")
      }`,
    );
  }
  const int = (key: string, fallback?: number): number => {
    const v = json[key] ?? fallback;
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new InputError(`${where}: ${key} is ${JSON.stringify(v)}, expected an integer`);
    }
    return v;
  };
  const num = (key: string, fallback: number): number => {
    const v = json[key] ?? fallback;
    if (typeof v !== "number") {
      throw new InputError(`${where}: ${key} is ${JSON.stringify(v)}, expected a number`);
    }
    return v;
  };
  const padId = int("pad_token_id", layout === "roberta" ? 1 : 0);
  const pooling = poolingModes((json.xlir_pooling ?? "mean") as "mean", `${where}: xlir_pooling`);
  const posType = json.position_embedding_type ?? "absolute";
  if (posType !== "absolute") {
    throw new InputError(
      `${where}: position_embedding_type is ${JSON.stringify(posType)}, expected "absolute"`,
    );
  }
  const config = transformerConfig({
    vocabSize: int("vocab_size"),
    hiddenSize: int("hidden_size"),
    numLayers: int("num_hidden_layers"),
    numHeads: int("num_attention_heads"),
    intermediateSize: int("intermediate_size"),
    maxPositions: int("max_position_embeddings", 512),
    positionOffset: layout === "roberta" ? padId + 1 : 0,
    typeVocabSize: int("type_vocab_size", layout === "roberta" ? 1 : 2),
    layerNormEps: num("layer_norm_eps", 1e-12),
    hiddenAct: checkActivation(json.hidden_act ?? "gelu", `${where}: hidden_act`),
    padId,
    pooling,
    hiddenDropout: num("hidden_dropout_prob", 0.1),
    attentionDropout: num("attention_probs_dropout_prob", 0.1),
    initializerRange: num("initializer_range", 0.02),
  });
  return { config, layout };
}

/**
 * Maps checkpoint tensors (PyTorch layout, any `bert.`/`roberta.` prefix,
 * LayerNorm `weight`/`bias` or the older `gamma`/`beta`) to transformer
 * weights (`[in, out]` linear weights), checking every shape.
 *
 * @param tensors The checkpoint's tensors.
 * @param config The architecture.
 * @param where The file, for error messages.
 * @returns The weights and the extras (the pooler, when present, in file layout).
 * @throws {InputError} naming a missing tensor, or one whose shape differs (expected vs found).
 *
 * @example
 * ```ts ignore
 * const { weights } = weightsFromHf(tensors, config, "model.safetensors");
 * ```
 */
export function weightsFromHf(
  tensors: Record<string, NamedTensor>,
  config: TransformerConfig,
  where = "model.safetensors",
): { weights: Record<string, Float32Array>; extras: Record<string, NamedTensor> } {
  const anchor = "embeddings.word_embeddings.weight";
  const key = Object.keys(tensors).find((k) => k === anchor || k.endsWith(`.${anchor}`));
  if (key === undefined) {
    throw new InputError(`${where}: tensor "${anchor}" is missing (with or without a prefix)`);
  }
  const prefix = key.slice(0, key.length - anchor.length);
  const weights: Record<string, Float32Array> = {};
  for (const [name, shape] of encoderParamShapes(config)) {
    const full = prefix + name;
    // Checkpoints converted from the original TF BERT name LayerNorm's parameters gamma/beta.
    const alias = full.replace(/LayerNorm\.weight$/, "LayerNorm.gamma")
      .replace(/LayerNorm\.bias$/, "LayerNorm.beta");
    const t = tensors[full] ?? tensors[alias];
    if (!t) throw new InputError(`${where}: tensor "${full}" is missing`);
    const linear = isLinearWeight(name);
    const expected = linear ? [shape[1], shape[0]] : shape;
    if (t.data instanceof Int32Array || t.shape.join(",") !== expected.join(",")) {
      throw new InputError(
        `${where}: tensor "${full}" has shape [${t.shape}] (${t.dtype}), expected [${expected}] (F32) ` +
          `from config.json`,
      );
    }
    weights[name] = linear ? transpose2d(t.data, expected[0], expected[1]) : t.data;
  }
  const extras: Record<string, NamedTensor> = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith(`${prefix}pooler.`) && t.data instanceof Float32Array) {
      extras[k.slice(prefix.length)] = t;
    }
  }
  return { weights, extras };
}

/**
 * The `config.json` of a saved transformer (BERT layout).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hfConfigJson } from "./hf_checkpoint.ts";
 * import { transformerConfig } from "./transformer_config.ts";
 * const json = hfConfigJson(transformerConfig({ vocabSize: 10, positionOffset: 2, maxPositions: 514 }));
 * assert(json.max_position_embeddings === 512 && json.model_type === "bert");
 * ```
 */
export function hfConfigJson(c: TransformerConfig): Record<string, unknown> {
  return {
    architectures: ["BertModel"],
    model_type: "bert",
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: c.hiddenAct,
    hidden_dropout_prob: c.hiddenDropout,
    attention_probs_dropout_prob: c.attentionDropout,
    max_position_embeddings: c.maxPositions - c.positionOffset,
    type_vocab_size: c.typeVocabSize,
    initializer_range: c.initializerRange,
    layer_norm_eps: c.layerNormEps,
    pad_token_id: c.padId,
    position_embedding_type: "absolute",
    torch_dtype: "float32",
    xlir_pooling: c.pooling,
  };
}

/**
 * Saves a transformer in Hugging Face BERT layout: `config.json`,
 * `model.safetensors` (`BertModel` names, `[out, in]` linear weights, position
 * rows from the model's offset on), `tokenizer.json` (and the source's
 * `tokenizer_config.json` when it has one), and the sentence-transformers
 * modules it runs (`modules.json`, `sentence_bert_config.json`, Pooling,
 * each Dense, Normalize, `config_sentence_transformers.json` with its prompts).
 *
 * @param model The model.
 * @param dir Target folder (created; files replaced atomically one by one).
 *
 * @example
 * ```ts ignore
 * import { saveTransformer } from "./hf_checkpoint.ts";
 * await saveTransformer(model, "out/models/hybrid-mbert");
 * ```
 */
export async function saveTransformer(model: SavableTransformer, dir: string): Promise<void> {
  const c = model.config;
  const weights = await model.exportWeights();
  const tensors: Record<string, NamedTensor> = {};
  for (const [name] of encoderParamShapes(c)) {
    const t = weights[name];
    if (isLinearWeight(name)) {
      const [rows, cols] = t.shape;
      tensors[name] = {
        dtype: "F32",
        shape: [cols, rows],
        data: transpose2d(t.data as Float32Array, rows, cols),
      };
    } else if (name === "embeddings.position_embeddings.weight" && c.positionOffset > 0) {
      const h = c.hiddenSize;
      tensors[name] = {
        dtype: "F32",
        shape: [c.maxPositions - c.positionOffset, h],
        data: (t.data as Float32Array).slice(c.positionOffset * h),
      };
    } else {
      tensors[name] = t;
    }
  }
  for (const [name, t] of Object.entries(model.extras)) tensors[name] = t;
  await Deno.mkdir(dir, { recursive: true });
  await writeSafetensors(join(dir, "model.safetensors"), tensors, { format: "pt" });
  await writeJsonAtomic(join(dir, "config.json"), hfConfigJson(c));
  await writeTextFileAtomic(join(dir, "tokenizer.json"), model.tokenizer.json);
  try {
    const tc = await Deno.readTextFile(join(model.tokenizer.source, "tokenizer_config.json"));
    if (join(model.tokenizer.source) !== join(dir)) {
      await writeTextFileAtomic(join(dir, "tokenizer_config.json"), tc);
    }
  } catch {
    // the tokenizer came without one
  }
  await writeStModules(dir, {
    hiddenSize: c.hiddenSize,
    pooling: poolingModes(c.pooling),
    dense: c.dense.map((spec, k) => ({
      spec,
      weight: weights[`dense.${k}.linear.weight`].data as Float32Array,
      bias: spec.bias ? weights[`dense.${k}.linear.bias`].data as Float32Array : undefined,
    })),
    normalize: c.normalize,
    maxSeqLength: model.maxLength,
    doLowerCase: model.tokenizer.lowerCase ?? false,
    prompts: model.prompts,
  });
}
