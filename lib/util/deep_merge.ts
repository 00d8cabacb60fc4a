/**
 * A JSON patch merged into a JSON object: the one way configs are patched
 * (an experiment's overrides, a study variant's patch).
 *
 * @module
 */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `a` with `b` merged in: where both hold an object under a key, the objects
 * are merged recursively; anything else in `b` (a number, a string, an array,
 * `null`) replaces `a`'s value. Neither input is modified.
 *
 * @param a The object patched.
 * @param b The patch.
 * @returns A new object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deepMerge } from "./deep_merge.ts";
 * const a = { model: { dim: 512, sources: ["x", "y"] }, seed: 1 };
 * const merged = deepMerge(a, { model: { dim: 768, sources: ["z"] } });
 * assert.deepEqual(merged, { model: { dim: 768, sources: ["z"] }, seed: 1 });
 * assert.equal(a.model.dim, 512);
 * ```
 */
export function deepMerge(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const av = a[k];
    out[k] = isObject(v) && isObject(av) ? deepMerge(av, v) : v;
  }
  return out;
}
