/**
 * Where datasets live: the `--data` flag, else the `XLIR_DATA` environment
 * variable, else `data/` in the checkout. Loaders read from it and never write
 * into it except the download cache.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { fromRoot } from "../util/root.ts";

/** The checkout's own `data/` folder (the default data directory). */
export const DEFAULT_DATA_DIR: string = fromRoot("data");

/**
 * Resolves the data directory.
 *
 * @param flag The value of a `--data` flag, if one was given.
 * @returns An absolute path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveDataDir } from "./data_dir.ts";
 * assert(resolveDataDir("/tmp/d") === "/tmp/d");
 * ```
 */
export function resolveDataDir(flag?: string): string {
  const chosen = flag ?? Deno.env.get("XLIR_DATA") ?? DEFAULT_DATA_DIR;
  return resolve(chosen);
}

/**
 * The path of a dataset folder inside the data directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetPath } from "./data_dir.ts";
 * assert(datasetPath("xquad-r", "/d") === "/d/xquad-r");
 * ```
 */
export function datasetPath(name: string, dataDir: string = resolveDataDir()): string {
  return join(dataDir, name);
}
