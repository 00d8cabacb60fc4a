/**
 * Token ids from real text for the training bench: a stream of content ids
 * from sentences in a seeded random order, and the wrapping of a text with
 * the tokenizer's special tokens and the role's prefix (`[CLS] Query : … [SEP]`),
 * so that windows over the stream make fixed-length texts whose ids follow
 * the distribution of real (multilingual) text.
 *
 * @module
 */

import type { TextTokenizer } from "../../lib/data/tokenizer.ts";
import { Rng } from "../../lib/sampling/rng.ts";
import type { Wrap } from "./workload.ts";

/**
 * Content ids (no special tokens) of sentences taken in a seeded random
 * order until at least `minIds` ids are collected (or the sentences run out).
 *
 * @param tokenizer The tokenizer.
 * @param sentences The texts to draw from.
 * @param minIds How many ids to collect at least.
 * @param seed Seed of the order.
 * @returns The concatenated ids and the number of sentences used.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textIdStream } from "./text_ids.ts";
 * import { tinyTokenizer } from "../../lib/data/_testing.ts";
 * const tokenizer = await tinyTokenizer();
 * const { ids, sentences } = textIdStream(tokenizer, ["the cat sat.", "wer war die hauptstadt?"], 4, 1);
 * assert(ids.length >= 4 && sentences >= 1 && !ids.includes(2) && !ids.includes(3)); // no [CLS], [SEP]
 * ```
 */
export function textIdStream(
  tokenizer: TextTokenizer,
  sentences: readonly string[],
  minIds: number,
  seed: number,
): { ids: Int32Array; sentences: number } {
  const order = new Rng(seed).shuffle(Array.from(sentences.keys()));
  const parts: Int32Array[] = [];
  let total = 0, used = 0;
  for (const i of order) {
    if (total >= minIds) break;
    const ids = tokenizer.encode(sentences[i], { addSpecialTokens: false });
    parts.push(ids);
    total += ids.length;
    used++;
  }
  const ids = new Int32Array(total);
  let at = 0;
  for (const p of parts) {
    ids.set(p, at);
    at += p.length;
  }
  return { ids, sentences: used };
}

/**
 * The ids a tokenizer puts around a text with `prefix`: `head` = its leading
 * special ids and the prefix's ids, `tail` = its trailing special ids.
 *
 * @param tokenizer The tokenizer.
 * @param prefix E.g. `"Query: "`.
 * @returns The wrapping.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prefixWrap } from "./text_ids.ts";
 * import { tinyTokenizer } from "../../lib/data/_testing.ts";
 * const tokenizer = await tinyTokenizer();
 * const { head, tail } = prefixWrap(tokenizer, "Query: "); // mBERT: head [101, "Query", ":"], tail [102]
 * assert.deepEqual([...head], [2, ...tokenizer.encode("query:", { addSpecialTokens: false })]);
 * assert.deepEqual([...tail], [3]);
 * ```
 */
export function prefixWrap(tokenizer: TextTokenizer, prefix: string): Wrap {
  const probe = "x";
  const full = tokenizer.encode(probe);
  const bare = tokenizer.encode(probe, { addSpecialTokens: false });
  let at = -1;
  for (let i = 0; i + bare.length <= full.length && at < 0; i++) {
    if (bare.every((id, j) => full[i + j] === id)) at = i;
  }
  if (at < 0) throw new Error(`prefixWrap(): cannot find "${probe}" inside its own encoding`);
  const lead = full.slice(0, at), tail = full.slice(at + bare.length);
  const pre = prefix.trim() === "" ? new Int32Array(0) : tokenizer.encode(prefix, {
    addSpecialTokens: false,
  });
  const head = new Int32Array(lead.length + pre.length);
  head.set(lead);
  head.set(pre, lead.length);
  return { head, tail };
}
