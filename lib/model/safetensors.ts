/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length,
 * a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`,
 * then the raw little-endian tensor bytes. Read and written without copies of
 * the data where possible.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { writeFileAtomic } from "../util/atomic.ts";

/** A tensor read from or written to a safetensors file. */
export interface NamedTensor {
  /** `"F32"`, `"F16"`, `"BF16"`, `"I64"`, `"I32"`. Writing supports F32 and I32. */
  dtype: string;
  shape: number[];
  /** F32 data as Float32Array (F16/BF16 are widened to F32 on read); I32/I64 as Int32Array. */
  data: Float32Array | Int32Array;
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4 };

function f16ToF32(h: number): number {
  const s = (h & 0x8000) ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * Parses safetensors bytes.
 *
 * @param bytes The file's content.
 * @param name The file name, for error messages.
 * @returns The tensors by name and the `__metadata__` map.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors({ w: { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) } });
 * assert(decodeSafetensors(bytes).tensors.w.data[1] === 2);
 * ```
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  name = "model.safetensors",
): { tensors: Record<string, NamedTensor>; metadata: Record<string, string> } {
  if (bytes.byteLength < 8) throw new InputError(`${name} is truncated: no header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (8 + headerLen > bytes.byteLength) {
    throw new InputError(`${name} is truncated: header of ${headerLen} bytes past end of file`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch (err) {
    throw new InputError(`${name}: header is not valid JSON (${(err as Error).message})`);
  }
  const base = 8 + headerLen;
  const tensors: Record<string, NamedTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(header)) {
    if (key === "__metadata__") {
      metadata = value as Record<string, string>;
      continue;
    }
    const info = value as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    const { dtype, shape, data_offsets: off } = info;
    if (!dtype || !(dtype in BYTES) || !Array.isArray(shape) || !Array.isArray(off)) {
      throw new InputError(
        `${name}: tensor "${key}" has dtype ${dtype}, shape ${shape}, offsets ${off}; ` +
          `expected dtype F32/F16/BF16/I32/I64, a shape and data_offsets`,
      );
    }
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = off;
    if (end - begin !== count * BYTES[dtype] || base + end > bytes.byteLength) {
      throw new InputError(
        `${name}: tensor "${key}" spans bytes ${begin}..${end}, expected ${
          count * BYTES[dtype]
        } bytes within the file`,
      );
    }
    const raw = bytes.subarray(base + begin, base + end);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    let data: Float32Array | Int32Array;
    if (dtype === "F32") {
      // One copy of the bytes (a memcpy; the host is little-endian, as WebAssembly requires).
      data = new Float32Array(count);
      new Uint8Array(data.buffer).set(raw);
    } else if (dtype === "F16") {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = f16ToF32(dv.getUint16(2 * i, true));
    } else if (dtype === "BF16") {
      data = new Float32Array(count);
      const u = new Uint32Array(1);
      const f = new Float32Array(u.buffer);
      for (let i = 0; i < count; i++) {
        u[0] = dv.getUint16(2 * i, true) << 16;
        data[i] = f[0];
      }
    } else if (dtype === "I32") {
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getInt32(4 * i, true);
    } else {
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = Number(dv.getBigInt64(8 * i, true));
    }
    tensors[key] = {
      dtype: dtype === "I64" ? "I32" : dtype.startsWith("F") || dtype === "BF16" ? "F32" : dtype,
      shape,
      data,
    };
  }
  return { tensors, metadata };
}

/**
 * Serialises tensors (F32 or I32) to safetensors bytes, names sorted, header
 * padded to a multiple of 8 bytes as the reference implementation does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors({ b: { dtype: "F32", shape: [1], data: new Float32Array([0.5]) } });
 * assert(bytes.byteLength % 8 === 4);
 * ```
 */
export function encodeSafetensors(
  tensors: Record<string, NamedTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const n of names) {
    const t = tensors[n];
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new InputError(
        `tensor "${n}": shape [${t.shape}] holds ${count} values, data has ${t.data.length}`,
      );
    }
    const dtype = t.data instanceof Float32Array ? "F32" : "I32";
    header[n] = { dtype, shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += " ";
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const n of names) {
    const d = tensors[n].data;
    const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    out.set(bytes, pos); // little-endian hosts (x86-64, arm64) store typed arrays LE
    pos += d.byteLength;
  }
  return out;
}

/** Where a tensor's bytes lie in a safetensors file. */
export interface TensorLocation {
  dtype: string;
  shape: number[];
  /** Byte offset of its data from the start of the file. */
  offset: number;
  /** Byte length of its data. */
  length: number;
}

/**
 * Reads only the header of a safetensors file (not its data): where each
 * tensor's bytes are, so that another reader (ONNX Runtime's external data)
 * can take them from the file itself.
 *
 * @throws {InputError} for a missing file or a malformed header, naming the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSafetensorsHeader, writeSafetensors } from "./safetensors.ts";
 * const dir = await Deno.makeTempDir();
 * await writeSafetensors(`${dir}/m.safetensors`, { w: { dtype: "F32", shape: [2], data: new Float32Array(2) } });
 * const { w } = await readSafetensorsHeader(`${dir}/m.safetensors`);
 * assert.deepEqual([w.shape, w.length], [[2], 8]);
 * ```
 */
export async function readSafetensorsHeader(path: string): Promise<Record<string, TensorLocation>> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (err) {
    throw new InputError(`Cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const size = (await file.stat()).size;
    const readExactly = async (n: number) => {
      const buf = new Uint8Array(n);
      let at = 0;
      while (at < n) {
        const got = await file.read(buf.subarray(at));
        if (got === null) throw new InputError(`${path} is truncated: header past end of file`);
        at += got;
      }
      return buf;
    };
    if (size < 8) throw new InputError(`${path} is truncated: no header length`);
    const headerLen = Number(new DataView((await readExactly(8)).buffer).getBigUint64(0, true));
    if (8 + headerLen > size) {
      throw new InputError(`${path} is truncated: header of ${headerLen} bytes past end of file`);
    }
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(new TextDecoder().decode(await readExactly(headerLen)));
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`${path}: header is not valid JSON (${(err as Error).message})`);
    }
    const out: Record<string, TensorLocation> = {};
    for (const [key, value] of Object.entries(header)) {
      if (key === "__metadata__") continue;
      const { dtype, shape, data_offsets: off } = value as {
        dtype?: string;
        shape?: number[];
        data_offsets?: [number, number];
      };
      if (!dtype || !(dtype in BYTES) || !Array.isArray(shape) || !Array.isArray(off)) {
        throw new InputError(
          `${path}: tensor "${key}" has dtype ${dtype}, shape ${shape}, offsets ${off}; ` +
            `expected dtype F32/F16/BF16/I32/I64, a shape and data_offsets`,
        );
      }
      const count = shape.reduce((a, b) => a * b, 1);
      if (off[1] - off[0] !== count * BYTES[dtype] || 8 + headerLen + off[1] > size) {
        throw new InputError(
          `${path}: tensor "${key}" spans bytes ${off[0]}..${off[1]}, expected ${
            count * BYTES[dtype]
          } bytes within the file`,
        );
      }
      out[key] = { dtype, shape, offset: 8 + headerLen + off[0], length: off[1] - off[0] };
    }
    return out;
  } finally {
    file.close();
  }
}

/**
 * Reads a safetensors file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSafetensors, writeSafetensors } from "./safetensors.ts";
 * const path = `${await Deno.makeTempDir()}/model.safetensors`;
 * const data = new Float32Array([1, 2, 3, 4, 5, 6]);
 * await writeSafetensors(path, { "embeddings.weight": { dtype: "F32", shape: [2, 3], data } }, { format: "pt" });
 * const { tensors, metadata } = await readSafetensors(path);
 * assert.deepEqual(tensors["embeddings.weight"].shape, [2, 3]);
 * assert.deepEqual(tensors["embeddings.weight"].data, data);
 * assert.equal(metadata.format, "pt");
 * ```
 */
export async function readSafetensors(
  path: string,
): Promise<{ tensors: Record<string, NamedTensor>; metadata: Record<string, string> }> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw new InputError(`Cannot read ${path}: ${(err as Error).message}`);
  }
  return decodeSafetensors(bytes, path);
}

/**
 * Writes a safetensors file atomically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSafetensors, writeSafetensors } from "./safetensors.ts";
 * const dir = await Deno.makeTempDir();
 * await writeSafetensors(`${dir}/m.safetensors`, { w: { dtype: "F32", shape: [1], data: new Float32Array([3]) } });
 * assert((await readSafetensors(`${dir}/m.safetensors`)).tensors.w.data[0] === 3);
 * ```
 */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, NamedTensor>,
  metadata: Record<string, string> = {},
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
