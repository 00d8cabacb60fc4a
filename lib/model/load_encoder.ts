/**
 * Loading a model folder: a Hugging Face BERT/XLM-R checkpoint, run as its
 * sentence-transformers `modules.json` says (`st_modules.ts`), or a saved
 * static encoder (`model_type: "xlir-static"`).
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { readOptionalJsonObject } from "../util/json.ts";
import { loadTokenizer, lowerCasing, type TextTokenizer } from "../data/tokenizer.ts";
import { NO_PROMPTS, type Prompts, type TrainableEncoder } from "./encoder.ts";
import { readSafetensors } from "./safetensors.ts";
import { ensureBackend } from "./backend.ts";
import {
  BERT_TYPES,
  configFromHf,
  readModelConfig,
  ROBERTA_TYPES,
  transpose2d,
  weightsFromHf,
} from "./hf_checkpoint.ts";
import { type DenseModule, readStModules } from "./st_modules.ts";
import { denseParamNames, type PoolingMode } from "./sentence_head.ts";
import {
  type TransformerConfig,
  transformerConfig,
  TransformerEncoder,
  type TransformerOptions,
} from "./transformer.ts";
import { loadStaticEncoder, STATIC_MODEL_TYPE } from "./static_encoder.ts";

/** Options of {@linkcode loadTransformer}: the transformer's, plus overrides of the folder's. */
export interface LoadTransformerOptions extends TransformerOptions {
  /** Pooling; default from the Pooling module, else `xlir_pooling` in config.json, else mean. */
  pooling?: PoolingMode | readonly PoolingMode[];
  /**
   * Prompts; default the folder's (`config_sentence_transformers.json`), else
   * none: an off-the-shelf model was trained without xlir's prefixes.
   */
  prompts?: Prompts;
}

/**
 * Loads a BERT-family Hugging Face folder into a {@linkcode TransformerEncoder}
 * on the current backend (initialised by `ensureBackend()` when none is),
 * with the folder's sentence-transformers modules: Pooling (every mode),
 * Dense, Normalize, `max_seq_length`, `do_lower_case`, prompts.
 *
 * @param dir Folder with `config.json`, `model.safetensors`, `tokenizer.json`
 *   (in the Transformer module's folder when `modules.json` names one).
 * @param options Training options; `pooling`, `prompts` and `maxLength` override the folder's.
 * @returns The model.
 * @throws {InputError} for a missing folder/file/tensor, a module xlir does not run, or a shape mismatch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTransformer } from "./load_encoder.ts";
 * import { saveTransformer } from "./hf_checkpoint.ts";
 * import { createTransformer } from "./transformer.ts";
 * import { tinyBatch, tinyTokenizer } from "./_testing.ts";
 * const tok = await tinyTokenizer();
 * const saved = await createTransformer({ numLayers: 1, hiddenSize: 8, numHeads: 2, intermediateSize: 16, maxPositions: 32 }, tok);
 * const dir = await Deno.makeTempDir();
 * await saveTransformer(saved, dir);
 * // e.g. "models/LaBSE": CLS pooling, Dense(tanh), Normalize, as its modules.json says
 * const model = await loadTransformer(dir, { pooling: "cls" });
 * assert.equal(model.embedIds(tinyBatch(tok, 2).queries).length, 2 * 8);
 * saved.dispose();
 * model.dispose();
 * ```
 */
export async function loadTransformer(
  dir: string,
  options: LoadTransformerOptions = {},
): Promise<TransformerEncoder> {
  const f = await readTransformerFolder(dir, options);
  const { tensors } = await readSafetensors(f.weightsPath);
  const { weights, extras } = weightsFromHf(tensors, f.config, f.weightsPath);
  f.dense.forEach((d, k) => {
    const n = denseParamNames(k);
    weights[n.weight] = transpose2d(d.weight, d.spec.outFeatures, d.spec.inFeatures);
    if (d.bias) weights[n.bias] = d.bias;
  });
  await ensureBackend();
  return new TransformerEncoder(
    f.config,
    f.tokenizer,
    weights,
    { ...options, maxLength: f.maxLength },
    { extras, prompts: f.prompts },
  );
}

/** What a transformer model folder says, before any weight is read. */
export interface TransformerFolder {
  /** The architecture with the folder's head (pooling, Dense specs, Normalize). */
  config: TransformerConfig;
  /** The tokenizer (lower-casing when `do_lower_case`). */
  tokenizer: TextTokenizer;
  /** `max_seq_length` (capped at the positions) or the option; undefined: the positions. */
  maxLength?: number;
  prompts: Prompts;
  /** The Transformer module's `model.safetensors`. */
  weightsPath: string;
  /** The Dense modules with their weights. */
  dense: DenseModule[];
}

/**
 * Reads a transformer folder's config, sentence-transformers modules and
 * tokenizer (not its weights), with `options` overriding the folder's
 * pooling, prompts and maximum length.
 *
 * @throws {InputError} for a missing or malformed file, or a Pooling width that is not the model's.
 */
export async function readTransformerFolder(
  dir: string,
  options: LoadTransformerOptions = {},
): Promise<TransformerFolder> {
  const st = await readStModules(dir);
  const body = st.transformerDir;
  const json = await readModelConfig(body);
  const configPath = join(body, "config.json");
  const { config: base } = configFromHf(json, configPath);
  if (st.poolingWidth !== undefined && st.poolingWidth !== base.hiddenSize) {
    throw new InputError(
      `${dir}: the Pooling module's word_embedding_dimension is ${st.poolingWidth}, ` +
        `expected hidden_size ${base.hiddenSize} of ${configPath}`,
    );
  }
  const config = transformerConfig({
    ...base,
    pooling: options.pooling ?? st.pooling ?? (st.hasModules ? "mean" : base.pooling),
    dense: st.dense.map((d) => d.spec),
    normalize: st.normalize,
  });
  let tokenizer = await loadTokenizer(body);
  if (st.doLowerCase) tokenizer = lowerCasing(tokenizer);
  const posMax = config.maxPositions - config.positionOffset;
  const maxLength = options.maxLength ??
    (st.maxSeqLength !== undefined ? Math.min(st.maxSeqLength, posMax) : undefined);
  return {
    config,
    tokenizer,
    maxLength,
    prompts: options.prompts ?? st.prompts ?? NO_PROMPTS,
    weightsPath: join(body, "model.safetensors"),
    dense: st.dense,
  };
}

/**
 * Loads any model folder xlir reads, dispatching on `config.json`'s `model_type`
 * (of the Transformer module's folder): `bert`, `xlm-roberta`, `roberta` →
 * {@linkcode loadTransformer}; `xlir-static` → the static encoder.
 *
 * @param dir The model folder.
 * @param options Transformer options (ignored for the static encoder).
 * @returns The encoder.
 * @throws {InputError} for a missing folder or file, or an unknown `model_type`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadEncoder } from "./load_encoder.ts";
 * import { createStaticEncoder } from "./static_encoder.ts";
 * import { tinyTokenizer } from "./_testing.ts";
 * const dir = await Deno.makeTempDir();
 * const saved = createStaticEncoder({ tokenizer: await tinyTokenizer(), dim: 8, seed: 1 });
 * await saved.save(dir);
 * const enc = await loadEncoder(dir);
 * const vecs = enc.embedIds([enc.tokenizer.encode("Query: wer war die hauptstadt von germany?")]);
 * assert(enc.architecture === "static" && vecs.length === 8);
 * saved.dispose();
 * enc.dispose();
 * ```
 */
export async function loadEncoder(
  dir: string,
  options: LoadTransformerOptions = {},
): Promise<TrainableEncoder> {
  const root = await readOptionalJsonObject(join(dir, "config.json"), "model config");
  if (root?.model_type === STATIC_MODEL_TYPE) {
    return await loadStaticEncoder(dir, { maxLength: options.maxLength });
  }
  const st = await readStModules(dir);
  const json = await readModelConfig(st.transformerDir);
  const type = json.model_type;
  if (BERT_TYPES.includes(type as string) || ROBERTA_TYPES.includes(type as string)) {
    return await loadTransformer(dir, options);
  }
  throw new InputError(
    `${join(st.transformerDir, "config.json")}: model_type is ${
      JSON.stringify(type)
    }, expected one of ${[...BERT_TYPES, ...ROBERTA_TYPES, STATIC_MODEL_TYPE].join(", ")}`,
  );
}
