/**
 * A stand-in for a tokenizer of `vocabSize` ids, for benchmarks that feed
 * synthetic ids: only the vocabulary size (and mBERT's special ids) matter.
 *
 * @module
 */

import type { TextTokenizer } from "../lib/data/tokenizer.ts";

/**
 * Returns a tokenizer that only knows its size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sizeOnlyTokenizer } from "./_size_only_tokenizer.ts";
 * assert(sizeOnlyTokenizer(119_547).vocabSize === 119_547);
 * ```
 */
export function sizeOnlyTokenizer(vocabSize: number): TextTokenizer {
  return {
    source: "bench",
    vocabSize,
    padId: 0,
    specialIds: new Set([0, 100, 101, 102, 103]),
    encode: () => new Int32Array([101, 102]),
    tokenize: () => [],
    idToToken: () => undefined,
    json: "{}",
  };
}
