/**
 * NumPy `.npy` files (format version 1.0) of a 2-D float32 array, C order:
 * what `numpy.load` reads back as `float32` of shape `(rows, cols)`.
 *
 * @module
 */

import { InputError } from "./errors.ts";

/**
 * Encodes a row-major `rows × cols` float32 matrix as `.npy` bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeNpyF32, encodeNpyF32 } from "./npy.ts";
 * const bytes = encodeNpyF32(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3);
 * const back = decodeNpyF32(bytes);
 * assert.deepEqual(back.shape, [2, 3]);
 * assert.equal(back.data[5], 6);
 * ```
 */
export function encodeNpyF32(data: Float32Array, rows: number, cols: number): Uint8Array {
  if (data.length !== rows * cols) {
    throw new InputError(`npy: ${data.length} values, expected ${rows} × ${cols}`);
  }
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // Magic (6) + version (2) + length (2) + header + "\n", padded to a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  const out = new Uint8Array(total + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const body = new DataView(out.buffer, total);
  for (let i = 0; i < data.length; i++) body.setFloat32(4 * i, data[i], true);
  return out;
}

/**
 * Decodes a 2-D little-endian float32 `.npy` (C order).
 *
 * @throws {InputError} for another dtype, order or rank.
 */
export function decodeNpyF32(bytes: Uint8Array): { shape: [number, number]; data: Float32Array } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (!magic.every((b, i) => bytes[i] === b)) throw new InputError("npy: not a .npy file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const len = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + len));
  const shape = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header) || !shape) {
    throw new InputError(`npy: header ${header.trim()}, expected 2-D '<f4' in C order`);
  }
  const rows = Number(shape[1]), cols = Number(shape[2]);
  const off = start + len;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(off + 4 * i, true);
  return { shape: [rows, cols], data };
}
