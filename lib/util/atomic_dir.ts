/**
 * Atomic output directories: a step writes all of its outputs into a
 * temporary sibling (`<dir>.<pid>.<n>.tmp`), and only when every file is
 * written does that directory take the place of `<dir>`. The old directory
 * stays until the new one is complete, so a failure (a full disk, a bad
 * input found late, a kill) leaves `<dir>` exactly as it was, never old and
 * new files side by side.
 *
 * The swap is one atomic step where Linux offers it (`renameat2` with
 * `RENAME_EXCHANGE`, through FFI); elsewhere it is two renames with the old
 * directory parked as `<dir>.<pid>.<n>.old` in between, which
 * {@linkcode recoverDir} puts back if the process was killed at that moment.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { tempPath } from "./atomic.ts";
import { InputError, OutputError, writeError } from "./errors.ts";
import { exchangePaths } from "./_rename_exchange.ts";
import { processAlive } from "./processes.ts";
import { checkWriteFault } from "./write_faults.ts";

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/**
 * Checks, before any work, that `dir` can become an output directory: it is
 * a directory or does not exist yet, and no parent is a file.
 *
 * @param dir The output directory.
 * @param flag How the user named it, for the message (e.g. `"--out"`).
 * @throws {InputError} naming the flag and the path otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOutputDir } from "./atomic_dir.ts";
 * const file = await Deno.makeTempFile();
 * await assert.rejects(() => checkOutputDir(file, "--out"), /--out .* is a file/);
 * await checkOutputDir(`${await Deno.makeTempDir()}/new`, "--out");
 * ```
 */
export async function checkOutputDir(dir: string, flag = "output directory"): Promise<void> {
  let path = dir;
  for (;;) {
    const info = await statOrNull(path).catch(() => null);
    if (info !== null) {
      if (info.isDirectory || (info.isSymlink && (await Deno.stat(path)).isDirectory)) return;
      throw new InputError(
        path === dir
          ? `${flag} ${dir} is a file, expected a directory (or a path that does not exist yet)`
          : `${flag} ${dir}: ${path} is a file, so the directory cannot be created`,
      );
    }
    const parent = dirname(path);
    if (parent === path) return;
    path = parent;
  }
}

/**
 * Replaces `target` with the complete directory `staged` (which disappears):
 * a rename when `target` does not exist, else an atomic exchange (or two
 * renames, see the module doc) and the old directory removed.
 *
 * @param staged The new, complete directory.
 * @param target Where it goes.
 * @throws {OutputError} naming `target` when the swap fails; `target` is then unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replaceDir } from "./atomic_dir.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/out`);
 * await Deno.writeTextFile(`${root}/out/old.txt`, "old");
 * await Deno.mkdir(`${root}/new`);
 * await Deno.writeTextFile(`${root}/new/new.txt`, "new");
 * await replaceDir(`${root}/new`, `${root}/out`);
 * assert.deepEqual([...Deno.readDirSync(`${root}/out`)].map((e) => e.name), ["new.txt"]);
 * ```
 */
export async function replaceDir(staged: string, target: string): Promise<void> {
  try {
    checkWriteFault(target);
    const existing = await statOrNull(target);
    if (existing === null) {
      await Deno.rename(staged, target);
      return;
    }
    if (!existing.isDirectory) {
      throw new InputError(`${target} is a file, expected a directory`);
    }
    if (exchangePaths(staged, target)) {
      await Deno.remove(staged, { recursive: true }).catch(() => {});
      return;
    }
    const aside = tempPath(target).replace(/\.tmp$/, ".old");
    await Deno.rename(target, aside);
    try {
      await Deno.rename(staged, target);
    } catch (err) {
      await Deno.rename(aside, target);
      throw err;
    }
    await Deno.remove(aside, { recursive: true }).catch(() => {});
  } catch (err) {
    throw writeError(err, target, `${target} is unchanged`);
  }
}

/**
 * Puts back the old `target` a killed two-rename swap left parked as
 * `<target>.<pid>.<n>.old` (when `target` is missing), and removes parked
 * copies whose swap finished but whose writer died before removing them.
 *
 * @param target The output directory.
 * @returns What was done, for a note (`undefined`: nothing).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recoverDir } from "./atomic_dir.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/out.999999999.1.old`);
 * assert.match((await recoverDir(`${root}/out`))!, /restored/);
 * assert((await Deno.stat(`${root}/out`)).isDirectory);
 * ```
 */
export async function recoverDir(target: string): Promise<string | undefined> {
  const parent = dirname(target);
  const prefix = `${basename(target)}.`;
  const parked: { path: string; mtime: number }[] = [];
  try {
    for await (const e of Deno.readDir(parent)) {
      if (!e.isDirectory || !e.name.startsWith(prefix)) continue;
      const m = /^(\d+)\.\d+\.old$/.exec(e.name.slice(prefix.length));
      if (!m || processAlive(Number(m[1]))) continue;
      const path = join(parent, e.name);
      parked.push({ path, mtime: (await Deno.stat(path)).mtime?.getTime() ?? 0 });
    }
  } catch {
    return undefined;
  }
  if (parked.length === 0) return undefined;
  parked.sort((a, b) => b.mtime - a.mtime);
  let note: string | undefined;
  if ((await statOrNull(target)) === null) {
    const back = parked.shift()!;
    await Deno.rename(back.path, target);
    note = `restored ${target} from ${back.path}, left by a run killed while replacing it`;
  }
  for (const p of parked) await Deno.remove(p.path, { recursive: true }).catch(() => {});
  return note ?? `removed ${parked.length} stale copies of ${target}`;
}

/**
 * Writes a directory atomically: `fill` writes every output into a fresh
 * temporary sibling of `target`, which then replaces `target` whole. When
 * `fill` or the swap fails, the temporary directory is removed and `target`
 * is left as it was.
 *
 * @param target The output directory.
 * @param fill Writes the outputs into the directory it is given.
 * @returns What `fill` returned.
 * @throws {OutputError} naming the file that could not be written (the
 *   target unchanged), or what `fill` threw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeDirAtomic } from "./atomic_dir.ts";
 * const out = `${await Deno.makeTempDir()}/out`;
 * await writeDirAtomic(out, (dir) => Deno.writeTextFile(`${dir}/a.txt`, "a"));
 * await assert.rejects(() =>
 *   writeDirAtomic(out, async (dir) => {
 *     await Deno.writeTextFile(`${dir}/b.txt`, "b");
 *     throw new Error("failed late");
 *   })
 * );
 * assert.deepEqual([...Deno.readDirSync(out)].map((e) => e.name), ["a.txt"]);
 * ```
 */
export async function writeDirAtomic<T>(
  target: string,
  fill: (dir: string) => Promise<T>,
): Promise<T> {
  const staging = tempPath(target);
  try {
    await Deno.mkdir(staging, { recursive: true });
  } catch (err) {
    throw writeError(err, staging, `${target} is unchanged`);
  }
  try {
    const value = await fill(staging);
    await replaceDir(staging, target);
    return value;
  } catch (err) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    const e = writeError(err, target, `${target} is unchanged`);
    if (e instanceof OutputError && !e.message.includes(`${target} is unchanged`)) {
      // A file of the staging directory: name it where it was to go.
      const message = e.message.replaceAll(staging, target);
      throw new OutputError(`${message}; ${target} is unchanged`, { cause: e.cause ?? err });
    }
    throw e;
  }
}
