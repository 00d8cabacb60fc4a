import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { loadOrtTransformer } from "./ort_encoder.ts";
import { loadTransformer } from "./load_encoder.ts";
import { createTransformer } from "./transformer.ts";
import { tinyTokenizer } from "./_testing.ts";
import { InputError } from "../util/errors.ts";
import { writeStModules } from "./st_modules.ts";
import { readSafetensors, writeSafetensors } from "./safetensors.ts";

/**
 * A tiny checkpoint in `dir`; `roberta`: pad id 1, LayerNorm ε 1e-5, one token type (saved in
 * BERT layout; XLM-R's own layout, positions from 2, is tested against PyTorch in
 * tasks/encode_test.ts).
 */
async function tinyModel(dir: string, roberta: boolean) {
  const m = await createTransformer(
    {
      numLayers: 2,
      hiddenSize: 8,
      numHeads: 2,
      intermediateSize: 16,
      maxPositions: 34,
      ...(roberta ? { positionOffset: 2, padId: 1, layerNormEps: 1e-5, typeVocabSize: 1 } : {}),
    },
    await tinyTokenizer(roberta ? "roberta" : "bert"),
    { seed: 9 },
  );
  await m.save(dir);
  m.dispose();
}

function seqs(n: number): Int32Array[] {
  return Array.from(
    { length: n },
    (_, i) =>
      Int32Array.from(
        { length: 3 + (i * 5) % 11 },
        (_, j) => j === 0 ? 2 : 5 + ((i * 7 + j * 3) % 20),
      ),
  );
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const roberta of [false, true]) {
  Deno.test(`ONNX Runtime encodes a ${roberta ? "pad-id-1" : "BERT"} checkpoint as the tfjs model does (≤ 1e-5), in input order, without leaking tensors`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      await tinyModel(dir, roberta);
      const ref = await loadTransformer(dir);
      const ort = await loadOrtTransformer(dir, { threads: 1, batchSize: 3 });
      const s = seqs(10);
      const want = ref.sentenceEmbeddings(s);
      const before = tf.memory().numTensors;
      const got = ort.sentenceEmbeddings(s);
      assert.equal(tf.memory().numTensors, before);
      assert.ok(maxDiff(got, want) <= 1e-5, `max |diff| ${maxDiff(got, want)}`);
      // One at a time: the same rows (padding does not leak into the result).
      const one = ort.sentenceEmbeddings([s[7]]);
      assert.ok(maxDiff(one, got.subarray(7 * ort.dim, 8 * ort.dim)) <= 1e-5);
      ort.dispose();
      ref.dispose();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("ONNX Runtime runs the folder's head: mean+max pooling, Dense (tanh) and Normalize", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await tinyModel(dir, false);
    const weight = Float32Array.from({ length: 6 * 16 }, (_, i) => Math.sin(i) / 4);
    const bias = Float32Array.from({ length: 6 }, (_, i) => i / 10);
    await writeStModules(dir, {
      hiddenSize: 8,
      pooling: ["mean", "max"],
      dense: [{
        spec: { inFeatures: 16, outFeatures: 6, bias: true, activation: "tanh" },
        weight,
        bias,
      }],
      normalize: true,
      maxSeqLength: 16,
      doLowerCase: false,
      prompts: { query: "query: ", passage: "" },
    });
    const ref = await loadTransformer(dir);
    const ort = await loadOrtTransformer(dir, { threads: 1 });
    assert.equal(ort.dim, 6);
    assert.equal(ort.maxLength, 16);
    assert.equal(ort.prompts.query, "query: ");
    const s = seqs(6);
    assert.ok(maxDiff(ort.sentenceEmbeddings(s), ref.sentenceEmbeddings(s)) <= 1e-5);
    ort.dispose();
    ref.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ONNX Runtime reads F16 weights (cast once to float)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await tinyModel(dir, false);
    const path = join(dir, "model.safetensors");
    const { tensors } = await readSafetensors(path);
    // Rewrite the checkpoint with every weight rounded to F16 (bytes written by hand).
    const f16 = (x: number) => {
      const f = new Float32Array([x]), u = new Uint32Array(f.buffer)[0];
      const s = (u >>> 16) & 0x8000, e = ((u >>> 23) & 0xff) - 127 + 15, m = (u >>> 13) & 0x3ff;
      return e <= 0 ? s : e >= 31 ? s | 0x7c00 : s | (e << 10) | m;
    };
    const back = (h: number) => {
      const e = (h >> 10) & 0x1f, m = h & 0x3ff, s = h & 0x8000 ? -1 : 1;
      return e === 0 ? s * 2 ** -14 * (m / 1024) : s * 2 ** (e - 15) * (1 + m / 1024);
    };
    const header: Record<string, unknown> = {};
    const blobs: Uint8Array[] = [];
    let off = 0;
    const rounded: Record<string, { dtype: string; shape: number[]; data: Float32Array }> = {};
    for (const [k, t] of Object.entries(tensors)) {
      const h = Uint16Array.from(t.data as Float32Array, f16);
      blobs.push(new Uint8Array(h.buffer));
      header[k] = { dtype: "F16", shape: t.shape, data_offsets: [off, off + h.byteLength] };
      off += h.byteLength;
      rounded[k] = { dtype: "F32", shape: t.shape, data: Float32Array.from(h, back) };
    }
    let json = JSON.stringify(header);
    json += " ".repeat((8 - (json.length % 8)) % 8);
    const head = new Uint8Array(8);
    new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
    await Deno.writeFile(
      path,
      new Uint8Array([...head, ...new TextEncoder().encode(json), ...blobs.flatMap((b) => [...b])]),
    );
    const f32Dir = await Deno.makeTempDir();
    for (const f of ["config.json", "tokenizer.json"]) {
      await Deno.copyFile(join(dir, f), join(f32Dir, f));
    }
    await writeSafetensors(join(f32Dir, "model.safetensors"), rounded);
    const ref = await loadTransformer(f32Dir);
    const ort = await loadOrtTransformer(dir, { threads: 1 });
    const s = seqs(4);
    assert.ok(maxDiff(ort.embedIds(s), ref.embedIds(s)) <= 1e-5);
    ort.dispose();
    ref.dispose();
    await Deno.remove(f32Dir, { recursive: true });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ONNX Runtime encoder: clear errors for bad ids and use after dispose", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await tinyModel(dir, false);
    const ort = await loadOrtTransformer(dir, { threads: 1, maxLength: 8 });
    assert.throws(
      () => ort.embedIds([Int32Array.of(2, 99999)]),
      (e: Error) => e instanceof InputError && /position 1: token id 99999/.test(e.message),
    );
    assert.throws(
      () => ort.embedIds([new Int32Array(9).fill(5)]),
      (e: Error) => e instanceof InputError && /more than maxLength 8/.test(e.message),
    );
    assert.throws(() => ort.embedIds([new Int32Array(0)]), InputError);
    ort.dispose();
    assert.throws(() => ort.embedIds([Int32Array.of(2, 3)]), /after dispose/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
