import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, webgpuAdapter } from "./backend.ts";
import {
  createTransformer,
  type TransformerConfig,
  type TransformerEncoder,
  type TransformerOptions,
} from "./transformer.ts";
import { referenceEmbed, referenceLoss, tinyBatch, tinyTokenizer } from "./_testing.ts";
import { InputError } from "../util/errors.ts";
import { infoNceFromCosines } from "./infonce.ts";
import { batchCandidates, tripletShape } from "./triplets.ts";
import { skipUnless } from "../util/testing.ts";

const tok = await tinyTokenizer("bert");
const TINY: Partial<TransformerConfig> = {
  numLayers: 2,
  hiddenSize: 32,
  numHeads: 4,
  intermediateSize: 48,
  maxPositions: 40,
};

async function tiny(options: TransformerOptions = {}, config: Partial<TransformerConfig> = {}) {
  return await createTransformer({ ...TINY, ...config }, tok, { seed: 3, ...options });
}

async function weightsOf(model: TransformerEncoder): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(await model.exportWeights())) out[k] = v.data as Float32Array;
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test("embedIds() returns unit rows and a sequence's vector does not depend on its batch's padding", async () => {
  await initBackend();
  const model = await tiny();
  const batch = tinyBatch(tok, 6);
  const all = model.embedIds(batch.passages);
  assert.equal(all.length, 6 * 32);
  for (let i = 0; i < 6; i++) {
    const norm = Math.hypot(...all.subarray(i * 32, i * 32 + 32));
    assert.ok(Math.abs(norm - 1) < 1e-5, `row ${i} has norm ${norm}`);
  }
  const alone = model.embedIds([batch.passages[2]]);
  assert.ok(maxAbsDiff(alone, all.subarray(64, 96)) < 1e-5);
  model.dispose();
});

for (const pooling of ["mean", "cls"] as const) {
  Deno.test(`embedIds() matches a float64 reference forward within 1e-4 (${pooling} pooling)`, async () => {
    await initBackend();
    const model = await tiny({}, { pooling, hiddenAct: pooling === "cls" ? "gelu_new" : "gelu" });
    const seqs = tinyBatch(tok, 5).queries;
    const got = model.embedIds(seqs);
    const w = await weightsOf(model);
    seqs.forEach((s, i) => {
      const want = referenceEmbed(model.config, w, s);
      assert.ok(maxAbsDiff(got.subarray(i * 32, i * 32 + 32), want) < 1e-4, `sequence ${i}`);
    });
    model.dispose();
  });
}

for (const hiddenAct of ["gelu", "gelu_new"] as const) {
  Deno.test(`lossAndGradients() matches central differences of the float64 reference loss (${hiddenAct})`, async () => {
    await initBackend();
    const opts = { temperature: 0.05, symmetricWeight: 0.5 };
    const model = await tiny(opts, { numLayers: 1, hiddenAct });
    const batch = tinyBatch(tok, 3);
    const { loss, grads } = model.lossAndGradients(batch);
    const w = await weightsOf(model);
    const ref = (x: Record<string, Float32Array>) =>
      referenceLoss(model.config, x, batch, opts.temperature, opts.symmetricWeight);
    assert.ok(Math.abs(loss - ref(w)) < 1e-4, `loss ${loss} vs ${ref(w)}`);
    const id = batch.queries[0][1];
    const probes: [string, number][] = [
      ["embeddings.word_embeddings.weight", id * 32 + 3],
      ["embeddings.position_embeddings.weight", 2 * 32 + 5],
      ["embeddings.token_type_embeddings.weight", 7],
      ["embeddings.LayerNorm.weight", 4],
      ["encoder.layer.0.attention.self.query.weight", 37],
      ["encoder.layer.0.attention.self.key.bias", 9],
      ["encoder.layer.0.attention.self.value.weight", 100],
      ["encoder.layer.0.attention.output.dense.weight", 222],
      ["encoder.layer.0.intermediate.dense.weight", 300],
      ["encoder.layer.0.output.dense.bias", 11],
      ["encoder.layer.0.output.LayerNorm.bias", 12],
    ];
    for (const [name, i] of probes) {
      const plus = { ...w, [name]: w[name].slice() }, minus = { ...w, [name]: w[name].slice() };
      plus[name][i] += 1e-3;
      minus[name][i] -= 1e-3;
      const fd = (ref(plus) - ref(minus)) / (plus[name][i] - minus[name][i]);
      const g = grads[name][i];
      assert.ok(
        Math.abs(g - fd) < 2e-3 * Math.max(1, Math.abs(fd)),
        `${name}[${i}]: ${g} vs ${fd}`,
      );
    }
    model.dispose();
  });
}

Deno.test("the first trainStep() is AdamW's sign step with decoupled weight decay", async () => {
  await initBackend();
  const lr = 1e-3, wd = 0.1;
  const model = await tiny({ dropout: false, maxGradNorm: 0, weightDecay: wd });
  const batch = tinyBatch(tok, 4);
  const before = await weightsOf(model);
  const { loss, grads } = model.lossAndGradients(batch);
  assert.equal(model.trainStep(batch, { lr }), loss);
  const after = await weightsOf(model);
  for (const name of Object.keys(before)) {
    const decay = name.endsWith(".bias") || name.includes("LayerNorm") ? 0 : wd;
    let worst = 0;
    for (let i = 0; i < before[name].length; i++) {
      const g = grads[name][i];
      const want = before[name][i] * (1 - lr * decay) - lr * g / (Math.abs(g) + 1e-8);
      worst = Math.max(worst, Math.abs(after[name][i] - want));
    }
    assert.ok(worst < 1e-6, `${name}: off by ${worst}`);
  }
  assert.equal(model.step, 1);
  model.dispose();
});

Deno.test("embeddingUpdate 'sparse' leaves rows outside the batch alone; 'dense' decays them", async () => {
  await initBackend();
  const batch = tinyBatch(tok, 2);
  const used = new Set([...batch.queries, ...batch.passages].flatMap((s) => [...s]));
  const unused = [...Array(tok.vocabSize).keys()].find((id) => !used.has(id))!;
  const rows: Record<string, Float32Array> = {};
  for (const mode of ["sparse", "dense"] as const) {
    const model = await tiny({ embeddingUpdate: mode, weightDecay: 0.5, dropout: false });
    const w0 = (await weightsOf(model))["embeddings.word_embeddings.weight"];
    model.trainStep(batch, { lr: 0.01 });
    const w1 = (await weightsOf(model))["embeddings.word_embeddings.weight"];
    rows[mode] = w1.subarray(unused * 32, unused * 32 + 32);
    const row0 = w0.subarray(unused * 32, unused * 32 + 32);
    if (mode === "sparse") assert.deepEqual(rows[mode], row0);
    else assert.ok(maxAbsDiff(rows[mode], row0.map((x) => x * (1 - 0.01 * 0.5))) < 1e-7);
    model.dispose();
  }
});

Deno.test("trainStep() lowers the loss on a repeated batch", async () => {
  await initBackend();
  const model = await tiny({ dropout: false });
  const batch = tinyBatch(tok, 8);
  const first = model.loss(batch);
  for (let i = 0; i < 8; i++) model.trainStep(batch, { lr: 1e-3 });
  const last = model.loss(batch);
  assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
  model.dispose();
});

Deno.test("trainStep(), loss() and embedIds() leave tf.memory().numTensors unchanged", async () => {
  await initBackend();
  const start = tf.memory().numTensors;
  const model = await tiny({ symmetricWeight: 1 });
  const batch = tinyBatch(tok, 4);
  model.trainStep(batch, { lr: 1e-3 }); // creates the AdamW moments
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) model.trainStep(tinyBatch(tok, 4, i), { lr: 1e-3 });
  model.loss(batch);
  model.lossAndGradients(batch);
  model.trainingState();
  for (let i = 0; i < 3; i++) model.embedIds(tinyBatch(tok, 8, i).passages);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  assert.equal(tf.memory().numTensors, start);
});

Deno.test("restoreTrainingState() resumes bit-identically, dropout included", async () => {
  await initBackend();
  const batches = [0, 1, 2, 3, 4].map((i) => tinyBatch(tok, 4, i));
  const a = await tiny({ embeddingUpdate: "sparse" });
  for (const b of batches.slice(0, 3)) a.trainStep(b, { lr: 1e-3 });
  const saved = a.trainingState();
  const lossesA = batches.slice(3).map((b) => a.trainStep(b, { lr: 1e-3 }));
  const b = await tiny({ embeddingUpdate: "sparse" });
  b.trainStep(batches[4], { lr: 0.1 }); // moves b away: all of it must be restored
  b.restoreTrainingState(saved);
  assert.equal(b.step, 3);
  const lossesB = batches.slice(3).map((x) => b.trainStep(x, { lr: 1e-3 }));
  assert.deepEqual(lossesB, lossesA);
  const sa = a.trainingState(), sb = b.trainingState();
  assert.deepEqual(Object.keys(sb.arrays).sort(), Object.keys(sa.arrays).sort());
  for (const k of Object.keys(sa.arrays)) assert.deepEqual(sb.arrays[k], sa.arrays[k], k);
  assert.deepEqual(sb.scalars, { step: 5 });
  a.dispose();
  b.dispose();
});

Deno.test("restoreTrainingState() names a missing or mis-sized array and changes nothing", async () => {
  await initBackend();
  const model = await tiny();
  model.trainStep(tinyBatch(tok, 2), { lr: 1e-3 });
  const state = model.trainingState();
  const name = "adam_v/encoder.layer.1.output.dense.weight";
  const missing = { ...state, arrays: { ...state.arrays } };
  delete missing.arrays[name];
  assert.throws(
    () => model.restoreTrainingState(missing),
    (e) => e instanceof InputError && e.message.includes(name),
  );
  const short = { ...state, arrays: { ...state.arrays, [name]: new Float32Array(3) } };
  assert.throws(() => model.restoreTrainingState(short), /has 3 values, expected \[48,32\]/);
  assert.deepEqual(model.trainingState(), state);
  model.dispose();
});

Deno.test("embedIds() and trainStep() reject bad input with InputError", async () => {
  await initBackend();
  const model = await tiny();
  const bad = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e) => e instanceof InputError && re.test(e.message));
  bad(() => model.embedIds([Int32Array.of(2, 3), new Int32Array(0)]), /sequence 1 is empty/);
  bad(() => model.embedIds([new Int32Array(41)]), /41 ids, more than maxLength 40/);
  bad(
    () => model.embedIds([Int32Array.of(2, 999, 3)]),
    /position 1: token id 999 is outside the vocabulary 0\.\.39/,
  );
  bad(
    () => model.trainStep({ queries: [Int32Array.of(2)], passages: [] }, { lr: 1 }),
    /1 queries and 0 passages/,
  );
  bad(() => model.trainStep(tinyBatch(tok, 2), { lr: NaN }), /lr is NaN/);
  model.dispose();
  assert.throws(() => model.embedIds([Int32Array.of(2, 3)]), /after dispose/);
});

async function trainedOn(backend: string, steps: number, async = false) {
  await initBackend(backend);
  const model = await tiny({ symmetricWeight: 1 });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const batch = tinyBatch(tok, 4, i);
    losses.push(
      async
        ? await model.trainStepAsync(batch, { lr: 1e-3 })
        : model.trainStep(batch, { lr: 1e-3 }),
    );
  }
  const seqs = tinyBatch(tok, 8).passages;
  const vecs = async ? await model.embedIdsAsync(seqs) : model.embedIds(seqs);
  const state = async ? await model.trainingStateAsync() : model.trainingState();
  model.dispose();
  return { losses, vecs, state };
}

Deno.test("wasm and cpu backends agree within 1e-4 over 3 training steps", async () => {
  const cpu = await trainedOn("cpu", 3);
  const wasm = await trainedOn("wasm", 3);
  assert.ok(maxAbsDiff(cpu.losses, wasm.losses) < 1e-4, `${cpu.losses} vs ${wasm.losses}`);
  assert.ok(maxAbsDiff(cpu.vecs, wasm.vecs) < 1e-4);
});

const gpuAdapter = (await webgpuAdapter()) !== undefined;

Deno.test({
  name: "webgpu backend: 3 training steps agree with the cpu backend within 1e-3 (async methods)",
  ignore: skipUnless(gpuAdapter, "a WebGPU adapter (Debian mesa-vulkan-drivers)"),
  async fn() {
    const cpu = await trainedOn("cpu", 3);
    const gpu = await trainedOn("webgpu", 3, true);
    assert.ok(maxAbsDiff(cpu.losses, gpu.losses) < 1e-3, `${cpu.losses} vs ${gpu.losses}`);
    assert.ok(maxAbsDiff(cpu.vecs, gpu.vecs) < 1e-3);
    const model = await tiny();
    assert.throws(() => model.embedIds([Int32Array.of(2, 3)]), /use embedIdsAsync/);
    model.dispose();
    await initBackend("cpu");
  },
});

// ---- hard negatives (triplets) ----------------------------------------------

/** tinyBatch(n) with one hard negative per query: the passages shifted by one, so query
 * i's negative is passage i + 1 — a copy of another query's positive, left out of that
 * query's softmax. */
function tripletBatch(n: number, offset = 0) {
  const batch = tinyBatch(tok, n, offset);
  const negatives = tinyBatch(tok, n, offset + 1).passages;
  return { ...batch, negatives };
}

Deno.test("lossAndGradients() with hard negatives matches central differences of the float64 triplet loss", async () => {
  await initBackend();
  const opts = { temperature: 0.05, symmetricWeight: 0.5 };
  const model = await tiny(opts, { numLayers: 1 });
  const batch = tripletBatch(3);
  const { loss, grads } = model.lossAndGradients(batch);
  const w = await weightsOf(model);
  const ref = (x: Record<string, Float32Array>) =>
    referenceLoss(model.config, x, batch, opts.temperature, opts.symmetricWeight);
  assert.ok(Math.abs(loss - ref(w)) < 1e-4, `loss ${loss} vs ${ref(w)}`);
  // A token that occurs only in the last negative (passage 3 of the tiny set) gets its gradient.
  const inNegatives = new Set(batch.negatives.flatMap((s) => [...s]));
  for (const s of [...batch.queries, ...batch.passages]) for (const id of s) inNegatives.delete(id);
  const id = [...inNegatives][0];
  assert.ok(id !== undefined, "some token occurs only in a negative");
  const probes: [string, number][] = [
    ["embeddings.word_embeddings.weight", id * 32 + 3],
    ["embeddings.word_embeddings.weight", batch.queries[0][1] * 32 + 5],
    ["encoder.layer.0.attention.self.query.weight", 37],
    ["encoder.layer.0.output.dense.bias", 11],
  ];
  for (const [name, i] of probes) {
    const plus = { ...w, [name]: w[name].slice() }, minus = { ...w, [name]: w[name].slice() };
    plus[name][i] += 1e-3;
    minus[name][i] -= 1e-3;
    const fd = (ref(plus) - ref(minus)) / (plus[name][i] - minus[name][i]);
    const g = grads[name][i];
    assert.ok(Math.abs(g - fd) < 2e-3 * Math.max(1, Math.abs(fd)), `${name}[${i}]: ${g} vs ${fd}`);
    assert.ok(Math.abs(fd) > 1e-6, `${name}[${i}]: the probe is not vacuous`);
  }
  model.dispose();
});

Deno.test("loss() with hard negatives equals infoNceFromCosines() over embedIds() and the triplet shape", async () => {
  await initBackend();
  const model = await tiny({ temperature: 0.1, symmetricWeight: 1 });
  const batch = tripletBatch(4, 2);
  const cands = batchCandidates(batch), shape = tripletShape(batch, cands);
  assert.ok(shape.masked !== null, "the batch exercises the mask");
  const q = model.embedIds(batch.queries), p = model.embedIds(cands);
  const n = 4, m = cands.length, d = 32, cos = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < d; k++) cos[i * m + j] += q[i * d + k] * p[j * d + k];
    }
  }
  const want = infoNceFromCosines(cos, shape, { temperature: 0.1, symmetricWeight: 1 });
  const got = model.loss(batch);
  assert.ok(Math.abs(got - want) < 1e-4, `${got} vs ${want}`);
  model.dispose();
});

Deno.test("trainStep() and loss() with hard negatives leave tf.memory().numTensors unchanged", async () => {
  await initBackend();
  const model = await tiny({ symmetricWeight: 1 });
  model.trainStep(tripletBatch(4), { lr: 1e-3 });
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) model.trainStep(tripletBatch(4, i), { lr: 1e-3 });
  model.loss(tripletBatch(4));
  model.lossAndGradients(tripletBatch(3));
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

Deno.test("trainStep() rejects hard negatives that are not one per query, or beside extra passages", async () => {
  await initBackend();
  const model = await tiny();
  const batch = tripletBatch(3);
  const bad = (b: Parameters<typeof model.trainStep>[0], re: RegExp) =>
    assert.throws(
      () => model.trainStep(b, { lr: 1e-3 }),
      (e) => e instanceof InputError && re.test(e.message),
    );
  bad({ ...batch, negatives: batch.negatives.slice(1) }, /3 queries and 2 negatives/);
  bad({ ...batch, passages: tinyBatch(tok, 4).passages }, /expected exactly one passage per query/);
  assert.equal(model.step, 0);
  model.dispose();
});
