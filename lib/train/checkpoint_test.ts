import assert from "node:assert/strict";
import { checkpointPath, loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { InputError } from "../util/errors.ts";
import { writeSafetensors } from "../model/safetensors.ts";

const loop = {
  step: 7,
  epoch: 1,
  batchInEpoch: 2,
  bestValLoss: 1.25,
  bestStep: 5,
  badEvals: 1,
  samplerFingerprint: "abc",
  configHash: "def",
};

Deno.test("saveCheckpoint() round-trips arrays bit for bit, loop state and scalars", async () => {
  const dir = await Deno.makeTempDir();
  const w = new Float32Array([0.1, -2.5e-7, Number.MAX_VALUE > 0 ? 3.4e38 : 0, 1 / 3]);
  await saveCheckpoint(dir, {
    loop,
    arrays: { "w": w, "opt.m.w": new Float32Array(4) },
    scalars: { step: 7 },
  });
  const back = await loadCheckpoint(dir);
  assert.ok(back);
  assert.deepEqual(back.loop, loop);
  assert.deepEqual(back.scalars, { step: 7 });
  assert.deepEqual(
    new Uint32Array(back.arrays.w.buffer, back.arrays.w.byteOffset, 4),
    new Uint32Array(w.buffer),
  );
});

Deno.test("loadCheckpoint() returns null without a checkpoint and rejects foreign files", async () => {
  const dir = await Deno.makeTempDir();
  assert.equal(await loadCheckpoint(dir), null);
  await writeSafetensors(checkpointPath(dir), {
    w: { dtype: "F32", shape: [1], data: new Float32Array(1) },
  });
  await assert.rejects(
    () => loadCheckpoint(dir),
    (e) => e instanceof InputError && /not an xlir training checkpoint/.test(e.message),
  );
});
