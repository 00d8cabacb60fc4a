/**
 * Atomic file writes: write to a temporary file in the same directory, then
 * rename over the target, so a reader (or a killed process) never sees a
 * half-written file and nothing already written is lost. The temporary file
 * is named `<target>.<pid>.<n>-<isolate>.tmp` (the isolate tag: `deno test
 * --parallel` runs test modules as isolates of one process, whose counters
 * would otherwise collide): when the writer is killed before it can
 * remove it, `stale_tmp.ts` recognises it as stale. A write that fails (disk
 * full, read-only) throws an `OutputError` naming the file, and the target
 * keeps its old content. (The data is not fsync'ed: atomic against a killed
 * process, not against a power cut.)
 *
 * @module
 */

import { dirname } from "node:path";
import { writeError } from "./errors.ts";
import { checkWriteFault } from "./write_faults.ts";

let counter = 0;
/** Tells this isolate's temporary names from those of another isolate of the same process. */
const ISOLATE = crypto.getRandomValues(new Uint32Array(1))[0].toString(16).padStart(8, "0");

/**
 * A fresh temporary name beside `path`: `<path>.<pid>.<n>-<isolate>.tmp`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tempPath } from "./atomic.ts";
 * assert.match(tempPath("/out/a.tsv"), /^\/out\/a\.tsv\.\d+\.\d+-[0-9a-f]{8}\.tmp$/);
 * assert.notEqual(tempPath("/out/a.tsv"), tempPath("/out/a.tsv"));
 * ```
 */
export function tempPath(path: string): string {
  counter++;
  return `${path}.${Deno.pid}.${counter}-${ISOLATE}.tmp`;
}

/**
 * Writes bytes to `path` atomically (temporary file + rename), creating the
 * parent directory when missing.
 *
 * @param path Target file.
 * @param data Bytes to write.
 * @throws {OutputError} naming `path` when it cannot be written (the old file stays).
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.bin`, new Uint8Array([1, 2, 3]));
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = tempPath(path);
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    checkWriteFault(path);
    await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw writeError(err, path);
  }
}

/**
 * Writes text to `path` atomically.
 *
 * @example
 * ```ts
 * import { writeTextFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeTextFileAtomic(`${dir}/a.txt`, "hello\n");
 * ```
 */
export async function writeTextFileAtomic(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(text));
}

/**
 * Writes a value as pretty-printed JSON (2 spaces, trailing newline) atomically.
 *
 * @example
 * ```ts
 * import { writeJsonAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeJsonAtomic(`${dir}/a.json`, { ok: true });
 * ```
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeTextFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}
