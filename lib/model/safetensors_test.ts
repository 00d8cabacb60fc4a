import assert from "node:assert/strict";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { InputError } from "../util/errors.ts";

Deno.test("encodeSafetensors() round-trips F32 and I32 tensors and metadata", () => {
  const bytes = encodeSafetensors({
    "b.weight": { dtype: "F32", shape: [2, 2], data: new Float32Array([1, -2, 3.5, 1e-8]) },
    "a.ids": { dtype: "I32", shape: [3], data: new Int32Array([7, -1, 0]) },
  }, { format: "pt" });
  const { tensors, metadata } = decodeSafetensors(bytes);
  assert.deepEqual(metadata, { format: "pt" });
  assert.deepEqual([...tensors["b.weight"].data], [...new Float32Array([1, -2, 3.5, 1e-8])]);
  assert.deepEqual(tensors["b.weight"].shape, [2, 2]);
  assert.deepEqual([...tensors["a.ids"].data], [7, -1, 0]);
  // Names are sorted and offsets contiguous, as the reference writer does.
  const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  assert.deepEqual(header["a.ids"].data_offsets, [0, 12]);
  assert.deepEqual(header["b.weight"].data_offsets, [12, 28]);
  assert.equal((8 + headerLen) % 8, 0);
});

Deno.test("decodeSafetensors() widens F16 and BF16 to F32", () => {
  const header = JSON.stringify({
    h: { dtype: "F16", shape: [2], data_offsets: [0, 4] },
    b: { dtype: "BF16", shape: [1], data_offsets: [4, 6] },
  });
  const hb = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + hb.length + 6);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  dv.setUint16(8 + hb.length, 0x3c00, true); // 1.0
  dv.setUint16(8 + hb.length + 2, 0xc000, true); // -2.0
  dv.setUint16(8 + hb.length + 4, 0x3f80, true); // bf16 1.0
  const { tensors } = decodeSafetensors(out);
  assert.deepEqual([...tensors.h.data], [1, -2]);
  assert.deepEqual([...tensors.b.data], [1]);
});

Deno.test("decodeSafetensors() rejects truncated files, naming the file and tensor", () => {
  const bytes = encodeSafetensors({ w: { dtype: "F32", shape: [4], data: new Float32Array(4) } });
  assert.throws(
    () => decodeSafetensors(bytes.subarray(0, bytes.length - 4), "m.safetensors"),
    (e) => e instanceof InputError && /m\.safetensors: tensor "w"/.test(e.message),
  );
  assert.throws(() => decodeSafetensors(new Uint8Array(3), "x"), /x is truncated/);
});
