/**
 * The training loop under faults: NaN losses, kills at any moment (real
 * SIGKILLs of a training subprocess), a model save interrupted between the
 * checkpoint and the swap, a deleted or corrupted model or checkpoint, and
 * two runs into one directory.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { TrainableEncoder } from "../model/encoder.ts";
import { verifyChecksums } from "../util/checksums.ts";
import { InputError, OutputError } from "../util/errors.ts";
import { exists, listDir } from "../util/testing.ts";
import { setWriteFault } from "../util/write_faults.ts";
import { checkpointPath, loadCheckpoint } from "./checkpoint.ts";
import type { TrainConfig } from "./config.ts";
import { train, TrainingDivergedError, type TrainOptions } from "./trainer.ts";
import { testConfig, testSetup } from "./_testing.ts";

async function run(
  c: TrainConfig,
  outDir: string,
  extra: Partial<TrainOptions> = {},
  wrap: (m: TrainableEncoder) => TrainableEncoder = (m) => m,
) {
  const { model, data } = await testSetup(c);
  return await train({
    config: c,
    outDir,
    model: wrap(model),
    data,
    backend: "js",
    progress: false,
    ...extra,
  });
}

const weights = (dir: string) => Deno.readFile(join(dir, "model", "model.safetensors"));

/** The model and checkpoint of an uninterrupted run of the test config. */
const reference = (async () => {
  const dir = await Deno.makeTempDir();
  await run(testConfig(), dir);
  return { weights: await weights(dir), checkpoint: await Deno.readFile(checkpointPath(dir)) };
})();

/** Wraps an encoder so that its loss is NaN from training step `at` on. */
function divergingAt(at: number) {
  return (inner: TrainableEncoder): TrainableEncoder => {
    let steps = 0;
    return new Proxy(inner, {
      get(target, p) {
        if (p === "trainStep") {
          return (...args: Parameters<TrainableEncoder["trainStep"]>) =>
            ++steps >= at ? NaN : target.trainStep(...args);
        }
        const v = Reflect.get(target, p);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  };
}

Deno.test("a NaN loss before any checkpoint says that nothing was kept", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => run(testConfig(), dir, {}, divergingAt(3)),
    (e) =>
      e instanceof TrainingDivergedError &&
      /loss became NaN at step 3 .*; no checkpoint had been written yet, so no training state of this run is kept\. Try/
        .test(e.message),
  );
  assert.equal(await loadCheckpoint(dir), null);
  assert.ok(!exists(join(dir, "model")));
});

Deno.test("a NaN loss after a checkpoint names its step and the best model kept", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => run(testConfig(), dir, {}, divergingAt(8)),
    (e) =>
      e instanceof TrainingDivergedError &&
      e.message.includes(
        `the last checkpoint (step 5) is kept in ${checkpointPath(dir)}, and the best model ` +
          `so far (step 5) in ${join(dir, "model")}`,
      ),
  );
  assert.equal((await loadCheckpoint(dir))!.loop.step, 5);
  assert.ok(await verifyChecksums(join(dir, "model"), "model"));
});

Deno.test("a resume whose model/ was deleted rebuilds it when the checkpoint holds the best weights", async () => {
  const dir = await Deno.makeTempDir();
  await run(testConfig(), dir, { stopAfter: 5 }); // checkpoint at the evaluation of step 5
  await Deno.remove(join(dir, "model"), { recursive: true });
  const r = await run(testConfig(), dir, { resume: true });
  assert.equal(r.status, "finished");
  assert.ok(r.notes!.some((n) => /rebuilt .*model from the checkpoint/.test(n)), r.notes!.join());
  assert.deepEqual(await weights(dir), (await reference).weights);
});

Deno.test("a resume whose model/ was deleted and cannot be rebuilt is refused, not 'finished'", async () => {
  const dir = await Deno.makeTempDir();
  await run(testConfig(), dir, { stopAfter: 7 }); // best model of step 5, weights of step 7
  await Deno.remove(join(dir, "model"), { recursive: true });
  await assert.rejects(
    () => run(testConfig(), dir, { resume: true }),
    (e) =>
      e instanceof InputError &&
      e.message.startsWith(`Cannot resume: ${join(dir, "model")} is missing or changed`) &&
      /best model is of step 5, the checkpoint's weights of step 7/.test(e.message),
  );
  const runJson = JSON.parse(await Deno.readTextFile(join(dir, "run.json")));
  assert.equal(runJson.result.status, "interrupted", "nothing claims the run finished");
});

Deno.test("a resume with a changed model file is refused the same way", async () => {
  const dir = await Deno.makeTempDir();
  await run(testConfig(), dir, { stopAfter: 7 });
  const w = await weights(dir);
  w[w.length - 1] ^= 1;
  await Deno.writeFile(join(dir, "model", "model.safetensors"), w);
  await assert.rejects(() => run(testConfig(), dir, { resume: true }), /is missing or changed/);
});

Deno.test("a save interrupted between the checkpoint and the model swap is finished on resume", async () => {
  const dir = await Deno.makeTempDir();
  setWriteFault(`${dir}/model$`); // the swap of model/ fails; files and checkpoint are written
  try {
    await assert.rejects(() => run(testConfig(), dir), OutputError);
  } finally {
    setWriteFault(null);
  }
  assert.ok(!exists(join(dir, "model")));
  assert.ok(exists(join(dir, "model.pending")));
  assert.equal((await loadCheckpoint(dir))!.loop.step, 5);
  const r = await run(testConfig(), dir, { resume: true });
  assert.ok(r.notes!.some((n) => /finished saving/.test(n)), r.notes!.join());
  assert.deepEqual(await weights(dir), (await reference).weights);
  assert.ok(!exists(join(dir, "model.pending")));
});

Deno.test("a corrupted checkpoint is refused on resume, naming the file", async () => {
  const dir = await Deno.makeTempDir();
  await run(testConfig(), dir, { stopAfter: 7 });
  const bytes = await Deno.readFile(checkpointPath(dir));
  bytes[bytes.length - 3] ^= 0x10;
  await Deno.writeFile(checkpointPath(dir), bytes);
  await assert.rejects(
    () => run(testConfig(), dir, { resume: true }),
    (e) => e instanceof InputError && e.message.startsWith(`${checkpointPath(dir)} is corrupted`),
  );
});

/** Wraps an encoder so that each training step takes `ms` milliseconds longer. */
function slowedBy(ms: number) {
  return (inner: TrainableEncoder): TrainableEncoder =>
    new Proxy(inner, {
      get(target, p) {
        if (p === "trainStepAsync") {
          return async (...args: Parameters<TrainableEncoder["trainStep"]>) => {
            await new Promise((r) => setTimeout(r, ms));
            return target.trainStep(...args);
          };
        }
        const v = Reflect.get(target, p);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
}

Deno.test("two runs into one directory: the second is refused while the first writes", async () => {
  const dir = await Deno.makeTempDir();
  const first = run(testConfig(), dir, {}, slowedBy(5));
  // The lock file holds its holder once written (an empty one reads "another process").
  const holder = () =>
    exists(`${dir}.lock`) && Deno.readTextFileSync(`${dir}.lock`).includes("pid");
  while (!holder()) await new Promise((r) => setTimeout(r, 1));
  await assert.rejects(
    () => run(testConfig({ optim: { lr: 0.01 } }), dir),
    (e) => e instanceof OutputError && e.message.startsWith(`${dir} is in use by pid ${Deno.pid}`),
  );
  await first;
  assert.deepEqual(await weights(dir), (await reference).weights);
});

Deno.test("a second run into a finished run's directory is refused, also without a checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  await run(testConfig(), dir, { finalCheckpoint: false, checkpointSeconds: Infinity });
  await assert.rejects(
    () => run(testConfig({ optim: { lr: 0.01 } }), dir),
    (e) => e instanceof InputError && /already holds a model .* but no checkpoint/.test(e.message),
  );
  assert.deepEqual(await weights(dir), (await reference).weights);
});

Deno.test("--resume without a checkpoint says the earlier run's steps are lost", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "train_log.jsonl"), '{"step":2,"loss":1}\n{"step":4,"lo');
  const r = await run(testConfig(), dir, { resume: true });
  assert.match(
    r.notes!.join("\n"),
    /holds no checkpoint, so training starts from step 0 \(an earlier run had logged 2 steps/,
  );
  const runJson = JSON.parse(await Deno.readTextFile(join(dir, "run.json")));
  assert.deepEqual(runJson.result.notes, r.notes);
  assert.deepEqual(runJson.model_sha256, await verifyChecksums(join(dir, "model"), "model"));
});

Deno.test("checkpointSteps writes a checkpoint every N steps", async () => {
  const dir = await Deno.makeTempDir();
  await run(testConfig(), dir, { stopAfter: 3, checkpointSteps: 1, checkpointSeconds: Infinity });
  assert.equal((await loadCheckpoint(dir))!.loop.step, 3);
});

const CHILD = `
import { train } from ${JSON.stringify(new URL("./trainer.ts", import.meta.url).href)};
import { testConfig, testSetup } from ${
  JSON.stringify(new URL("./_testing.ts", import.meta.url).href)
};
const c = testConfig();
const { model, data } = await testSetup(c);
const slow = new Proxy(model, {
  get(t, p) {
    if (p === "trainStepAsync") {
      return async (b, o) => { await new Promise((r) => setTimeout(r, 15)); return t.trainStep(b, o); };
    }
    const v = Reflect.get(t, p);
    return typeof v === "function" ? v.bind(t) : v;
  },
});
await train({ config: c, outDir: Deno.args[0], model: slow, data, backend: "js", progress: false,
  resume: true, checkpointSteps: 1 });
`;

async function loggedStep(dir: string): Promise<number> {
  try {
    const lines = (await Deno.readTextFile(join(dir, "train_log.jsonl"))).split("\n");
    return Math.max(
      0,
      ...lines.map((l) => {
        try {
          return JSON.parse(l).step ?? 0;
        } catch {
          return 0;
        }
      }),
    );
  } catch {
    return 0;
  }
}

Deno.test("kill -9 at various moments, then --resume: the very weights of an uninterrupted run", async () => {
  const script = join(await Deno.makeTempDir(), "child.ts");
  await Deno.writeTextFile(script, CHILD);
  for (const killAt of [1, 4, 6, 11, 15, 20]) {
    const dir = await Deno.makeTempDir();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        new URL("../../deno.json", import.meta.url).pathname,
        script,
        dir,
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const deadline = Date.now() + 60_000;
    while ((await loggedStep(dir)) < killAt && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    try {
      child.kill("SIGKILL");
    } catch {
      // it ended first: its stderr says why
    }
    const status = await child.status;
    const stderr = await new Response(child.stderr).text();
    assert.equal(status.signal, "SIGKILL", `killed after step ${killAt}: ${stderr}`);
    // Whatever the moment: model/ is absent or whole, the checkpoint (if any) loads.
    if (exists(join(dir, "model"))) assert.ok(await verifyChecksums(join(dir, "model"), "model"));
    await loadCheckpoint(dir);
    const r = await run(testConfig(), dir, { resume: true });
    assert.equal(r.status, "finished");
    assert.deepEqual(await weights(dir), (await reference).weights, `killed after step ${killAt}`);
    assert.deepEqual(
      listDir(dir).filter((n) =>
        !["model", "checkpoint.safetensors", "train_log.jsonl", "run.json"]
          .includes(n)
      ),
      [],
      "no temporary files left",
    );
  }
});

Deno.test("a full disk (injected) while checkpointing: a clear OutputError, the last checkpoint kept", async () => {
  const dir = await Deno.makeTempDir();
  await run(testConfig(), dir, { stopAfter: 5 });
  const before = await Deno.readFile(checkpointPath(dir));
  setWriteFault("checkpoint.safetensors");
  try {
    await assert.rejects(
      () => run(testConfig(), dir, { resume: true, checkpointSteps: 2 }),
      (e) =>
        e instanceof OutputError &&
        e.message === `Cannot write ${checkpointPath(dir)}: no space left on device (ENOSPC)`,
    );
  } finally {
    setWriteFault(null);
  }
  assert.deepEqual(await Deno.readFile(checkpointPath(dir)), before);
  const r = await run(testConfig(), dir, { resume: true });
  assert.equal(r.status, "finished");
  assert.deepEqual(await weights(dir), (await reference).weights);
});

Deno.test("a full disk (injected) on the training log is an OutputError naming it", async () => {
  const dir = await Deno.makeTempDir();
  setWriteFault("train_log.jsonl");
  try {
    await assert.rejects(
      () => run(testConfig(), dir),
      (e) =>
        e instanceof OutputError && e.message.startsWith(`Cannot write ${dir}/train_log.jsonl`),
    );
  } finally {
    setWriteFault(null);
  }
});
