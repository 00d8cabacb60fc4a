/**
 * Test helpers for the comparisons: a tiny stand-in tokenizer, and whether
 * the Python peers can run here.
 *
 * @module
 */

import type { TextTokenizer } from "../../lib/data/tokenizer.ts";
import { peersAvailable } from "./peer.ts";

/** A tokenizer of which only the vocabulary size matters. */
export function stubTokenizer(vocabSize: number): TextTokenizer {
  return {
    source: "stub",
    vocabSize,
    padId: 0,
    specialIds: new Set([0, 1, 2]),
    encode: () => new Int32Array([1, 2]),
    tokenize: () => [],
    idToToken: () => undefined,
    json: "{}",
  };
}

/** Whether `/usr/bin/python3` imports torch, faiss and threadpoolctl. */
export const PEERS = await peersAvailable();

/** What the peer tests need, for `skipUnless`. */
export const PEERS_WHAT = "python3-torch, python3-faiss, python3-threadpoolctl (/usr/bin/python3)";
