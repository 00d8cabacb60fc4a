/**
 * Encoding texts for retrieval: the role's prompt (the model's; the stand-ins' `Query: ` / `Passage: `),
 * tokenization, and the encoder's forward pass in batches, with a progress
 * line on stderr.
 *
 * @module
 */

import { type Encoder, promptsOf, type Role, tokenizeWithPrefix } from "../model/encoder.ts";
import { Progress } from "../util/progress.ts";

/** Options of {@linkcode encodeTexts}. */
export interface EncodeOptions {
  /** Texts per forward pass. Default 256. */
  batchSize?: number;
  /** Progress label; no progress line when absent. */
  label?: string;
}

/**
 * Embeds texts as queries or passages: `texts.length × encoder.dim`,
 * row-major, unit rows.
 *
 * @example
 * ```ts ignore
 * import { encodeTexts } from "./encode.ts";
 * const vectors = encodeTexts(encoder, ["Wer war …?"], "query");
 * ```
 */
export function encodeTexts(
  encoder: Encoder,
  texts: readonly string[],
  role: Role,
  options: EncodeOptions = {},
): Float32Array {
  const batch = options.batchSize ?? 256;
  const out = new Float32Array(texts.length * encoder.dim);
  const bar = options.label ? new Progress(options.label, texts.length, { unit: "texts" }) : null;
  for (let i = 0; i < texts.length; i += batch) {
    const part = texts.slice(i, i + batch);
    const ids = tokenizeWithPrefix(
      encoder.tokenizer,
      part,
      role,
      encoder.maxLength,
      promptsOf(encoder),
    );
    out.set(encoder.embedIds(ids), i * encoder.dim);
    bar?.tick(part.length);
  }
  bar?.done();
  return out;
}
