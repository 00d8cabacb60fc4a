/**
 * The transformer's architecture: its sizes and conventions
 * ({@linkcode TransformerConfig}, Hugging Face `config.json` in camelCase,
 * plus the sentence-transformers head after it), every parameter's name and
 * shape, and BERT's seeded random initialisation.
 *
 * Parameters carry Hugging Face BERT names without the `bert.` prefix
 * (`encoder.layer.0.attention.self.query.weight`, …); linear weights are
 * stored `[in, out]` (PyTorch stores `[out, in]`; see `hf_checkpoint.ts`).
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { type Activation, checkActivation } from "./_tf_ops.ts";
import {
  checkDenseChain,
  denseParamShapes,
  type DenseSpec,
  type PoolingMode,
  poolingModes,
} from "./sentence_head.ts";

/** The architecture's sizes and conventions (Hugging Face `config.json`, in camelCase). */
export interface TransformerConfig {
  /** Rows of the word-embedding matrix. */
  vocabSize: number;
  /** Model width `H` (the output dimension). */
  hiddenSize: number;
  /** Number of transformer layers. */
  numLayers: number;
  /** Attention heads per layer (`hiddenSize` must be a multiple). */
  numHeads: number;
  /** Width of the feed-forward block. */
  intermediateSize: number;
  /** Rows of the position-embedding table. */
  maxPositions: number;
  /** Position id of the first token: 0 for BERT, `padding_idx + 1` for RoBERTa/XLM-R. */
  positionOffset: number;
  /** Rows of the token-type table (2 for BERT, 1 for XLM-R); every token uses type 0. */
  typeVocabSize: number;
  /** LayerNorm ε (1e-12 for BERT, 1e-5 for XLM-R). */
  layerNormEps: number;
  /** Feed-forward activation. */
  hiddenAct: Activation;
  /** Id of the padding token. */
  padId: number;
  /**
   * Pooling (sentence-transformers' modes; several are concatenated in its order):
   * e.g. `"mean"` over non-pad tokens, or `"cls"`, the first (`[CLS]`/`<s>`) token.
   */
  pooling: PoolingMode | readonly PoolingMode[];
  /** Dense modules after pooling (LaBSE: one, 768 → 768, tanh). Default none. */
  dense: readonly DenseSpec[];
  /**
   * Whether the model's own output is L2-normalised (a Normalize module). Training,
   * `embedIds` and retrieval always use unit vectors (cosine); this decides what
   * `sentenceEmbeddings` returns and what is saved. Default true.
   */
  normalize: boolean;
  /** Dropout after embeddings, attention output and feed-forward (training only). */
  hiddenDropout: number;
  /** Dropout on attention probabilities (training only). */
  attentionDropout: number;
  /** Standard deviation of the random initialisation. */
  initializerRange: number;
}

/** Name of the word-embedding matrix (kept in JS, not in tfjs). */
export const WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";

/**
 * Fills a config's defaults (BERT-base sizes) and checks it.
 *
 * @param partial At least `vocabSize`.
 * @returns The full config.
 * @throws {InputError} for non-positive sizes or a width that the heads do not divide.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transformerConfig } from "./transformer_config.ts";
 * const c = transformerConfig({ vocabSize: 100, hiddenSize: 32, numHeads: 4, numLayers: 1 });
 * assert(c.intermediateSize === 3072 && c.pooling === "mean");
 * ```
 */
export function transformerConfig(
  partial: Partial<TransformerConfig> & { vocabSize: number },
): TransformerConfig {
  const c: TransformerConfig = {
    hiddenSize: 768,
    numLayers: 12,
    numHeads: 12,
    intermediateSize: 3072,
    maxPositions: 512,
    positionOffset: 0,
    typeVocabSize: 2,
    layerNormEps: 1e-12,
    hiddenAct: "gelu",
    padId: 0,
    pooling: "mean",
    dense: [],
    normalize: true,
    hiddenDropout: 0.1,
    attentionDropout: 0.1,
    initializerRange: 0.02,
    ...partial,
  };
  for (
    const k of ["vocabSize", "hiddenSize", "numLayers", "numHeads", "intermediateSize"] as const
  ) {
    if (!Number.isInteger(c[k]) || c[k] < 1) {
      throw new InputError(`transformer config: ${k} is ${c[k]}, expected a positive integer`);
    }
  }
  if (c.hiddenSize % c.numHeads !== 0) {
    throw new InputError(
      `transformer config: hiddenSize ${c.hiddenSize} is not a multiple of numHeads ${c.numHeads}`,
    );
  }
  if (!(c.maxPositions > c.positionOffset)) {
    throw new InputError(
      `transformer config: maxPositions ${c.maxPositions} leaves no position after offset ${c.positionOffset}`,
    );
  }
  if (!(c.typeVocabSize >= 1)) {
    throw new InputError(`transformer config: typeVocabSize is ${c.typeVocabSize}, expected >= 1`);
  }
  if (!Number.isInteger(c.padId) || c.padId < 0 || c.padId >= c.vocabSize) {
    throw new InputError(`transformer config: padId ${c.padId} is outside 0..${c.vocabSize - 1}`);
  }
  const modes = poolingModes(c.pooling, "transformer config");
  c.pooling = modes.length === 1 ? modes[0] : modes;
  checkDenseChain(modes.length * c.hiddenSize, c.dense);
  c.hiddenAct = checkActivation(c.hiddenAct, "transformer config: hiddenAct");
  return c;
}

/**
 * The width of the model's output: the pooled width (`hiddenSize` per pooling
 * mode), or the last Dense module's output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputDim, transformerConfig } from "./transformer_config.ts";
 * assert.equal(outputDim(transformerConfig({ vocabSize: 10, pooling: ["cls", "mean"] })), 1536);
 * ```
 */
export function outputDim(c: TransformerConfig): number {
  return c.dense.at(-1)?.outFeatures ?? poolingModes(c.pooling).length * c.hiddenSize;
}

/**
 * The transformer body's parameters (what a Hugging Face `model.safetensors`
 * holds), word embeddings first; {@linkcode transformerParamShapes} adds the Dense modules'.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encoderParamShapes, transformerConfig } from "./transformer_config.ts";
 * assert.equal(encoderParamShapes(transformerConfig({ vocabSize: 10, numLayers: 1 })).length, 21);
 * ```
 */
export function encoderParamShapes(c: TransformerConfig): [string, number[]][] {
  return transformerParamShapes({ ...c, dense: [] });
}

/**
 * Every parameter's name and shape (linear weights `[in, out]`), word embeddings
 * first, the Dense modules' (`dense.K.linear.weight`, …) last.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transformerConfig, transformerParamShapes } from "./transformer_config.ts";
 * const shapes = transformerParamShapes(transformerConfig({ vocabSize: 10, numLayers: 1 }));
 * assert(shapes.length === 5 + 16);
 * ```
 */
export function transformerParamShapes(c: TransformerConfig): [string, number[]][] {
  const h = c.hiddenSize, i = c.intermediateSize;
  const out: [string, number[]][] = [
    [WORD_EMBEDDINGS, [c.vocabSize, h]],
    ["embeddings.position_embeddings.weight", [c.maxPositions, h]],
    ["embeddings.token_type_embeddings.weight", [c.typeVocabSize, h]],
    ["embeddings.LayerNorm.weight", [h]],
    ["embeddings.LayerNorm.bias", [h]],
  ];
  for (let l = 0; l < c.numLayers; l++) {
    const p = `encoder.layer.${l}.`;
    for (const n of ["query", "key", "value"]) {
      out.push([`${p}attention.self.${n}.weight`, [h, h]], [`${p}attention.self.${n}.bias`, [h]]);
    }
    out.push(
      [`${p}attention.output.dense.weight`, [h, h]],
      [`${p}attention.output.dense.bias`, [h]],
      [`${p}attention.output.LayerNorm.weight`, [h]],
      [`${p}attention.output.LayerNorm.bias`, [h]],
      [`${p}intermediate.dense.weight`, [h, i]],
      [`${p}intermediate.dense.bias`, [i]],
      [`${p}output.dense.weight`, [i, h]],
      [`${p}output.dense.bias`, [h]],
      [`${p}output.LayerNorm.weight`, [h]],
      [`${p}output.LayerNorm.bias`, [h]],
    );
  }
  out.push(...denseParamShapes(c.dense ?? []));
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * BERT's random initialisation (`N(0, initializerRange)` weights and
 * embeddings, zero biases, LayerNorm 1/0, zero padding row), seeded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initTransformerWeights, transformerConfig } from "./transformer_config.ts";
 * const w = initTransformerWeights(transformerConfig({ vocabSize: 10, numLayers: 1 }), 7);
 * assert(w["embeddings.LayerNorm.weight"][0] === 1);
 * ```
 */
export function initTransformerWeights(
  c: TransformerConfig,
  seed = 0,
): Record<string, Float32Array> {
  const rand = mulberry32(seed ^ 0x5eed);
  const normal = () => {
    const u = 1 - rand(), v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) * c.initializerRange;
  };
  const out: Record<string, Float32Array> = {};
  for (const [name, shape] of transformerParamShapes(c)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (name.endsWith("LayerNorm.weight")) data.fill(1);
    else if (!name.endsWith(".bias")) { for (let k = 0; k < data.length; k++) data[k] = normal(); }
    if (name === WORD_EMBEDDINGS) {
      data.fill(0, c.padId * c.hiddenSize, (c.padId + 1) * c.hiddenSize);
    }
    out[name] = data;
  }
  return out;
}
