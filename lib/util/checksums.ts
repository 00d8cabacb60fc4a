/**
 * Directory checksums: `checksums.sha256` beside a directory's files, in
 * `sha256sum` format (`<hex>  <name>` per file, sorted), so that a saved
 * model can be verified before it is used — by this package on load, or by
 * anyone with `sha256sum -c checksums.sha256`.
 *
 * @module
 */

import { join, relative } from "node:path";
import { writeTextFileAtomic } from "./atomic.ts";
import { InputError } from "./errors.ts";
import { sha256File } from "./hash.ts";

/** The checksum file's name. */
export const CHECKSUMS_FILE = "checksums.sha256";

async function filesOf(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile && !(d === dir && e.name === CHECKSUMS_FILE)) out.push(relative(dir, p));
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * sha256 of every file under `dir` (the checksum file itself excepted), by
 * relative path, sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dirChecksums } from "./checksums.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "");
 * assert.deepEqual(await dirChecksums(dir), {
 *   "a.txt": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
 * });
 * ```
 */
export async function dirChecksums(dir: string): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const f of await filesOf(dir)) sums[f] = await sha256File(join(dir, f));
  return sums;
}

/**
 * Writes `dir/checksums.sha256` for the files now in `dir`.
 *
 * @returns The checksums written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeChecksums } from "./checksums.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "");
 * await writeChecksums(dir);
 * assert.match(await Deno.readTextFile(`${dir}/checksums.sha256`), /^e3b0c442\w+  a\.txt\n$/);
 * ```
 */
export async function writeChecksums(dir: string): Promise<Record<string, string>> {
  const sums = await dirChecksums(dir);
  const text = Object.entries(sums).map(([f, h]) => `${h}  ${f}\n`).join("");
  await writeTextFileAtomic(join(dir, CHECKSUMS_FILE), text);
  return sums;
}

/**
 * Reads `dir/checksums.sha256`, or returns `null` when there is none.
 *
 * @throws {InputError} naming the file and line when a line is malformed.
 */
export async function readChecksums(dir: string): Promise<Record<string, string> | null> {
  const path = join(dir, CHECKSUMS_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new InputError(`Cannot read ${path}: ${(err as Error).message}`);
  }
  const sums: Record<string, string> = {};
  text.split("\n").forEach((line, i) => {
    if (line === "") return;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) {
      throw new InputError(`${path}: line ${i + 1} is not "<sha256>  <file>"`);
    }
    sums[m[2]] = m[1];
  });
  return sums;
}

/**
 * Checks the files of `dir` against its `checksums.sha256`.
 *
 * @param dir The directory (a saved model).
 * @param what What it is, for messages (e.g. `"model"`).
 * @returns The verified checksums, or `null` when `dir` has no checksum file
 *   (a directory not written by this package: nothing to verify).
 * @throws {InputError} naming the file that is missing or differs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyChecksums, writeChecksums } from "./checksums.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/w.bin`, "weights");
 * await writeChecksums(dir);
 * await verifyChecksums(dir, "model");
 * await Deno.writeTextFile(`${dir}/w.bin`, "weighTs");
 * await assert.rejects(() => verifyChecksums(dir, "model"), /w\.bin does not match its sha256/);
 * ```
 */
export async function verifyChecksums(
  dir: string,
  what = "directory",
): Promise<Record<string, string> | null> {
  const sums = await readChecksums(dir);
  if (sums === null) return null;
  for (const [file, expected] of Object.entries(sums)) {
    const path = join(dir, file);
    let actual: string;
    try {
      actual = await sha256File(path);
    } catch {
      throw new InputError(`The ${what} in ${dir} is incomplete: ${path} is missing`);
    }
    if (actual !== expected) {
      throw new InputError(
        `The ${what} in ${dir} is corrupted: ${path} does not match its sha256 in ` +
          `${join(dir, CHECKSUMS_FILE)} (changed after it was saved)`,
      );
    }
  }
  return sums;
}
