import assert from "node:assert/strict";
import { join } from "node:path";
import type { ParallelExample } from "../data/types.ts";
import { promptsOf, tokenizeWithPrefix } from "../model/encoder.ts";
import type { PairBatch, StepOptions, TrainableEncoder } from "../model/encoder.ts";
import { InputError } from "../util/errors.ts";
import type { TrainConfig } from "./config.ts";
import { ictHardNegatives } from "./hard_negatives.ts";
import { configSampler } from "./sampler.ts";
import { train, type TrainingSet } from "./trainer.ts";
import { testConfig, testSetup } from "./_testing.ts";

/** Delegates to a real encoder and records every batch it is given. */
class RecordingEncoder implements TrainableEncoder {
  steps: PairBatch[] = [];
  losses: PairBatch[] = [];
  constructor(readonly inner: TrainableEncoder) {}
  get architecture() {
    return this.inner.architecture;
  }
  get dim() {
    return this.inner.dim;
  }
  get maxLength() {
    return this.inner.maxLength;
  }
  get tokenizer() {
    return this.inner.tokenizer;
  }
  embedIds(s: Int32Array[]) {
    return this.inner.embedIds(s);
  }
  save(d: string) {
    return this.inner.save(d);
  }
  dispose() {
    this.inner.dispose();
  }
  trainingState() {
    return this.inner.trainingState();
  }
  restoreTrainingState(s: Parameters<TrainableEncoder["restoreTrainingState"]>[0]) {
    this.inner.restoreTrainingState(s);
  }
  trainStep(batch: PairBatch, options: StepOptions): number {
    this.steps.push(batch);
    return this.inner.trainStep(batch, options);
  }
  loss(batch: PairBatch): number {
    this.losses.push(batch);
    return this.inner.loss(batch);
  }
}

/** The test setup with BM25 negatives mined over the synthetic examples. */
async function tripletSetup(c: TrainConfig) {
  const { model, data } = await testSetup(c);
  const mine = (examples: ParallelExample[]) =>
    ictHardNegatives(examples, model.tokenizer).examples;
  const set: TrainingSet = { ...data, train: mine(data.train), valid: mine(data.valid) };
  return { model: new RecordingEncoder(model), set };
}

const ids = (
  model: TrainableEncoder,
  text: string,
  role: "query" | "passage",
) => [...tokenizeWithPrefix(model.tokenizer, [text], role, model.maxLength, promptsOf(model))[0]];

Deno.test("train() with hard negatives: every batch (training and validation) holds the passage language's negative of each item", async () => {
  const c = testConfig({
    train: { epochs: 2, evalEvery: 4, logEvery: 2, valBatches: 2, patience: 0 },
  });
  const { model, set } = await tripletSetup(c);
  const dir = await Deno.makeTempDir();
  const result = await train({
    config: c,
    outDir: dir,
    model,
    data: set,
    backend: "js",
    progress: false,
  });
  assert.equal(result.status, "finished");
  // The batches of the run, in order, re-drawn from the sampler of the run's config.
  const sampler = configSampler(set.train, set.languages, c.sampling, c.seed);
  const expected = [0, 1].flatMap((epoch) => [...sampler.batches(epoch)]);
  assert.equal(model.steps.length, expected.length);
  let crossLingual = 0;
  expected.forEach((b, s) => {
    const got = model.steps[s];
    assert.equal(got.negatives?.length, b.items.length, `step ${s}: one negative per query`);
    b.items.forEach((it, i) => {
      const t = set.train[it.example].texts;
      assert.deepEqual([...got.queries[i]], ids(model, t[it.queryLang].query, "query"));
      assert.deepEqual([...got.passages[i]], ids(model, t[it.passageLang].passage, "passage"));
      // (q_X, d⁺_Y) gets the negative mined in Y (with q_Y), tokenized as a passage.
      assert.deepEqual([...got.negatives![i]], ids(model, t[it.passageLang].negative!, "passage"));
      if (it.queryLang !== it.passageLang) crossLingual++;
    });
  });
  assert.ok(crossLingual > 0, "the run had X-Y items");
  assert.ok(model.losses.length > 0, "validation ran");
  for (const b of model.losses) assert.equal(b.negatives?.length, b.queries.length);
  const run = JSON.parse(await Deno.readTextFile(join(dir, "run.json")));
  assert.equal(run.result.status, "finished");
  model.dispose();
});

Deno.test("train() without hard negatives gives batches without a negatives field (unchanged)", async () => {
  const c = testConfig({
    train: { epochs: 1, evalEvery: 4, logEvery: 2, valBatches: 1, patience: 0 },
  });
  const { model: inner, data } = await testSetup(c);
  const model = new RecordingEncoder(inner);
  await train({
    config: c,
    outDir: await Deno.makeTempDir(),
    model,
    data,
    backend: "js",
    progress: false,
  });
  assert.ok(model.steps.length > 0);
  for (const b of [...model.steps, ...model.losses]) assert.equal("negatives" in b, false);
  model.dispose();
});

Deno.test("train() refuses a training set where only some examples carry hard negatives", async () => {
  const c = testConfig({
    train: { epochs: 1, evalEvery: 4, logEvery: 2, valBatches: 0, patience: 0 },
  });
  const { model, set } = await tripletSetup(c);
  // Example 5 loses its negatives (every example is in some batch of the epoch).
  const e = set.train[5];
  const bare = Object.entries(e.texts).map(([l, t]) => [l, { query: t.query, passage: t.passage }]);
  set.train[5] = { ...e, texts: Object.fromEntries(bare) };
  const outDir = await Deno.makeTempDir();
  await assert.rejects(
    () =>
      train({
        config: c,
        outDir,
        model,
        data: set,
        backend: "js",
        progress: false,
      }),
    (e) => e instanceof InputError && /example ex5 has no hard negative in (de|en)/.test(e.message),
  );
  model.dispose();
});

Deno.test('train() with crossPairs "per-batch": each X-Y batch has one language pair', async () => {
  const c = testConfig({
    sampling: { alpha: 0, batchSize: 8, crossPairs: "per-batch" },
    train: { epochs: 1, evalEvery: 4, logEvery: 2, valBatches: 2, patience: 0 },
  });
  const { model: inner, data } = await testSetup(c);
  const model = new RecordingEncoder(inner);
  const result = await train({
    config: c,
    outDir: await Deno.makeTempDir(),
    model,
    data,
    backend: "js",
    progress: false,
  });
  assert.equal(result.steps, 8);
  const sampler = configSampler(data.train, data.languages, c.sampling, c.seed);
  for (const b of sampler.batches(0)) {
    assert.equal(new Set(b.items.map((it) => `${it.queryLang}>${it.passageLang}`)).size, 1);
  }
  assert.ok(model.losses.length > 0, "validation batches were built for per-batch pairs");
  model.dispose();
});

Deno.test("train() with hard negatives resumes bit-identically after --stop-after", async () => {
  const c = testConfig({
    train: { epochs: 2, evalEvery: 4, logEvery: 2, valBatches: 2, patience: 0 },
  });
  const run = async (dir: string, extra: { resume?: boolean; stopAfter?: number } = {}) => {
    const { model, set } = await tripletSetup(c);
    try {
      return await train({
        config: c,
        outDir: dir,
        model,
        data: set,
        backend: "js",
        progress: false,
        ...extra,
      });
    } finally {
      model.dispose();
    }
  };
  const whole = await Deno.makeTempDir(), split = await Deno.makeTempDir();
  await run(whole);
  assert.equal((await run(split, { stopAfter: 5 })).status, "interrupted");
  assert.equal((await run(split, { resume: true })).steps, 16);
  const weights = (dir: string) => Deno.readFile(join(dir, "model", "model.safetensors"));
  assert.deepEqual(await weights(split), await weights(whole));
});
