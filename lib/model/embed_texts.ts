/**
 * Texts → the model's sentence embeddings, as sentence-transformers' `encode`
 * computes them: the prompt put before each text, tokenization (truncated to
 * the model's `maxLength`), the forward pass in batches, with a progress line.
 *
 * @module
 */

import { type Encoder, promptsOf, type Role, tokenizeWithPrefix } from "./encoder.ts";
import { Progress } from "../util/progress.ts";

/** Options of {@linkcode embedTexts}. */
export interface EmbedTextsOptions {
  /** Texts per forward pass. Default 64. */
  batchSize?: number;
  /** Progress label on stderr; none when absent. */
  label?: string;
}

/**
 * Embeds texts with the role's prompt (`null`: no prompt), in input order.
 *
 * @returns `texts.length × encoder.dim`, row-major.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embedTexts } from "./embed_texts.ts";
 * import { createTransformer } from "./transformer.ts";
 * import { tinyTokenizer } from "./_testing.ts";
 * const model = await createTransformer(
 *   { numLayers: 1, hiddenSize: 8, numHeads: 2, intermediateSize: 16, maxPositions: 32 },
 *   await tinyTokenizer(),
 * );
 * const v = embedTexts(model, ["the cat", "a dog"], "passage", { batchSize: 1 });
 * assert.equal(v.length, 16);
 * model.dispose();
 * ```
 */
export function embedTexts(
  encoder: Encoder,
  texts: readonly string[],
  role: Role | null,
  options: EmbedTextsOptions = {},
): Float32Array {
  const batch = Math.max(1, options.batchSize ?? 64);
  const out = new Float32Array(texts.length * encoder.dim);
  const bar = options.label ? new Progress(options.label, texts.length, { unit: "texts" }) : null;
  const prompts = promptsOf(encoder);
  for (let i = 0; i < texts.length; i += batch) {
    const part = texts.slice(i, i + batch);
    const ids = tokenizeWithPrefix(encoder.tokenizer, part, role, encoder.maxLength, prompts);
    const vecs = encoder.sentenceEmbeddings?.(ids) ?? encoder.embedIds(ids);
    out.set(vecs, i * encoder.dim);
    bar?.tick(part.length);
  }
  bar?.done();
  return out;
}
