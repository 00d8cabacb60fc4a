/**
 * Training checkpoints: one safetensors file holding every array of the
 * model's training state (weights, optimizer moments) and, in its metadata,
 * the loop's position and the model's scalar state as JSON. Written
 * atomically (temporary file + rename), so an interruption at any moment
 * leaves either the previous checkpoint or the new one, never a torn file.
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
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
}

/** The checkpoint file inside a run directory. */
export function checkpointPath(runDir: string): string {
  return join(runDir, "checkpoint.safetensors");
}

/**
 * Saves a checkpoint atomically into `runDir/checkpoint.safetensors`.
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
  await writeSafetensors(checkpointPath(runDir), tensors, {
    format: "xlir-checkpoint",
    loop: JSON.stringify(ckpt.loop),
    scalars: JSON.stringify(ckpt.scalars),
  });
}

/**
 * Loads `runDir/checkpoint.safetensors`, or returns `null` when there is none.
 *
 * @throws {InputError} when the file exists but is not an xlir checkpoint.
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
  const arrays: Record<string, Float32Array> = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (!(t.data instanceof Float32Array)) {
      throw new InputError(`${path}: array "${k}" is not F32`);
    }
    arrays[k] = t.data;
  }
  return { loop: JSON.parse(metadata.loop), scalars: JSON.parse(metadata.scalars), arrays };
}
