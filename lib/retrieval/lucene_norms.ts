/**
 * Lucene's one-byte encoding of document lengths (`SmallFloat.intToByte4` /
 * `byte4ToInt`, Lucene ≥ 7), which `BM25Similarity` stores as the field norm
 * and decodes back into the `dl` of the BM25 formula. Lengths 0–40 survive
 * exactly; longer ones keep 4 significant bits and are rounded down
 * (100 → 96, 1000 → 984).
 *
 * `longToInt4` keeps the 4 most significant bits of a value with a float-like
 * layout (3 mantissa bits after the implicit leading one, then the shift + 1);
 * `intToByte4` spends the 24 byte values that `longToInt4(2^31 - 1) = 231`
 * leaves free on encoding 0–23 exactly.
 *
 * @module
 */

/**
 * Encodes a non-negative integer keeping its 4 most significant bits.
 *
 * @param i Value in `0 … 2^31 - 1`.
 * @returns The encoded value (`i` itself below 8).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { longToInt4 } from "./lucene_norms.ts";
 * assert(longToInt4(7) === 7 && longToInt4(8) === 8 && longToInt4(76) === 33);
 * ```
 */
export function longToInt4(i: number): number {
  if (!Number.isInteger(i) || i < 0 || i > 0x7fffffff) {
    throw new RangeError(`longToInt4: expected an integer in 0 … 2^31-1, got ${i}`);
  }
  const numBits = 32 - Math.clz32(i);
  if (numBits < 4) return i; // subnormal
  const shift = numBits - 4;
  // Keep the 4 most significant bits, drop the implicit leading one, store shift + 1.
  return ((i >>> shift) & 0x07) | ((shift + 1) << 3);
}

/**
 * Decodes {@linkcode longToInt4}.
 *
 * @param i An encoded value.
 * @returns The value rounded down to 4 significant bits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { int4ToLong } from "./lucene_norms.ts";
 * assert(int4ToLong(33) === 72);
 * ```
 */
export function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}

/** Byte values that encode themselves: `255 - longToInt4(2^31 - 1)` = 24. */
export const NUM_FREE_VALUES: number = 255 - longToInt4(0x7fffffff);

/**
 * Encodes a document length into one (unsigned) byte, as Lucene stores norms.
 *
 * @param i Length in `0 … 2^31 - 1`.
 * @returns A byte value in `0 … 255`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { intToByte4 } from "./lucene_norms.ts";
 * assert(intToByte4(23) === 23 && intToByte4(100) === 57 && intToByte4(2 ** 31 - 1) === 255);
 * ```
 */
export function intToByte4(i: number): number {
  if (!Number.isInteger(i) || i < 0 || i > 0x7fffffff) {
    throw new RangeError(`intToByte4: expected an integer in 0 … 2^31-1, got ${i}`);
  }
  return i < NUM_FREE_VALUES ? i : NUM_FREE_VALUES + longToInt4(i - NUM_FREE_VALUES);
}

/**
 * Decodes {@linkcode intToByte4}.
 *
 * @param b A byte value (`0 … 255`; a signed Java byte is taken modulo 256).
 * @returns The length Lucene's BM25 uses for a document whose norm is `b`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { byte4ToInt } from "./lucene_norms.ts";
 * assert(byte4ToInt(57) === 96);
 * ```
 */
export function byte4ToInt(b: number): number {
  const i = b & 0xff;
  return i < NUM_FREE_VALUES ? i : NUM_FREE_VALUES + int4ToLong(i - NUM_FREE_VALUES);
}

/** `byte4ToInt` of every byte: Lucene's `BM25Similarity.LENGTH_TABLE`. */
export const LENGTH_TABLE: Int32Array = Int32Array.from({ length: 256 }, (_, b) => byte4ToInt(b));

/**
 * The document length Lucene's BM25 scores with: the length after the one-byte round trip.
 *
 * @param length The true number of tokens.
 * @returns `byte4ToInt(intToByte4(length))`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { luceneLength } from "./lucene_norms.ts";
 * assert(luceneLength(40) === 40 && luceneLength(41) === 40 && luceneLength(1000) === 984);
 * ```
 */
export function luceneLength(length: number): number {
  return LENGTH_TABLE[intToByte4(length)];
}
