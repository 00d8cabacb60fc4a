/**
 * Atomic file writes: write to a temporary file in the same directory, then
 * rename over the target, so a reader (or a crash) never sees a half-written
 * file and nothing already written is lost.
 *
 * @module
 */

import { dirname } from "node:path";

let counter = 0;

function tempPath(path: string): string {
  counter++;
  return `${path}.${Deno.pid}.${counter}.tmp`;
}

/**
 * Writes bytes to `path` atomically (temporary file + rename), creating the
 * parent directory when missing.
 *
 * @param path Target file.
 * @param data Bytes to write.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.bin`, new Uint8Array([1, 2, 3]));
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = tempPath(path);
  try {
    await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
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
