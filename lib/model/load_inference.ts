/**
 * Loading a model folder for encoding only (`deno task encode`, the bench):
 * BERT/XLM-R checkpoints on ONNX Runtime's CPU kernels (`ort_encoder.ts`,
 * the fastest of the measured paths; `bench/README.md`) or on tfjs, static
 * models as they are. Training loads with `loadEncoder` (tfjs).
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { readOptionalJsonObject } from "../util/json.ts";
import type { Encoder } from "./encoder.ts";
import { loadEncoder, type LoadTransformerOptions } from "./load_encoder.ts";
import { loadOrtTransformer } from "./ort_encoder.ts";
import { loadStaticEncoder, STATIC_MODEL_TYPE } from "./static_encoder.ts";

/** How a transformer checkpoint is run. */
export const ENGINES = ["ort", "tfjs"] as const;
/** `"ort"`: ONNX Runtime (default); `"tfjs"`: the trainable tfjs model on the current backend. */
export type Engine = typeof ENGINES[number];

/** Options of {@linkcode loadInferenceEncoder}. */
export interface InferenceOptions extends LoadTransformerOptions {
  /** Default `"ort"`. */
  engine?: Engine;
  /** Sequences per forward pass. */
  batchSize?: number;
  /** ONNX Runtime's threads (default its own: the physical cores). */
  threads?: number;
}

/**
 * Loads a model folder for encoding (see the module doc).
 *
 * @throws {InputError} for an unknown engine, a missing folder or file, or an unknown `model_type`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadInferenceEncoder } from "./load_inference.ts";
 * import { createTransformer } from "./transformer.ts";
 * import { tinyTokenizer } from "./_testing.ts";
 * const dir = await Deno.makeTempDir();
 * const m = await createTransformer(
 *   { numLayers: 1, hiddenSize: 8, numHeads: 2, intermediateSize: 16, maxPositions: 32 },
 *   await tinyTokenizer(),
 * );
 * await m.save(dir);
 * m.dispose();
 * const enc = await loadInferenceEncoder(dir);
 * assert.equal(enc.constructor.name, "OrtTransformerEncoder");
 * enc.dispose();
 * ```
 */
export async function loadInferenceEncoder(
  dir: string,
  options: InferenceOptions = {},
): Promise<Encoder> {
  const engine = options.engine ?? "ort";
  if (!ENGINES.includes(engine)) {
    throw new InputError(
      `engine is ${JSON.stringify(engine)}, expected one of ${ENGINES.join(", ")}`,
    );
  }
  const root = await readOptionalJsonObject(join(dir, "config.json"), "model config");
  if (root?.model_type === STATIC_MODEL_TYPE) {
    return await loadStaticEncoder(dir, { maxLength: options.maxLength });
  }
  if (engine === "tfjs") {
    return await loadEncoder(dir, { ...options, embedBatchSize: options.batchSize });
  }
  return await loadOrtTransformer(dir, options);
}
