/**
 * The `model/` directory of a training run, kept consistent with the
 * checkpoint by a two-phase commit: a new best model is first written whole
 * (with its `checksums.sha256`) as `model.pending/`; the checkpoint records
 * its checksums; only then is it swapped in as `model/` in one atomic step
 * (`lib/util/atomic_dir.ts`). Whatever moment a run is killed at, the
 * checkpoint names a model that is either in `model/` or complete in
 * `model.pending/`, and {@linkcode ModelStore.restore} finishes the swap on
 * resume.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { replaceDir, writeDirAtomic } from "../util/atomic_dir.ts";
import { verifyChecksums, writeChecksums } from "../util/checksums.ts";

/** File → sha256 of a saved model (its `checksums.sha256`). */
export type ModelSums = Record<string, string>;

function same(a: ModelSums | null, b: ModelSums | null): boolean {
  return a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}

/** Whether `dir` holds the model with checksums `expected`, every file intact. */
async function holds(dir: string, expected: ModelSums): Promise<boolean> {
  try {
    return same(await verifyChecksums(dir, "model"), expected);
  } catch {
    return false;
  }
}

/**
 * A run's `model/` and `model.pending/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ModelStore } from "./model_store.ts";
 * const store = new ModelStore(`${await Deno.makeTempDir()}/model`);
 * await store.stage((dir) => Deno.writeTextFile(`${dir}/w.bin`, "step 5"));
 * const recorded = store.recorded; // what a checkpoint written now records
 * await store.publish();
 * assert.equal(await Deno.readTextFile(`${store.dir}/w.bin`), "step 5");
 * assert(await store.matches(recorded!));
 * ```
 */
export class ModelStore {
  /** Checksums of what is in `model/` (as this run last published or found it). */
  saved: ModelSums | null = null;
  /** Checksums of the complete model waiting in `model.pending/`. */
  pending: ModelSums | null = null;

  /** @param dir The run's `model/` directory. */
  constructor(readonly dir: string) {}

  /** Where a model waits between being written and being swapped in. */
  get pendingDir(): string {
    return `${this.dir}.pending`;
  }

  /** What a checkpoint written now must record: the pending model, else the saved one. */
  get recorded(): ModelSums | null {
    return this.pending ?? this.saved;
  }

  /** Writes a model whole into `model.pending/` (replacing an older pending one). */
  async stage(save: (dir: string) => Promise<void>): Promise<void> {
    this.pending = null;
    this.pending = await writeDirAtomic(this.pendingDir, async (dir) => {
      await save(dir);
      return await writeChecksums(dir);
    });
  }

  /** Swaps the pending model in as `model/` (nothing to do when none is pending). */
  async publish(): Promise<void> {
    if (this.pending === null) return;
    await replaceDir(this.pendingDir, this.dir);
    this.saved = this.pending;
    this.pending = null;
  }

  /** Whether `model/` holds the model with checksums `expected`. */
  matches(expected: ModelSums): Promise<boolean> {
    return holds(this.dir, expected);
  }

  /**
   * On resume: makes `model/` the model the checkpoint recorded (`expected`),
   * finishing a swap a kill interrupted, or rebuilding it with `rebuild` when
   * the checkpoint's weights are that model (`canRebuild`).
   *
   * @returns A note when something was repaired.
   * @throws {InputError} when the recorded model is gone and cannot be rebuilt.
   */
  async restore(
    expected: ModelSums | null,
    canRebuild: boolean,
    rebuild: (dir: string) => Promise<void>,
    context: string,
  ): Promise<string | undefined> {
    let note: string | undefined;
    if (expected !== null && !(await holds(this.dir, expected))) {
      if (await holds(this.pendingDir, expected)) {
        await replaceDir(this.pendingDir, this.dir);
        note = `finished saving ${this.dir}, which a kill had interrupted`;
      } else if (canRebuild) {
        await this.stage(rebuild);
        await this.publish();
        note = `rebuilt ${this.dir} from the checkpoint (it was missing or changed)`;
      } else {
        throw new InputError(
          `Cannot resume: ${this.dir} is missing or changed since the checkpoint (${context}), ` +
            `and the checkpoint cannot rebuild it; train into a new --out`,
        );
      }
    }
    await Deno.remove(this.pendingDir, { recursive: true }).catch(() => {});
    this.saved = expected;
    this.pending = null;
    return note;
  }
}
