/**
 * Training checkpoints: one safetensors file holding every array of the
 * model's training state (weights, optimizer moments) and, in its metadata,
 * the loop's position and the model's scalar state as JSON. Written
 * atomically (temporary file + rename), so an interruption at any moment
 * leaves either the previous checkpoint or the new one, never a torn file.
 *
 * Integrity: the metadata records the sha256 of every array's bytes, of the
 * loop state and of the scalars (and the checksums of the `model/` saved
 * with it); {@linkcode loadCheckpoint} recomputes them all and refuses, naming
 * the file and what differs, a checkpoint with a flipped byte, an edited step
 * count, a missing or extra array, or no checksums at all.
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { sha256Hex } from "../util/hash.ts";
import { readSafetensors, writeSafetensors } from "../model/safetensors.ts";

/** Where the loop stands. */
export interface LoopState {
  /** Optimizer steps taken. */
  step: number;
  /** Current epoch (0-based). */
  epoch: number;
  /** Batches of `epoch` already used. */
  batchInEpoch: number;
  /** Best validation loss so far (`null` before the first evaluation). */
  bestValLoss: number | null;
  /** Step of the best validation loss. */
  bestStep: number | null;
  /** Evaluations since the best one (early stopping). */
  badEvals: number;
  /** The sampler's fingerprint: resuming with other batches is refused. */
  samplerFingerprint: string;
  /** sha256 of the resolved config: resuming under another config is refused. */
  configHash: string;
}

/** A whole checkpoint. */
export interface Checkpoint {
  loop: LoopState;
  arrays: Record<string, Float32Array>;
  scalars: Record<string, number>;
  /**
   * The checksums (`checksums.sha256`) of the run's `model/` when the
   * checkpoint was written (`null`: no model saved yet).
   */
  model?: Record<string, string> | null;
}

/** The checksums a checkpoint's metadata records. */
interface Checksums {
  arrays: Record<string, string>;
  loop: string;
  scalars: string;
  model: string;
}

/** The checkpoint file inside a run directory. */
export function checkpointPath(runDir: string): string {
  return join(runDir, "checkpoint.safetensors");
}

function arraySha256(a: Float32Array): string {
  return sha256Hex(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/**
 * Saves a checkpoint atomically into `runDir/checkpoint.safetensors`, with
 * the checksums {@linkcode loadCheckpoint} verifies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
 * const dir = await Deno.makeTempDir();
 * const loop = { step: 3, epoch: 0, batchInEpoch: 3, bestValLoss: null, bestStep: null, badEvals: 0, samplerFingerprint: "f", configHash: "c" };
 * await saveCheckpoint(dir, { loop, arrays: { w: new Float32Array([1]) }, scalars: { step: 3 } });
 * assert((await loadCheckpoint(dir))!.loop.step === 3);
 * ```
 */
export async function saveCheckpoint(runDir: string, ckpt: Checkpoint): Promise<void> {
  const tensors = Object.fromEntries(
    Object.entries(ckpt.arrays).map((
      [k, v],
    ) => [k, { dtype: "F32", shape: [v.length], data: v }]),
  );
  const loop = JSON.stringify(ckpt.loop);
  const scalars = JSON.stringify(ckpt.scalars);
  const model = JSON.stringify(ckpt.model ?? null);
  const checksums: Checksums = {
    arrays: Object.fromEntries(Object.entries(ckpt.arrays).map(([k, v]) => [k, arraySha256(v)])),
    loop: sha256Hex(loop),
    scalars: sha256Hex(scalars),
    model: sha256Hex(model),
  };
  await writeSafetensors(checkpointPath(runDir), tensors, {
    format: "xlir-checkpoint",
    loop,
    scalars,
    model,
    checksums: JSON.stringify(checksums),
  });
}

function parseJson(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${path} is corrupted: its ${what} is not valid JSON`);
  }
}

/**
 * Loads `runDir/checkpoint.safetensors` and verifies every checksum, or
 * returns `null` when there is none.
 *
 * @throws {InputError} naming the file when it is not an xlir checkpoint, has
 *   no checksums, or an array, the loop state, the scalars or the model
 *   record differ from their checksums.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkpointPath, loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
 * const dir = await Deno.makeTempDir();
 * const loop = { step: 3, epoch: 0, batchInEpoch: 3, bestValLoss: null, bestStep: null, badEvals: 0, samplerFingerprint: "f", configHash: "c" };
 * await saveCheckpoint(dir, { loop, arrays: { w: new Float32Array([1, 2]) }, scalars: {} });
 * const bytes = await Deno.readFile(checkpointPath(dir));
 * bytes[bytes.length - 1] ^= 0x40; // a flipped bit in the weights
 * await Deno.writeFile(checkpointPath(dir), bytes);
 * await assert.rejects(() => loadCheckpoint(dir), /array "w" does not match its checksum/);
 * ```
 */
export async function loadCheckpoint(runDir: string): Promise<Checkpoint | null> {
  const path = checkpointPath(runDir);
  try {
    await Deno.stat(path);
  } catch {
    return null;
  }
  const { tensors, metadata } = await readSafetensors(path);
  if (metadata.format !== "xlir-checkpoint" || !metadata.loop || !metadata.scalars) {
    throw new InputError(`${path} is not an xlir training checkpoint (metadata.format)`);
  }
  if (!metadata.checksums) {
    throw new InputError(
      `${path} has no checksums (written before checkpoints were verified), so it cannot be ` +
        `trusted; remove it to train from the start`,
    );
  }
  const sums = parseJson(metadata.checksums, path, "checksum record") as Checksums;
  const bad = (what: string) =>
    new InputError(`${path} is corrupted: ${what} does not match its checksum`);
  if (sha256Hex(metadata.loop) !== sums.loop) throw bad("the loop state (step, epoch, …)");
  if (sha256Hex(metadata.scalars) !== sums.scalars) throw bad("the scalar state");
  const model = metadata.model ?? "null";
  if (sha256Hex(model) !== sums.model) throw bad("the model record");
  const arrays: Record<string, Float32Array> = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (!(t.data instanceof Float32Array)) {
      throw new InputError(`${path}: array "${k}" is not F32`);
    }
    if (!(k in sums.arrays)) {
      throw new InputError(`${path} is corrupted: array "${k}" is not recorded`);
    }
    if (arraySha256(t.data) !== sums.arrays[k]) throw bad(`array "${k}"`);
    arrays[k] = t.data;
  }
  for (const k of Object.keys(sums.arrays)) {
    if (!(k in arrays)) throw new InputError(`${path} is corrupted: array "${k}" is missing`);
  }
  return {
    loop: parseJson(metadata.loop, path, "loop state") as LoopState,
    scalars: parseJson(metadata.scalars, path, "scalar state") as Record<string, number>,
    model: parseJson(model, path, "model record") as Record<string, string> | null,
    arrays,
  };
}
