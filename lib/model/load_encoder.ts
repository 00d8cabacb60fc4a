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
import { loadTokenizer, lowerCasing } from "../data/tokenizer.ts";
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
import { readStModules } from "./st_modules.ts";
import { denseParamNames, type PoolingMode } from "./sentence_head.ts";
import { transformerConfig, TransformerEncoder, type TransformerOptions } from "./transformer.ts";
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
 * ```ts ignore
 * import { loadTransformer } from "./load_encoder.ts";
 * const model = await loadTransformer("models/LaBSE"); // CLS pooling, Dense(tanh), Normalize
 * ```
 */
export async function loadTransformer(
  dir: string,
  options: LoadTransformerOptions = {},
): Promise<TransformerEncoder> {
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
  const weightsPath = join(body, "model.safetensors");
  const { tensors } = await readSafetensors(weightsPath);
  const { weights, extras } = weightsFromHf(tensors, config, weightsPath);
  st.dense.forEach((d, k) => {
    const n = denseParamNames(k);
    weights[n.weight] = transpose2d(d.weight, d.spec.outFeatures, d.spec.inFeatures);
    if (d.bias) weights[n.bias] = d.bias;
  });
  await ensureBackend();
  const prompts = options.prompts ?? st.prompts ?? NO_PROMPTS;
  return new TransformerEncoder(config, tokenizer, weights, { ...options, maxLength }, {
    extras,
    prompts,
  });
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
 * ```ts ignore
 * import { loadEncoder } from "./load_encoder.ts";
 * const enc = await loadEncoder("out/models/hybrid");
 * ```
 */
export async function loadEncoder(
  dir: string,
  options: LoadTransformerOptions = {},
): Promise<TrainableEncoder> {
  const root = await readOptionalJsonObject(join(dir, "config.json"), "model config");
  if (root?.model_type === STATIC_MODEL_TYPE) return await loadStaticEncoder(dir);
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
