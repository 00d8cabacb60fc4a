/**
 * Batch sampling for hybrid batch training: monolingual (X-X), cross-lingual
 * (X-Y) and hybrid(α) batches over parallel examples, and the seedable PRNG
 * they are drawn with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BatchSampler } from "./mod.ts";
 * const examples = Array.from({ length: 8 }, (_, i) => ({
 *   id: `${i}`,
 *   group: `${i}`,
 *   texts: { en: { query: "q", passage: "p" }, de: { query: "F", passage: "P" } },
 * }));
 * const sampler = new BatchSampler(examples, { batchSize: 4, alpha: 0.5, seed: 0 });
 * assert([...sampler.batches(0)].length === sampler.length);
 * ```
 *
 * @module
 */

export * from "./batch_sampler.ts";
export * from "./rng.ts";
