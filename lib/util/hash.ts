/**
 * Content hashing (sha256, hex) for checksums, caches and manifests.
 *
 * @module
 */

import { createHash } from "node:crypto";

/**
 * sha256 of bytes or a string, as lowercase hex.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "./hash.ts";
 * assert(sha256Hex("") === "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
 * ```
 */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * sha256 of a file, streamed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256File } from "./hash.ts";
 * const p = await Deno.makeTempFile();
 * assert((await sha256File(p)).length === 64);
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * 32-bit FNV-1a of a string's UTF-16 code units, its offset basis mixed with
 * a seed: a cheap, stable order for seeded samples (not for security).
 *
 * @param text The text.
 * @param seed The seed (default 0).
 * @returns An unsigned 32-bit integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fnv1a32 } from "./hash.ts";
 * assert(fnv1a32("a") === 0xe40c292c);
 * assert(fnv1a32("a", 1) !== fnv1a32("a", 2));
 * ```
 */
export function fnv1a32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
