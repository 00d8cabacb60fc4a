/**
 * Writes a float32 `state_dict` as `torch.save` does (the zip format of
 * PyTorch ≥ 1.6): `archive/data.pkl` — a protocol-2 pickle of an
 * `OrderedDict` of `torch._utils._rebuild_tensor_v2` over `FloatStorage`
 * persistent ids — one `archive/data/K` file of little-endian floats per
 * tensor, and `archive/version`. sentence-transformers 2.x reads a Dense
 * module only from such a `pytorch_model.bin`. The reader is
 * `torch_state_dict.ts`.
 *
 * @module
 */

import { zipSync } from "fflate";

/** A float32 tensor to save. */
export interface TorchTensor {
  shape: number[];
  data: Float32Array;
}

/** Pickle opcodes (protocol 2). */
const OP = {
  PROTO: 0x80,
  GLOBAL: 0x63, // c
  EMPTY_TUPLE: 0x29, // )
  REDUCE: 0x52, // R
  MARK: 0x28, // (
  TUPLE: 0x74, // t
  BINUNICODE: 0x58, // X
  BININT: 0x4a, // J
  BINPERSID: 0x51, // Q
  NEWFALSE: 0x89,
  SETITEMS: 0x75, // u
  STOP: 0x2e, // .
};

class Pickler {
  #bytes: number[] = [];
  op(code: number): this {
    this.#bytes.push(code);
    return this;
  }
  global(module: string, name: string): this {
    this.op(OP.GLOBAL);
    for (const b of new TextEncoder().encode(`${module}\n${name}\n`)) this.#bytes.push(b);
    return this;
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    this.op(OP.BINUNICODE).#u32(b.length);
    for (const x of b) this.#bytes.push(x);
    return this;
  }
  int(v: number): this {
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      throw new RangeError(`torch_save: ${v} does not fit a 32-bit pickle integer`);
    }
    return this.op(OP.BININT).#u32(v >>> 0);
  }
  tuple(items: number[]): this {
    this.op(OP.MARK);
    for (const v of items) this.int(v);
    return this.op(OP.TUPLE);
  }
  #u32(v: number): this {
    this.#bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    return this;
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

/**
 * Serialises a state dict (names in the given order) as `torch.save` would.
 *
 * @param tensors Float32 tensors by name (row-major, contiguous).
 * @returns The file's bytes.
 * @throws {RangeError} for a shape that does not match its data.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeTorchStateDict } from "./torch_save.ts";
 * import { readTorchStateDict } from "./torch_state_dict.ts";
 * const dir = await Deno.makeTempDir();
 * const w = { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) };
 * await Deno.writeFile(`${dir}/m.bin`, encodeTorchStateDict({ "linear.weight": w }));
 * const back = await readTorchStateDict(`${dir}/m.bin`);
 * assert.deepEqual(back["linear.weight"].shape, [2, 3]);
 * assert.deepEqual([...back["linear.weight"].data], [1, 2, 3, 4, 5, 6]);
 * ```
 */
export function encodeTorchStateDict(tensors: Record<string, TorchTensor>): Uint8Array {
  const p = new Pickler().op(OP.PROTO).op(2);
  p.global("collections", "OrderedDict").op(OP.EMPTY_TUPLE).op(OP.REDUCE).op(OP.MARK);
  const files: Record<string, Uint8Array> = {};
  Object.entries(tensors).forEach(([name, t], key) => {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (numel !== t.data.length) {
      throw new RangeError(
        `torch_save: "${name}" has ${t.data.length} values, expected [${t.shape}] = ${numel}`,
      );
    }
    const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    p.str(name).global("torch._utils", "_rebuild_tensor_v2").op(OP.MARK);
    // The persistent id ('storage', torch.FloatStorage, key, 'cpu', numel).
    p.op(OP.MARK).str("storage").global("torch", "FloatStorage").str(String(key)).str("cpu")
      .int(numel).op(OP.TUPLE).op(OP.BINPERSID);
    p.int(0).tuple(t.shape).tuple(strides).op(OP.NEWFALSE);
    p.global("collections", "OrderedDict").op(OP.EMPTY_TUPLE).op(OP.REDUCE);
    p.op(OP.TUPLE).op(OP.REDUCE);
    files[`archive/data/${key}`] = new Uint8Array(
      t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength),
    );
  });
  p.op(OP.SETITEMS).op(OP.STOP);
  return zipSync({
    "archive/data.pkl": p.finish(),
    ...files,
    "archive/version": new TextEncoder().encode("3\n"),
  }, { level: 0 });
}
