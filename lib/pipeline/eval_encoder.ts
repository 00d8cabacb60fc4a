/**
 * The encoder an evaluation of the grid runs: static models as they are,
 * BERT/XLM-R checkpoints on ONNX Runtime's CPU kernels (`load_inference.ts`,
 * the fast encode path), or on the trainable tfjs model when ONNX Runtime's
 * native library cannot start on this machine.
 *
 * @module
 */

import type { Encoder } from "../model/encoder.ts";
import { loadEncoder } from "../model/load_encoder.ts";
import { loadInferenceEncoder } from "../model/load_inference.ts";
import { InputError } from "../util/errors.ts";
import { progressLine } from "../util/progress.ts";

/** Options of {@linkcode loadEvalEncoder}. */
export interface EvalEncoderOptions {
  /**
   * Tokens at which texts are cut (default: the folder's own `max_length`); a
   * transformer takes at most its position embeddings' count.
   */
  maxLength?: number;
}

/** Texts per forward pass on ONNX Runtime (its default). */
const ORT_BATCH = 32;

/**
 * Loads a model folder for evaluation (see the module doc). A folder that is
 * wrong (missing, malformed, an unknown `model_type`) is an error on both
 * engines; only a failure of ONNX Runtime itself falls back to tfjs, with a
 * note on stderr.
 *
 * @param dir The model folder.
 * @returns An encoder; the caller disposes it.
 * @throws {InputError} for a folder xlir cannot load.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadEvalEncoder } from "./eval_encoder.ts";
 * import { createTransformer } from "../model/transformer.ts";
 * import { tinyTokenizer } from "../model/_testing.ts";
 * const dir = await Deno.makeTempDir();
 * const m = await createTransformer(
 *   { numLayers: 1, hiddenSize: 8, numHeads: 2, intermediateSize: 16, maxPositions: 32 },
 *   await tinyTokenizer(),
 * );
 * await m.save(dir);
 * m.dispose();
 * const enc = await loadEvalEncoder(dir);
 * assert.equal(enc.constructor.name, "OrtTransformerEncoder");
 * enc.dispose();
 * ```
 */
export async function loadEvalEncoder(
  dir: string,
  options: EvalEncoderOptions = {},
): Promise<Encoder> {
  const { maxLength } = options;
  try {
    return await loadInferenceEncoder(dir, { batchSize: ORT_BATCH, maxLength });
  } catch (err) {
    if (err instanceof InputError) throw err;
    progressLine(
      `evaluation: ONNX Runtime failed (${(err as Error).message}); encoding ${dir} on tfjs`,
    );
    return await loadEncoder(dir, { maxLength });
  }
}
