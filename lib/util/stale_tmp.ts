/**
 * Cleaning up what a killed write leaves behind. Every temporary file or
 * directory this package writes is named `<target>.<pid>.<tag>.tmp` (see
 * `atomic.ts`, `atomic_dir.ts`, `tasks/nbrun.py`); a killed process cannot
 * remove its own, so whoever next takes the output's lock removes those whose
 * writer is no longer running.
 *
 * @module
 */

import { basename, join } from "node:path";
import { processAlive } from "./processes.ts";

const TEMP = /\.(\d+)\.[A-Za-z0-9-]+\.tmp$/;

/**
 * The pid a temporary name carries, or `undefined` when `name` is not one of
 * this package's temporary names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tempOwner } from "./stale_tmp.ts";
 * assert.equal(tempOwner("summary.tsv.4242.7.tmp"), 4242);
 * assert.equal(tempOwner("summary.tsv"), undefined);
 * ```
 */
export function tempOwner(name: string): number | undefined {
  const m = TEMP.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Options of {@linkcode cleanStaleTemps}. */
export interface CleanOptions {
  /** Descend into subdirectories (default true). */
  recursive?: boolean;
  /** Only names starting with this prefix (default: all). */
  prefix?: string;
}

/**
 * Removes the temporary files and directories under `dir` whose writer is no
 * longer running (a killed write's leftovers); those of running processes
 * are kept.
 *
 * @param dir The directory to clean (missing: nothing to do).
 * @param options Recursion and a name prefix.
 * @returns The paths removed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cleanStaleTemps } from "./stale_tmp.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt.999999999.1.tmp`, "half");
 * await Deno.writeTextFile(`${dir}/b.txt.${Deno.pid}.1.tmp`, "being written");
 * assert.deepEqual(await cleanStaleTemps(dir), [`${dir}/a.txt.999999999.1.tmp`]);
 * ```
 */
export async function cleanStaleTemps(dir: string, options: CleanOptions = {}): Promise<string[]> {
  const removed: string[] = [];
  const recursive = options.recursive ?? true;
  const walk = async (d: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(d, e.name);
      const owner = tempOwner(e.name);
      const wanted = options.prefix === undefined || d !== dir ||
        e.name.startsWith(options.prefix);
      if (owner !== undefined && wanted && !processAlive(owner)) {
        await Deno.remove(path, { recursive: true }).catch(() => {});
        removed.push(path);
      } else if (recursive && e.isDirectory && !e.isSymlink) {
        await walk(path);
      }
    }
  };
  await walk(dir);
  return removed.sort();
}

/**
 * Removes the stale temporary siblings of `target` (`<target>.<pid>.<tag>.tmp`
 * beside it) and the stale temporaries inside it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cleanStaleTempsOf } from "./stale_tmp.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/out.999999999.3.tmp`);
 * assert.deepEqual(await cleanStaleTempsOf(`${dir}/out`), [`${dir}/out.999999999.3.tmp`]);
 * ```
 */
export async function cleanStaleTempsOf(target: string): Promise<string[]> {
  const parent = join(target, "..");
  const siblings = await cleanStaleTemps(parent, {
    recursive: false,
    prefix: `${basename(target)}.`,
  });
  return [...siblings, ...(await cleanStaleTemps(target))];
}
