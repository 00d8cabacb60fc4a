/**
 * The one mapping from a training config's `sampling` section to the
 * {@linkcode BatchSampler} its batches are drawn with: the training batches,
 * the validation batches (their own size and seed) and the evidence that
 * counts a hybrid sampler's X-X share all build their sampler here.
 *
 * @module
 */

import type { ParallelExample } from "../data/types.ts";
import { BatchSampler } from "../sampling/batch_sampler.ts";
import type { SamplingConfig } from "./config.ts";

/** What may differ from the config's `sampling` section. */
export interface SamplerOverrides {
  /** Instead of `sampling.alpha` (e.g. to count another α's batches). */
  alpha?: number;
  /** Instead of `sampling.batchSize` (e.g. a validation set's smaller batches). */
  batchSize?: number;
}

/**
 * The batch sampler of a training config over `examples`.
 *
 * @param examples The parallel examples (a training or validation split).
 * @param languages The training languages.
 * @param sampling The config's `sampling` section (α, batch size, unique groups, X-Y pairs).
 * @param seed The sampler's seed.
 * @param overrides α or batch size instead of the config's.
 * @returns The sampler.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configSampler } from "./sampler.ts";
 * const examples = Array.from({ length: 8 }, (_, i) => ({
 *   id: `${i}`,
 *   group: `${i}`,
 *   texts: { en: { query: "q", passage: "p" }, de: { query: "F", passage: "P" } },
 * }));
 * const sampling = { alpha: 0.5, batchSize: 4, uniqueGroups: true, crossPairs: "per-example" as const };
 * const sampler = configSampler(examples, ["de", "en"], sampling, 1);
 * assert.equal(sampler.length, 2);
 * const xx = configSampler(examples, ["de", "en"], sampling, 1, { alpha: 1, batchSize: 2 });
 * assert([...xx.batches(0)].every((b) => b.kind === "xx" && b.items.length === 2));
 * ```
 */
export function configSampler(
  examples: readonly ParallelExample[],
  languages: readonly string[],
  sampling: SamplingConfig,
  seed: number,
  overrides: SamplerOverrides = {},
): BatchSampler {
  return new BatchSampler(examples, {
    batchSize: overrides.batchSize ?? sampling.batchSize,
    alpha: overrides.alpha ?? sampling.alpha,
    seed,
    languages,
    uniqueGroups: sampling.uniqueGroups,
    crossPairs: sampling.crossPairs,
  });
}
