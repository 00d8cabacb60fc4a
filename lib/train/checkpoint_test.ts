import assert from "node:assert/strict";
import { checkpointPath, loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { InputError } from "../util/errors.ts";
import { readSafetensors, writeSafetensors } from "../model/safetensors.ts";

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
    model: { "model.safetensors": "ab".repeat(32) },
  });
  const back = await loadCheckpoint(dir);
  assert.ok(back);
  assert.deepEqual(back.loop, loop);
  assert.deepEqual(back.scalars, { step: 7 });
  assert.deepEqual(back.model, { "model.safetensors": "ab".repeat(32) });
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

/** A checkpoint with weights `w` and an optimizer moment `opt.m.w`, its path. */
async function saved(): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir();
  await saveCheckpoint(dir, {
    loop,
    arrays: { w: new Float32Array([1, 2, 3]), "opt.m.w": new Float32Array([0.5, 0.25, 0.125]) },
    scalars: { step: 7 },
  });
  return { dir, path: checkpointPath(dir) };
}

/** Flips one bit of the float `index` of the data section (arrays in name order: opt.m.w, w). */
async function flipDataBit(path: string, index: number): Promise<void> {
  const bytes = await Deno.readFile(path);
  const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  bytes[8 + headerLen + 4 * index] ^= 0x01;
  await Deno.writeFile(path, bytes);
}

const corrupted = (path: string, what: RegExp) => (e: unknown) =>
  e instanceof InputError && e.message.startsWith(`${path} is corrupted: `) &&
  what.test(e.message);

Deno.test("loadCheckpoint() refuses a flipped byte in the weights, naming the file and array", async () => {
  const { dir, path } = await saved();
  await flipDataBit(path, 4);
  await assert.rejects(() => loadCheckpoint(dir), corrupted(path, /array "w" does not match/));
});

Deno.test("loadCheckpoint() refuses a flipped byte in an optimizer moment", async () => {
  const { dir, path } = await saved();
  await flipDataBit(path, 1);
  await assert.rejects(() => loadCheckpoint(dir), corrupted(path, /array "opt\.m\.w"/));
});

Deno.test("loadCheckpoint() refuses an edited step count (checksums kept as they were)", async () => {
  const { dir, path } = await saved();
  const { tensors, metadata } = await readSafetensors(path);
  metadata.loop = metadata.loop.replace('"step":7', '"step":70');
  await writeSafetensors(path, tensors, metadata);
  await assert.rejects(() => loadCheckpoint(dir), corrupted(path, /the loop state/));
});

Deno.test("loadCheckpoint() refuses edited scalars, a dropped array and an unrecorded one", async () => {
  for (
    const [edit, what] of [
      [(m: Record<string, string>) => (m.scalars = '{"step":8}'), /the scalar state/],
      [(_m: Record<string, string>, t: Record<string, unknown>) => delete t["opt.m.w"], /missing/],
      [
        (
          _m: Record<string, string>,
          t: Record<string, unknown>,
        ) => (t.extra = { dtype: "F32", shape: [1], data: new Float32Array(1) }),
        /array "extra" is not recorded/,
      ],
    ] as const
  ) {
    const { dir, path } = await saved();
    const { tensors, metadata } = await readSafetensors(path);
    edit(metadata, tensors);
    await writeSafetensors(path, tensors, metadata);
    await assert.rejects(() => loadCheckpoint(dir), corrupted(path, what));
  }
});

Deno.test("loadCheckpoint() refuses a checkpoint without checksums", async () => {
  const { dir, path } = await saved();
  const { tensors, metadata } = await readSafetensors(path);
  delete metadata.checksums;
  await writeSafetensors(path, tensors, metadata);
  await assert.rejects(
    () => loadCheckpoint(dir),
    (e) => e instanceof InputError && e.message.startsWith(`${path} has no checksums`),
  );
});
