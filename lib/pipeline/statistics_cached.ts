/**
 * The grid's statistics (`effects.ts`), computed once and cached like every
 * other step: keyed by the evaluations they read (their cache keys, with the
 * role of each in the grid), the options and the code of `effects.ts` and
 * what it imports. Notebooks 01, 02 and 06 share one computation.
 *
 * @module
 */

import { join } from "node:path";
import { writeJsonAtomic } from "../util/atomic.ts";
import { cached } from "./cache.ts";
import { computeStatistics, type Statistics } from "./effects.ts";
import type { ExperimentResults } from "./experiment.ts";

const CODE = [new URL("./effects.ts", import.meta.url)];

/** What the statistics depend on besides the code: every evaluation's key and place in the grid. */
export function statisticsInputs(
  results: ExperimentResults,
  options: { iterations?: number; seed?: number },
): unknown {
  return {
    iterations: options.iterations ?? 2000,
    seed: options.seed ?? 1,
    runs: results.runs.map((
      r,
    ) => [r.finetune, r.dataset, r.base, r.strategy, r.seed, r.baseSeed, r.eval.key]),
    bases: results.bases.map((b) => [b.base, b.seed, b.dataset, b.finetunes, b.eval.key]),
    bm25: results.bm25.map((b) => [b.dataset, b.eval.key]),
    extra: results.extra.map((x) => [x.name, x.finetune, x.base, x.seed, x.dataset, x.eval.key]),
  };
}

/**
 * {@linkcode computeStatistics} of the whole grid, from the cache when the
 * same evaluations were summarised before (`seconds` is the time the
 * computation took when it ran).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticResults } from "./_synthetic.ts";
 * import { statisticsCached } from "./statistics_cached.ts";
 * import { setCacheRoot } from "./cache.ts";
 * setCacheRoot(await Deno.makeTempDir());
 * const results = syntheticResults({ value: () => 0.5 });
 * const a = await statisticsCached(results, { iterations: 50 });
 * const b = await statisticsCached(results, { iterations: 50 });
 * assert.deepEqual(a, b);
 * ```
 */
export async function statisticsCached(
  results: ExperimentResults,
  options: { iterations?: number; seed?: number } = {},
): Promise<Statistics> {
  const entry = await cached("stats", statisticsInputs(results, options), async (dir) => {
    await writeJsonAtomic(join(dir, "statistics.json"), computeStatistics(results, options));
  }, CODE);
  const stats: Statistics = JSON.parse(await Deno.readTextFile(join(entry.dir, "statistics.json")));
  // JSON has no Infinity: an unbounded df was written as null.
  for (const e of [...stats.effects, ...stats.fineTuning, ...stats.anchors]) {
    if (e.df === null) e.df = Infinity;
  }
  return stats;
}
