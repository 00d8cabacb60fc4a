/**
 * `Deno.stat` that answers `null` for a path that does not exist (other
 * errors, e.g. a permission denied, are thrown): the one existence check of
 * the package.
 *
 * @module
 */

/**
 * The path's file info (symlinks followed), or `null` when it does not exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statOrNull } from "./stat_or_null.ts";
 * const dir = await Deno.makeTempDir();
 * assert.equal((await statOrNull(dir))?.isDirectory, true);
 * assert.equal(await statOrNull(`${dir}/missing`), null);
 * ```
 */
export async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}
