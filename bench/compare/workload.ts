/**
 * The identical work both sides of a comparison get: seeded random unit
 * vectors, token-id batches of fixed length (uniform ids, or windows over
 * real tokenized text), their packing into flat arrays, and raw
 * little-endian files the Python peers read with `numpy.fromfile`.
 *
 * @module
 */

import { Rng } from "../../lib/sampling/rng.ts";
import type { PairBatch } from "../../lib/model/encoder.ts";
import { writeFileAtomic } from "../../lib/util/atomic.ts";
import { InputError } from "../../lib/util/errors.ts";

/**
 * `n` random unit vectors of dimension `d` (Gaussian entries, L2-normalised),
 * the same for a given seed on every platform.
 *
 * @param n Number of vectors.
 * @param d Dimension.
 * @param seed Seed of the generator.
 * @returns Row-major `n × d`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { randomUnitVectors } from "./workload.ts";
 * const v = randomUnitVectors(2, 3, 7);
 * assert(Math.abs(v[0] ** 2 + v[1] ** 2 + v[2] ** 2 - 1) < 1e-6);
 * ```
 */
export function randomUnitVectors(n: number, d: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let k = 0; k < d; k += 2) {
      // Box–Muller: two independent N(0, 1) from two uniforms in (0, 1].
      const r = Math.sqrt(-2 * Math.log(1 - rng.float()));
      const t = 2 * Math.PI * rng.float();
      row[k] = r * Math.cos(t);
      if (k + 1 < d) row[k + 1] = r * Math.sin(t);
    }
    for (let k = 0; k < d; k++) norm += row[k] * row[k];
    const inv = 1 / Math.sqrt(norm);
    for (let k = 0; k < d; k++) out[i * d + k] = row[k] * inv;
  }
  return out;
}

/** The shape of fixed-length pair batches. */
export interface BatchShape {
  /** Number of batches. */
  count: number;
  /** Pairs per batch. */
  batch: number;
  /** Token ids per text. */
  length: number;
}

/**
 * Batches whose ids are uniform over `[0, vocab)`: every id a distinct row
 * (nearly), the worst case for a sparse update.
 *
 * @param shape Batches, pairs per batch, ids per text.
 * @param vocab Vocabulary size.
 * @param seed Seed of the generator.
 * @returns The batches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uniformIdBatches } from "./workload.ts";
 * const [b] = uniformIdBatches({ count: 1, batch: 2, length: 4 }, 100, 1);
 * assert(b.queries.length === 2 && b.passages[1].length === 4);
 * ```
 */
export function uniformIdBatches(shape: BatchShape, vocab: number, seed: number): PairBatch[] {
  const rng = new Rng(seed);
  const text = () => {
    const ids = new Int32Array(shape.length);
    for (let t = 0; t < ids.length; t++) ids[t] = rng.int(vocab);
    return ids;
  };
  return Array.from({ length: shape.count }, () => ({
    queries: Array.from({ length: shape.batch }, text),
    passages: Array.from({ length: shape.batch }, text),
  }));
}

/** How a text window is wrapped: ids before the content (`[CLS]` and the prefix), ids after (`[SEP]`). */
export interface Wrap {
  head: Int32Array;
  tail: Int32Array;
}

/**
 * Batches of text-like ids: each text is `head + window + tail` of exactly
 * `shape.length` ids, the window a run of consecutive ids at a random place
 * in `stream` (tokenized real text), so ids follow the distribution of the
 * language they came from.
 *
 * @param shape Batches, pairs per batch, ids per text.
 * @param stream Content ids (no special tokens), longer than a window.
 * @param query Wrapping of the queries (e.g. `[CLS] Query : … [SEP]`).
 * @param passage Wrapping of the passages.
 * @param seed Seed of the generator.
 * @returns The batches.
 * @throws {InputError} when the wrapping leaves no room or the stream is too short.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { windowIdBatches } from "./workload.ts";
 * const wrap = { head: new Int32Array([101]), tail: new Int32Array([102]) };
 * const [b] = windowIdBatches({ count: 1, batch: 1, length: 4 }, new Int32Array([5, 6, 7, 8]), wrap, wrap, 1);
 * assert(b.queries[0][0] === 101 && b.queries[0][3] === 102);
 * ```
 */
export function windowIdBatches(
  shape: BatchShape,
  stream: Int32Array,
  query: Wrap,
  passage: Wrap,
  seed: number,
): PairBatch[] {
  const rng = new Rng(seed);
  const text = (wrap: Wrap) => {
    const room = shape.length - wrap.head.length - wrap.tail.length;
    if (room < 1) {
      throw new InputError(
        `Cannot build texts of ${shape.length} ids: the wrapping takes ${
          wrap.head.length + wrap.tail.length
        }`,
      );
    }
    if (stream.length < room) {
      throw new InputError(
        `Cannot build texts: the token stream has ${stream.length} ids, expected at least ${room}`,
      );
    }
    const at = rng.int(stream.length - room + 1);
    const ids = new Int32Array(shape.length);
    ids.set(wrap.head);
    ids.set(stream.subarray(at, at + room), wrap.head.length);
    ids.set(wrap.tail, shape.length - wrap.tail.length);
    return ids;
  };
  return Array.from({ length: shape.count }, () => ({
    queries: Array.from({ length: shape.batch }, () => text(query)),
    passages: Array.from({ length: shape.batch }, () => text(passage)),
  }));
}

/**
 * Packs fixed-length batches into one array laid out `[count][2][batch][length]`
 * (queries, then passages), as the PyTorch peer reshapes it.
 *
 * @param batches Batches of the shape.
 * @param shape Their shape.
 * @returns The packed ids.
 * @throws {InputError} when a batch or text does not have the shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { packBatches } from "./workload.ts";
 * const b = { queries: [new Int32Array([1, 2])], passages: [new Int32Array([3, 4])] };
 * assert(packBatches([b], { count: 1, batch: 1, length: 2 }).join() === "1,2,3,4");
 * ```
 */
export function packBatches(batches: readonly PairBatch[], shape: BatchShape): Int32Array {
  const { batch, length } = shape;
  if (batches.length !== shape.count) {
    throw new InputError(`packBatches: ${batches.length} batches, expected ${shape.count}`);
  }
  const out = new Int32Array(shape.count * 2 * batch * length);
  let at = 0;
  batches.forEach((b, i) => {
    for (const side of [b.queries, b.passages]) {
      if (side.length !== batch) {
        throw new InputError(
          `packBatches: batch ${i} has ${side.length} texts a side, expected ${batch}`,
        );
      }
      for (const ids of side) {
        if (ids.length !== length) {
          throw new InputError(
            `packBatches: batch ${i} has a text of ${ids.length} ids, expected ${length}`,
          );
        }
        out.set(ids, at);
        at += length;
      }
    }
  });
  return out;
}

/**
 * Packs texts of any length as `nn.EmbeddingBag` takes them: all ids in one
 * array, and the offset where each text starts.
 *
 * @param seqs The texts' ids.
 * @returns `ids` (concatenated) and `offsets` (one per text).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { packRagged } from "./workload.ts";
 * const { ids, offsets } = packRagged([new Int32Array([1, 2]), new Int32Array([3])]);
 * assert(ids.join() === "1,2,3" && offsets.join() === "0,2");
 * ```
 */
export function packRagged(seqs: readonly Int32Array[]): { ids: Int32Array; offsets: Int32Array } {
  const offsets = new Int32Array(seqs.length);
  let total = 0;
  seqs.forEach((s, i) => {
    offsets[i] = total;
    total += s.length;
  });
  const ids = new Int32Array(total);
  seqs.forEach((s, i) => ids.set(s, offsets[i]));
  return { ids, offsets };
}

/**
 * Number of distinct ids in a batch: the rows of the embedding table one step touches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { distinctIds } from "./workload.ts";
 * assert(distinctIds({ queries: [new Int32Array([1, 2])], passages: [new Int32Array([2, 3])] }) === 3);
 * ```
 */
export function distinctIds(batch: PairBatch): number {
  const seen = new Set<number>();
  for (const ids of [...batch.queries, ...batch.passages]) for (const id of ids) seen.add(id);
  return seen.size;
}

/**
 * Writes a typed array as raw little-endian bytes (atomically), for
 * `numpy.fromfile(path, dtype="<f4" | "<i4")`.
 *
 * @param path Target file.
 * @param data The values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeRaw } from "./workload.ts";
 * const path = await Deno.makeTempFile();
 * await writeRaw(path, new Int32Array([1, 2]));
 * assert((await Deno.readFile(path)).length === 8);
 * ```
 */
export async function writeRaw(path: string, data: Float32Array | Int32Array): Promise<void> {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error("writeRaw() assumes a little-endian platform");
  }
  await writeFileAtomic(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/**
 * Reads raw little-endian int32 values (e.g. a peer's top-k ids).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRawInt32, writeRaw } from "./workload.ts";
 * const path = await Deno.makeTempFile();
 * await writeRaw(path, new Int32Array([7, -1]));
 * assert((await readRawInt32(path)).join() === "7,-1");
 * ```
 */
export async function readRawInt32(path: string): Promise<Int32Array> {
  const bytes = await Deno.readFile(path);
  if (bytes.length % 4 !== 0) {
    throw new InputError(`${path} has ${bytes.length} bytes, expected a multiple of 4 (int32)`);
  }
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Int32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4);
}

/**
 * Reads raw little-endian float32 values (e.g. a peer's embeddings).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRawFloat32, writeRaw } from "./workload.ts";
 * const path = await Deno.makeTempFile();
 * await writeRaw(path, new Float32Array([0.5]));
 * assert((await readRawFloat32(path))[0] === 0.5);
 * ```
 */
export async function readRawFloat32(path: string): Promise<Float32Array> {
  const bytes = await Deno.readFile(path);
  if (bytes.length % 4 !== 0) {
    throw new InputError(`${path} has ${bytes.length} bytes, expected a multiple of 4 (float32)`);
  }
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4);
}
