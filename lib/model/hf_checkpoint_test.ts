import assert from "node:assert/strict";
import { join } from "node:path";
import { initBackend } from "./backend.ts";
import { loadEncoder, loadTransformer } from "./load_encoder.ts";
import { type NamedTensor, readSafetensors, writeSafetensors } from "./safetensors.ts";
import {
  type TransformerConfig,
  transformerConfig,
  TransformerEncoder,
  transformerParamShapes,
} from "./transformer.ts";
import { referenceEmbed, tinyBatch, tinyTokenizer, tinyTokenizerJson } from "./_testing.ts";
import { InputError } from "../util/errors.ts";
import type { Encoder } from "./encoder.ts";
import { createStaticEncoder } from "./static_encoder.ts";

/** `bert-noprefix`: `BertModel` names; `bert-gamma`: LayerNorm gamma/beta as in old TF-converted files. */
type Layout = "bert" | "bert-noprefix" | "bert-gamma" | "roberta";

const LINEAR = /\.(query|key|value|dense)\.weight$/;

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    a ^= a + Math.imul(a ^ (a >>> 7), a | 61);
    return ((a ^ (a >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

function configFor(layout: Layout): TransformerConfig {
  const roberta = layout === "roberta";
  return transformerConfig({
    vocabSize: 40,
    hiddenSize: 16,
    numLayers: 1,
    numHeads: 2,
    intermediateSize: 24,
    maxPositions: roberta ? 34 : 32,
    positionOffset: roberta ? 2 : 0,
    typeVocabSize: roberta ? 1 : 2,
    layerNormEps: roberta ? 1e-5 : 1e-12,
    padId: roberta ? 1 : 0,
  });
}

/** Random weights (every tensor non-trivial, so a wrong transpose or offset shows). */
function randomWeights(c: TransformerConfig, seed: number): Record<string, Float32Array> {
  const r = rng(seed);
  const out: Record<string, Float32Array> = {};
  for (const [name, shape] of transformerParamShapes(c)) {
    const a = new Float32Array(shape.reduce((x, y) => x * y, 1));
    for (let i = 0; i < a.length; i++) {
      a[i] = name.endsWith("LayerNorm.weight") ? 1 + 0.4 * r() : 0.8 * r();
    }
    out[name] = a;
  }
  return out;
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/** Writes a Hugging Face folder the way `transformers` lays it out; returns the weights. */
async function writeCheckpoint(dir: string, layout: Layout, seed = 1) {
  const c = configFor(layout);
  const w = randomWeights(c, seed);
  const prefix = layout === "roberta" ? "roberta." : layout === "bert-noprefix" ? "" : "bert.";
  const tensors: Record<string, NamedTensor> = {};
  for (const [name, shape] of transformerParamShapes(c)) {
    const key = layout === "bert-gamma"
      ? name.replace(/LayerNorm\.weight$/, "LayerNorm.gamma").replace(
        /LayerNorm\.bias$/,
        "LayerNorm.beta",
      )
      : name;
    tensors[prefix + key] = LINEAR.test(name)
      ? { dtype: "F32", shape: [shape[1], shape[0]], data: transpose(w[name], shape[0], shape[1]) }
      : { dtype: "F32", shape, data: w[name] };
  }
  const r = rng(seed + 7);
  tensors[`${prefix}pooler.dense.weight`] = {
    dtype: "F32",
    shape: [16, 16],
    data: Float32Array.from({ length: 256 }, r),
  };
  tensors[`${prefix}pooler.dense.bias`] = { dtype: "F32", shape: [16], data: new Float32Array(16) };
  tensors[`${prefix}embeddings.position_ids`] = {
    dtype: "I32",
    shape: [1, c.maxPositions],
    data: Int32Array.from({ length: c.maxPositions }, (_, i) => i),
  };
  tensors["cls.predictions.bias"] = { dtype: "F32", shape: [40], data: new Float32Array(40) };
  await Deno.mkdir(dir, { recursive: true });
  await writeSafetensors(join(dir, "model.safetensors"), tensors, { format: "pt" });
  const roberta = layout === "roberta";
  await Deno.writeTextFile(
    join(dir, "config.json"),
    JSON.stringify({
      architectures: [roberta ? "XLMRobertaModel" : "BertModel"],
      model_type: roberta ? "xlm-roberta" : "bert",
      vocab_size: 40,
      hidden_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 24,
      hidden_act: "gelu",
      max_position_embeddings: c.maxPositions,
      type_vocab_size: c.typeVocabSize,
      layer_norm_eps: c.layerNormEps,
      pad_token_id: c.padId,
      ...(roberta ? { bos_token_id: 0, eos_token_id: 2 } : {}),
    }),
  );
  await Deno.writeTextFile(
    join(dir, "tokenizer.json"),
    tinyTokenizerJson(roberta ? "roberta" : "bert"),
  );
  return { config: c, weights: w };
}

function embedAll(model: Encoder): Float32Array {
  return model.embedIds(tinyBatch(model.tokenizer, 8).passages);
}

for (const layout of ["bert", "bert-noprefix", "bert-gamma", "roberta"] as const) {
  Deno.test(`loadEncoder() reads a ${layout} checkpoint; its vectors match a float64 reference within 1e-4`, async () => {
    await initBackend();
    const dir = await Deno.makeTempDir();
    const { config, weights } = await writeCheckpoint(dir, layout);
    const model = await loadEncoder(dir);
    assert.ok(model instanceof TransformerEncoder);
    assert.equal(model.config.positionOffset, layout === "roberta" ? 2 : 0);
    assert.equal(model.maxLength, 32);
    assert.deepEqual(Object.keys(model.extras).sort(), [
      "pooler.dense.bias",
      "pooler.dense.weight",
    ]);
    const seqs = tinyBatch(model.tokenizer, 8).passages;
    const got = model.embedIds(seqs);
    seqs.forEach((s, i) => {
      const want = referenceEmbed(config, weights, s);
      let worst = 0;
      for (let k = 0; k < 16; k++) worst = Math.max(worst, Math.abs(got[i * 16 + k] - want[k]));
      assert.ok(worst < 1e-4, `sequence ${i}: off by ${worst}`);
    });
    model.dispose();
  });

  Deno.test(`save() writes BERT layout from a ${layout} checkpoint; reloading gives identical vectors`, async () => {
    await initBackend();
    const src = await Deno.makeTempDir(), out = await Deno.makeTempDir();
    await writeCheckpoint(src, layout);
    const a = await loadEncoder(src);
    await a.save(out);
    const b = await loadEncoder(out);
    assert.deepEqual(embedAll(b), embedAll(a));
    const config = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
    assert.equal(config.model_type, "bert");
    assert.deepEqual(config.architectures, ["BertModel"]);
    assert.equal(config.max_position_embeddings, 32);
    assert.equal(config.type_vocab_size, layout === "roberta" ? 1 : 2);
    assert.equal(config.pad_token_id, layout === "roberta" ? 1 : 0);
    const { tensors, metadata } = await readSafetensors(join(out, "model.safetensors"));
    assert.equal(metadata.format, "pt");
    assert.deepEqual(tensors["encoder.layer.0.intermediate.dense.weight"].shape, [24, 16]);
    assert.deepEqual(tensors["embeddings.position_embeddings.weight"].shape, [32, 16]);
    assert.ok(tensors["pooler.dense.weight"]);
    assert.ok(!Object.keys(tensors).some((k) => k.startsWith("bert.") || k.startsWith("roberta.")));
    assert.equal(await Deno.readTextFile(join(out, "tokenizer.json")), a.tokenizer.json);
    const pooling = JSON.parse(await Deno.readTextFile(join(out, "1_Pooling", "config.json")));
    assert.equal(pooling.pooling_mode_mean_tokens, true);
    a.dispose();
    b.dispose();
  });
}

Deno.test("a trained transformer saved and reloaded embeds identically", async () => {
  await initBackend();
  const src = await Deno.makeTempDir(), out = await Deno.makeTempDir();
  await writeCheckpoint(src, "roberta");
  const model = await loadTransformer(src, { dropout: false });
  for (let i = 0; i < 2; i++) model.trainStep(tinyBatch(model.tokenizer, 4, i), { lr: 1e-2 });
  await model.save(out);
  const again = await loadTransformer(out);
  assert.deepEqual(embedAll(again), embedAll(model));
  model.dispose();
  again.dispose();
});

Deno.test("loadTransformer() takes CLS pooling from the Pooling module modules.json names", async () => {
  await initBackend();
  const dir = await Deno.makeTempDir();
  const { config, weights } = await writeCheckpoint(dir, "bert");
  await Deno.mkdir(join(dir, "1_Pooling"));
  await Deno.writeTextFile(
    join(dir, "modules.json"),
    JSON.stringify([
      { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
      { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
    ]),
  );
  await Deno.writeTextFile(
    join(dir, "1_Pooling", "config.json"),
    JSON.stringify({
      word_embedding_dimension: 16,
      pooling_mode_cls_token: true,
      pooling_mode_mean_tokens: false,
    }),
  );
  const model = await loadTransformer(dir);
  assert.equal(model.config.pooling, "cls");
  const s = tinyBatch(model.tokenizer, 1).queries[0];
  const want = referenceEmbed({ ...config, pooling: "cls" }, weights, s);
  const got = model.embedIds([s]);
  for (let k = 0; k < 16; k++) assert.ok(Math.abs(got[k] - want[k]) < 1e-4);
  model.dispose();
});

async function rejects(dir: string, re: RegExp) {
  await assert.rejects(
    () => loadEncoder(dir),
    (e) => e instanceof InputError && re.test(e.message),
  );
}

Deno.test("loadEncoder() names a missing folder, file, tensor or a shape mismatch", async () => {
  await initBackend();
  const tmp = await Deno.makeTempDir();
  await rejects(join(tmp, "nope"), /Cannot load model: .*nope/);
  await Deno.mkdir(join(tmp, "empty"));
  await rejects(join(tmp, "empty"), /Cannot read model config: .*empty\/config\.json/);

  const dir = join(tmp, "m");
  await writeCheckpoint(dir, "bert");
  const path = join(dir, "model.safetensors");
  const { tensors } = await readSafetensors(path);

  const missing = { ...tensors };
  delete missing["bert.encoder.layer.0.attention.self.key.bias"];
  await writeSafetensors(path, missing);
  await rejects(dir, /tensor "bert\.encoder\.layer\.0\.attention\.self\.key\.bias" is missing/);

  const wrong = {
    ...tensors,
    "bert.encoder.layer.0.output.dense.weight": {
      dtype: "F32",
      shape: [24, 16],
      data: new Float32Array(384),
    },
  };
  await writeSafetensors(path, wrong);
  await rejects(
    dir,
    /"bert\.encoder\.layer\.0\.output\.dense\.weight" has shape \[24,16\] \(F32\), expected \[16,24\]/,
  );

  await Deno.remove(path);
  await rejects(dir, /Cannot read .*model\.safetensors/);

  const config = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
  await Deno.writeTextFile(
    join(dir, "config.json"),
    JSON.stringify({ ...config, model_type: "gpt2" }),
  );
  await rejects(
    dir,
    /model_type is "gpt2", expected one of bert, xlm-roberta, roberta, xlir-static/,
  );
  await Deno.writeTextFile(
    join(dir, "config.json"),
    JSON.stringify({ ...config, hidden_size: "16" }),
  );
  await rejects(dir, /hidden_size is "16", expected an integer/);
});

Deno.test("loadEncoder() dispatches model_type xlir-static to the static encoder", async () => {
  const dir = await Deno.makeTempDir();
  const tok = await tinyTokenizer("bert");
  const enc = createStaticEncoder({ tokenizer: tok, dim: 8, seed: 1 });
  await enc.save(dir);
  const loaded = await loadEncoder(dir);
  assert.equal(loaded.architecture, "static");
  const seqs = tinyBatch(tok, 2).queries;
  assert.deepEqual(loaded.embedIds(seqs), enc.embedIds(seqs));
});
