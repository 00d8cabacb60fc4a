/**
 * A base of the experiment grid given as a model folder used as it is (no
 * pre-training here): e.g. XLM-R or LaBSE downloaded from Hugging Face. It is
 * checked (the folder exists and loads) and stands in the grid as a
 * {@linkcode TrainedModel} whose key is the hash of the folder's files — so
 * its evaluations and the fine-tuning runs started from it move when, and
 * only when, the folder's contents do, wherever it lies.
 *
 * @module
 */

import { canonicalJson } from "../train/config.ts";
import { InputError } from "../util/errors.ts";
import { sha256Hex } from "../util/hash.ts";
import { fromRoot } from "../util/root.ts";
import { folderHash } from "./cache.ts";
import { loadEvalEncoder } from "./eval_encoder.ts";
import type { RunResult, TrainedModel } from "./runs.ts";

/** The `backend` of a given model's record: it was not trained by this package. */
export const GIVEN_BACKEND = "—";

/**
 * Checks a model folder and returns it as a grid model (see the module doc).
 *
 * @param path The folder; relative paths are from the checkout root.
 * @param where The config field that names it, for errors (e.g. `exp.json: bases.labse.model`).
 * @returns The model, `run.result.status` `"given"`.
 * @throws {InputError} naming `where` and the folder when it is missing or does not load.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { givenModel } from "./given_model.ts";
 * import { createStaticEncoder } from "../model/static_encoder.ts";
 * import { tinyTokenizer } from "../model/_testing.ts";
 * const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
 * const enc = createStaticEncoder({ tokenizer: await tinyTokenizer(), dim: 8, seed: 1 });
 * await enc.save(a);
 * await enc.save(b);
 * enc.dispose();
 * const m = await givenModel(a, "exp.json: bases.x.model");
 * assert.equal(m.run.result.status, "given");
 * assert.equal(m.key, (await givenModel(b, "exp.json: bases.y.model")).key); // same files, same key
 * await assert.rejects(givenModel(`${a}/nope`, "exp.json: bases.x.model"), /bases\.x\.model/);
 * ```
 */
export async function givenModel(path: string, where: string): Promise<TrainedModel> {
  const dir = fromRoot(path);
  let isDir = false;
  try {
    isDir = (await Deno.stat(dir)).isDirectory;
  } catch {
    // reported below
  }
  if (!isDir) {
    throw new InputError(`${where}: ${path} is not a model folder (${dir} does not exist)`);
  }
  try {
    (await loadEvalEncoder(dir)).dispose();
  } catch (err) {
    throw new InputError(`${where}: cannot load ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const files = await folderHash([dir]);
  const result: RunResult = {
    status: "given",
    steps: 0,
    bestStep: null,
    bestValLoss: null,
    seconds: 0,
    pairsPerSecond: 0,
    modelDir: dir,
  };
  return {
    key: sha256Hex(canonicalJson({ kind: "given", files })),
    modelDir: dir,
    run: { result, backend: GIVEN_BACKEND, path },
    fresh: false,
  };
}
