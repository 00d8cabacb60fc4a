/**
 * Seeded, order-preserving caps and weights over a list of items, keyed (by
 * source, language pair, corpus): how the training data's sources are mixed.
 *
 * - {@linkcode capPerKey}: at most `limit(key)` items per key, the ones with
 *   the smallest FNV-1a hash of `id` and the seed (ties by position), kept in
 *   input order — the same items whatever the input order, a different
 *   sample per seed;
 * - {@linkcode repeatByWeight}: each item `floor(w)` times, plus once more
 *   when its hash (under another salt) falls below the fraction `w −
 *   floor(w)`; so a weight scales how often an item is seen per epoch, in
 *   expectation and deterministically (0.5: a seeded half; 2: twice; 0:
 *   never). Repeats follow their item, with `#r{k}` ids.
 *
 * @module
 */

import { fnv1a32 } from "../util/hash.ts";

/**
 * Keeps at most `limit(key)` items per key (a limit ≤ 0 keeps all).
 *
 * @param items The items.
 * @param key Each item's key.
 * @param id Each item's stable identity (what the sample hashes).
 * @param limit The cap of a key (or one cap for every key).
 * @param seed The sample's seed.
 * @returns The kept items, in input order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { capPerKey } from "./cap.ts";
 * const items = ["a1", "a2", "a3", "b1"];
 * const kept = capPerKey(items, (s) => s[0], (s) => s, (k) => k === "a" ? 2 : 0, 7);
 * assert(kept.length === 3 && kept.includes("b1"));
 * ```
 */
export function capPerKey<T>(
  items: readonly T[],
  key: (t: T) => string,
  id: (t: T) => string,
  limit: number | ((key: string) => number),
  seed: number,
): T[] {
  const limitOf = typeof limit === "number" ? () => limit : limit;
  const byKey = new Map<string, number[]>();
  items.forEach((t, i) => {
    const k = key(t);
    let list = byKey.get(k);
    if (!list) byKey.set(k, list = []);
    list.push(i);
  });
  const keep = new Uint8Array(items.length);
  for (const [k, list] of byKey) {
    const cap = limitOf(k);
    if (cap <= 0 || list.length <= cap) {
      for (const i of list) keep[i] = 1;
      continue;
    }
    const ranked = list.map((i) => [fnv1a32(id(items[i]), seed), i] as const).sort((a, b) =>
      a[0] - b[0] || a[1] - b[1]
    );
    for (let r = 0; r < cap; r++) keep[ranked[r][1]] = 1;
  }
  return items.filter((_, i) => keep[i]);
}

const WEIGHT_SALT = 0x5bd1e995;

/**
 * Repeats or subsamples items by a weight (the module doc gives the rule).
 *
 * @param items The items.
 * @param weight Each item's weight (≥ 0).
 * @param id Each item's stable identity.
 * @param seed The seed of the fractional part.
 * @param relabel Makes the k-th repeat (k ≥ 1) of an item, e.g. with a new id.
 * @returns The items, repeats right after their item.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { repeatByWeight } from "./cap.ts";
 * const out = repeatByWeight(["x", "y"], (s) => s === "x" ? 2 : 0, (s) => s, 1, (s, k) => `${s}#r${k}`);
 * assert.deepEqual(out, ["x", "x#r1"]);
 * ```
 */
export function repeatByWeight<T>(
  items: readonly T[],
  weight: (t: T) => number,
  id: (t: T) => string,
  seed: number,
  relabel: (t: T, k: number) => T,
): T[] {
  const out: T[] = [];
  for (const t of items) {
    const w = weight(t);
    const whole = Math.floor(w);
    const extra = w > whole && fnv1a32(id(t), (seed ^ WEIGHT_SALT) >>> 0) / 2 ** 32 < w - whole
      ? 1
      : 0;
    for (let k = 0; k < whole + extra; k++) out.push(k === 0 ? t : relabel(t, k));
  }
  return out;
}
