/**
 * The entry of one worker process of `runExperiment` (`XLIR_WORKERS` > 1):
 * `deno run -A lib/pipeline/experiment_worker.ts <claims>/grid.json`, where
 * the file holds `{ exp, dataDir, claims }`. It claims and runs grid jobs
 * until none is left (`workGrid`), leaving what it made in the cache; it
 * exits with 1 when a job failed.
 *
 * @module
 */

import { type ExperimentConfig, workGrid } from "./experiment.ts";

if (import.meta.main) {
  const [specPath] = Deno.args;
  const spec = JSON.parse(await Deno.readTextFile(specPath)) as {
    exp: ExperimentConfig;
    dataDir: string;
    claims: string;
  };
  const summary = await workGrid(spec.exp, spec.dataDir, spec.claims);
  Deno.exit(summary.failed.length > 0 ? 1 : 0);
}
