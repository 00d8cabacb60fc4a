import assert from "node:assert/strict";
import { join } from "node:path";
import type { PairBatch, StepOptions, TrainableEncoder } from "../model/encoder.ts";
import { InputError } from "../util/errors.ts";
import type { TrainConfig } from "./config.ts";
import { train, TrainingDivergedError } from "./trainer.ts";
import { testConfig, testSetup } from "./_testing.ts";

const config = testConfig;
const setup = testSetup;

async function run(
  c: TrainConfig,
  outDir: string,
  extra: { resume?: boolean; stopAfter?: number } = {},
) {
  const { model, data } = await setup(c);
  return await train({ config: c, outDir, model, data, backend: "js", progress: false, ...extra });
}

const weights = (dir: string) => Deno.readFile(join(dir, "model", "model.safetensors"));

Deno.test("train() is deterministic and resumes bit-identically after --stop-after", async () => {
  const c = config();
  const a = await Deno.makeTempDir();
  const b = await Deno.makeTempDir();
  const r = await Deno.makeTempDir();
  const ra = await run(c, a);
  await run(c, b);
  assert.equal(ra.status, "finished");
  assert.equal(ra.steps, 24); // floor(64 / 8) = 8 batches × 3 epochs
  assert.deepEqual(await weights(a), await weights(b));

  const stopped = await run(c, r, { stopAfter: 7 });
  assert.equal(stopped.status, "interrupted");
  assert.equal(stopped.steps, 7);
  const resumed = await run(c, r, { resume: true });
  assert.equal(resumed.steps, 24);
  assert.deepEqual(await weights(r), await weights(a));
  assert.deepEqual(
    await Deno.readFile(join(r, "checkpoint.safetensors")),
    await Deno.readFile(join(a, "checkpoint.safetensors")),
  );
  // The log holds each step once (the resumed run rewrote what came after the checkpoint).
  const steps = (await Deno.readTextFile(join(r, "train_log.jsonl"))).trim().split("\n")
    .map((l) => JSON.parse(l)).filter((e) => "loss" in e).map((e) => e.step);
  assert.deepEqual(steps, [...new Set(steps)].sort((x, y) => x - y));
  const runJson = JSON.parse(await Deno.readTextFile(join(r, "run.json")));
  assert.equal(runJson.resumed_from_step, 7);
  assert.equal(runJson.backend, "js");
});

Deno.test("train() refuses to overwrite a run without resume, and a resume under another config", async () => {
  const dir = await Deno.makeTempDir();
  await run(config(), dir, { stopAfter: 3 });
  await assert.rejects(
    () => run(config(), dir),
    (e) => e instanceof InputError && /already holds a training run/.test(e.message),
  );
  await assert.rejects(
    () => run(config({ optim: { lr: 0.01 } }), dir, { resume: true }),
    (e) => e instanceof InputError && /another config/.test(e.message),
  );
});

Deno.test("train() stops early when the validation loss stops improving", async () => {
  // A learning rate so small that validation barely moves: patience 1 stops at the second evaluation.
  const c = config({
    optim: { lr: 1e-9 },
    train: { epochs: 50, evalEvery: 4, logEvery: 4, valBatches: 2, patience: 1 },
  });
  const dir = await Deno.makeTempDir();
  const r = await run(c, dir);
  assert.equal(r.status, "early_stopped");
  assert.ok(r.steps < 50 * 8);
  assert.equal(r.bestStep, 4);
});

/** Delegates to a real encoder, but reports a NaN loss from step `at` on. */
class DivergingEncoder {
  #steps = 0;
  constructor(readonly inner: TrainableEncoder, readonly at: number) {}
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
  loss(b: PairBatch) {
    return this.inner.loss(b);
  }
  trainingState() {
    return this.inner.trainingState();
  }
  restoreTrainingState(s: Parameters<TrainableEncoder["restoreTrainingState"]>[0]) {
    this.inner.restoreTrainingState(s);
  }
  trainStep(b: PairBatch, o: StepOptions) {
    return ++this.#steps >= this.at ? NaN : this.inner.trainStep(b, o);
  }
}

Deno.test("train() stops on a NaN loss with a clear error and keeps the last good checkpoint", async () => {
  const c = config();
  const { model, data } = await setup(c);
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () =>
      train({
        config: c,
        outDir: dir,
        model: new DivergingEncoder(model, 8),
        data,
        backend: "js",
        progress: false,
        checkpointSeconds: 0,
      }),
    (e) => e instanceof TrainingDivergedError && /loss became NaN at step 8/.test(e.message),
  );
  const { loadCheckpoint } = await import("./checkpoint.ts");
  assert.equal((await loadCheckpoint(dir))!.loop.step, 5);
});
