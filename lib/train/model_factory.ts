/**
 * The model a training config asks for: a fresh static encoder (the CPU
 * default), a fresh transformer (tfjs; GPU through WebGPU), or a saved model
 * to continue from (`model.initFrom`: the aligned base, or a Hugging Face
 * BERT/XLM-R checkpoint), with the config's loss and optimizer settings.
 *
 * @module
 */

import { loadMbertTokenizer, loadTokenizer } from "../data/tokenizer.ts";
import { backendInfo, ensureBackend } from "../model/backend.ts";
import type { TrainableEncoder } from "../model/encoder.ts";
import { readModelConfig } from "../model/hf_checkpoint.ts";
import { loadEncoder } from "../model/load_encoder.ts";
import { createStaticEncoder, loadStaticEncoder } from "../model/static_encoder.ts";
import { createTransformer } from "../model/transformer.ts";
import type { TrainConfig } from "./config.ts";
import { corpusDocumentFrequencies, idfScales, scaleRows } from "./idf_init.ts";

/** The static encoder computes with its own WebAssembly SIMD kernels. */
const STATIC_BACKEND = "xlir-wasm-simd";

/** Each row's L2 norm over √dim (1 for an N(0, 1) row): the row-relative learning-rate factors. */
export function rowNorms(matrix: Float32Array, dim: number): Float32Array {
  const rows = matrix.length / dim;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    for (let k = 0; k < dim; k++) sq += matrix[r * dim + k] ** 2;
    out[r] = Math.sqrt(sq / dim);
  }
  return out;
}

/** A model ready to train, and the backend it computes on (for run.json). */
export interface BuiltModel {
  model: TrainableEncoder;
  /** `"xlir-wasm-simd"` (the static encoder's own kernels) or `"tfjs-<backend>"`. */
  backend: string;
}

/**
 * Builds (or loads) the model of a config.
 *
 * @example
 * ```ts ignore
 * import { buildModel } from "./model_factory.ts";
 * const { model, backend } = await buildModel(config);
 * ```
 */
export async function buildModel(config: TrainConfig, dataDir?: string): Promise<BuiltModel> {
  const m = config.model;
  const loss = { temperature: config.optim.temperature, symmetricWeight: config.optim.symmetric };
  const optimizer = { weightDecay: config.optim.weightDecay };
  if (m.initFrom) {
    const saved = await readModelConfig(m.initFrom);
    if (saved.model_type === "xlir-static") {
      const model = await loadStaticEncoder(m.initFrom, {
        loss,
        optimizer,
        maxLength: m.maxLength,
      });
      if (config.optim.rowRelativeLr) {
        model.setRowLearningRateScale(rowNorms(model.embeddings, model.hiddenSize));
      }
      return { model, backend: STATIC_BACKEND };
    }
    const model = await loadEncoder(m.initFrom, {
      ...loss,
      ...optimizer,
      seed: config.seed,
      maxLength: m.maxLength,
      prompts: m.prompts ?? undefined,
    });
    return { model, backend: `tfjs-${backendInfo()?.name ?? "?"}` };
  }
  const tokenizer = m.tokenizer
    ? await loadTokenizer(m.tokenizer)
    : await loadMbertTokenizer(dataDir);
  if (m.architecture === "static") {
    const model = createStaticEncoder({
      tokenizer,
      dim: m.dim,
      projection: m.projection,
      maxLength: m.maxLength,
      seed: config.seed,
      loss,
      optimizer,
    });
    if (m.init === "idf") {
      const df = await corpusDocumentFrequencies(tokenizer, dataDir);
      scaleRows(model.embeddings, m.dim, idfScales(df, m.idfPower));
    }
    if (config.optim.rowRelativeLr) {
      model.setRowLearningRateScale(rowNorms(model.embeddings, m.dim));
    }
    return { model, backend: STATIC_BACKEND };
  }
  const info = await ensureBackend();
  const model = await createTransformer(
    {
      hiddenSize: m.dim,
      numLayers: m.layers,
      numHeads: m.heads,
      intermediateSize: m.intermediate,
      maxPositions: Math.max(m.maxLength, 64),
    },
    tokenizer,
    { ...loss, ...optimizer, seed: config.seed, maxLength: m.maxLength },
    { prompts: m.prompts ?? undefined },
  );
  return { model, backend: `tfjs-${info.name}` };
}
