/**
 * What every encoder offers: a shared dual encoder (one model for queries and
 * passages, told apart by the `Query: ` / `Passage: ` prefixes) that maps
 * token-id sequences to L2-normalised vectors, so that the inner product is the
 * cosine similarity.
 *
 * @module
 */

import type { TextTokenizer } from "../data/tokenizer.ts";

/** Prefix of every query, as in the paper. */
export const QUERY_PREFIX = "Query: ";
/** Prefix of every passage, as in the paper. */
export const PASSAGE_PREFIX = "Passage: ";

/** Which side of the dual encoder a text is on. */
export type Role = "query" | "passage";

/**
 * The text put before a query and before a passage: a model's own
 * (sentence-transformers keeps them as `prompts` in
 * `config_sentence_transformers.json`), none for an off-the-shelf model
 * without them, or the stand-ins' `Query: ` / `Passage: `.
 */
export interface Prompts {
  /** Before every query. */
  readonly query: string;
  /** Before every passage. */
  readonly passage: string;
}

/** The prompts xlir's own models train and evaluate with (the paper's prefixes). */
export const STANDIN_PROMPTS: Prompts = Object.freeze({
  query: QUERY_PREFIX,
  passage: PASSAGE_PREFIX,
});

/** No prompts (a model trained without any). */
export const NO_PROMPTS: Prompts = Object.freeze({ query: "", passage: "" });

/**
 * An encoder's prompts: its own, else the stand-ins' (every xlir model
 * without a `prompts` field was trained with them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NO_PROMPTS, promptsOf, STANDIN_PROMPTS } from "./encoder.ts";
 * assert.equal(promptsOf({}), STANDIN_PROMPTS);
 * assert.equal(promptsOf({ prompts: NO_PROMPTS }).query, "");
 * ```
 */
export function promptsOf(encoder: { readonly prompts?: Prompts }): Prompts {
  return encoder.prompts ?? STANDIN_PROMPTS;
}

/** A trained or loaded encoder. */
export interface Encoder {
  /** `"static"` (token embeddings, mean pooling) or `"transformer"`. */
  readonly architecture: "static" | "transformer";
  /** Output dimension. */
  readonly dim: number;
  /** Maximum tokens per text, special tokens included. */
  readonly maxLength: number;
  /** The tokenizer the model was trained with. */
  readonly tokenizer: TextTokenizer;
  /** Its query and passage prompts; absent: {@linkcode STANDIN_PROMPTS} ({@linkcode promptsOf}). */
  readonly prompts?: Prompts;
  /**
   * Embeds token-id sequences (prefix and special tokens already in them).
   *
   * @returns `seqs.length × dim` row-major, each row of unit L2 norm.
   */
  embedIds(seqs: Int32Array[]): Float32Array;
  /**
   * What sentence-transformers' `encode` returns for these ids (L2-normalised
   * only when the model ends in a Normalize module); absent: {@linkcode embedIds}.
   */
  sentenceEmbeddings?(seqs: Int32Array[]): Float32Array;
  /** Saves the model in Hugging Face layout (`config.json`, `model.safetensors`, `tokenizer.json`). */
  save(dir: string): Promise<void>;
  /** Frees what it holds (tensors); the encoder is unusable afterwards. */
  dispose(): void;
}

/**
 * A batch of training pairs: query `i`'s positive is passage `i`; the other
 * passages are its negatives. With `negatives` (one per query, the paper's
 * triplets `(q, d⁺, d⁻)`) every query is contrasted with all `2B` passages
 * of the batch (`lib/model/triplets.ts`); without, the loss is the square
 * `B × B` one, unchanged.
 */
export interface PairBatch {
  queries: Int32Array[];
  passages: Int32Array[];
  /** Hard negatives: `negatives[i]` is a passage mined for query `i` (optional). */
  negatives?: Int32Array[];
}

/** The optimizer's settings for one step. */
export interface StepOptions {
  /** Learning rate of this step (after warm-up/decay). */
  lr: number;
}

/** An encoder that can be trained with the contrastive loss. */
export interface TrainableEncoder extends Encoder {
  /** One optimizer step (forward, InfoNCE loss, backward, AdamW); returns the loss before the update. */
  trainStep(batch: PairBatch, options: StepOptions): number;
  /** The loss on a batch, no update (validation). */
  loss(batch: PairBatch): number;
  /**
   * Everything needed to resume bit-identically: weights and optimizer
   * moments/step as named arrays, and a JSON-able scalar state.
   */
  trainingState(): { arrays: Record<string, Float32Array>; scalars: Record<string, number> };
  /**
   * Async forms, for backends that cannot read results synchronously (tfjs on
   * WebGPU): the trainer uses them when present.
   */
  trainStepAsync?(batch: PairBatch, options: StepOptions): Promise<number>;
  lossAsync?(batch: PairBatch): Promise<number>;
  trainingStateAsync?(): Promise<
    { arrays: Record<string, Float32Array>; scalars: Record<string, number> }
  >;
  /**
   * A copy of the weights alone (no optimizer state) and a save from it: the
   * trainer keeps the best weights this way instead of writing the model at
   * every improvement. Optional; without it the trainer saves at once.
   * `reuse`: a snapshot this model returned before that the caller no longer
   * needs, which the model may refill in place (copying only what changed).
   */
  snapshotWeights?(reuse?: unknown): unknown;
  saveSnapshot?(dir: string, snapshot: unknown): Promise<void>;
  /** Restores what {@linkcode trainingState} returned. */
  restoreTrainingState(
    state: { arrays: Record<string, Float32Array>; scalars: Record<string, number> },
  ): void;
}

/**
 * Tokenizes texts with the role's prompt (`null`: none).
 *
 * @param prompts The model's prompts; default {@linkcode STANDIN_PROMPTS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NO_PROMPTS, tokenizeWithPrefix } from "./encoder.ts";
 * import { tinyTokenizer } from "./_testing.ts";
 * const tokenizer = await tinyTokenizer();
 * const [ids] = tokenizeWithPrefix(tokenizer, ["wer war die hauptstadt von germany?"], "query", 6);
 * // [CLS] query : wer war [SEP], cut at 6 ids (the stand-ins' prompts)
 * assert.deepEqual([...ids], [2, ...tokenizer.encode("query: wer war", { addSpecialTokens: false }), 3]);
 * const [withPrefix] = tokenizeWithPrefix(tokenizer, ["the cat"], "passage", 64);
 * const [bare] = tokenizeWithPrefix(tokenizer, ["the cat"], "passage", 64, NO_PROMPTS);
 * assert(withPrefix.length > bare.length);
 * ```
 */
export function tokenizeWithPrefix(
  tokenizer: TextTokenizer,
  texts: readonly string[],
  role: Role | null,
  maxLength: number,
  prompts: Prompts = STANDIN_PROMPTS,
): Int32Array[] {
  const prefix = role === null ? "" : prompts[role];
  return texts.map((t) => tokenizer.encode(prefix + t, { maxLength }));
}
