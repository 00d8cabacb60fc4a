// The experiment grid on real checkpoints given by path (configs/experiment.real.json's kind),
// end to end on tiny LaBSE-layout and XLM-R-layout sentence-transformers folders built with
// PyTorch, on the real data: every grid point fine-tuned (the tfjs transformer) and evaluated
// (ONNX Runtime), the bases evaluated as they are, the tables naming the bases.
import assert from "node:assert/strict";
import { setCacheRoot } from "./cache.ts";
import { join } from "node:path";
import { resolveDataDir } from "../data/data_dir.ts";
import { buildSpmModel } from "../data/testdata/_spm.ts";
import {
  makeLabseFolder,
  makeXlmrFolder,
  ST_FOLDERS_NEED,
  stFoldersAvailable,
} from "../model/testdata/_st_folders.ts";
import { fromRoot } from "../util/root.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { loadExperiment, NO_FINE_TUNING, runExperiment } from "./experiment.ts";
import { mapTable, trainingRunsTable } from "./summarize.ts";

const dataDir = resolveDataDir();
const ready = await stFoldersAvailable() && exists(join(dataDir, "xquad-r")) &&
  exists(join(dataDir, "mlqa-r"));

/** Two tiny checkpoint folders and a tiny grid over them, in a temp dir. */
export async function tinyRealGrid(): Promise<{ dir: string; experiment: string }> {
  const dir = await Deno.makeTempDir({ prefix: "xlir-realgrid-" });
  const spm = await buildSpmModel();
  try {
    await Deno.mkdir(join(dir, "xlm-r"));
    await Deno.mkdir(join(dir, "labse"));
    await makeXlmrFolder(join(dir, "xlm-r"), spm);
    await makeLabseFolder(join(dir, "labse"));
  } finally {
    await Deno.remove(spm, { recursive: true });
  }
  const experiment = join(dir, "experiment.json");
  const shipped = JSON.parse(await Deno.readTextFile(fromRoot("configs/experiment.real.json")));
  await Deno.writeTextFile(
    experiment,
    JSON.stringify({
      ...shipped,
      name: "tiny-real",
      seeds: [1],
      strategies: { "X-X": 1, hybrid: 0.5 },
      bases: { "XLM-R": { model: join(dir, "xlm-r") }, LaBSE: { model: join(dir, "labse") } },
      finetune: { "P2-mlqa": shipped.finetune["P2-mlqa"] },
      alphaSweep: { alphas: [0, 0.5], base: "LaBSE", finetune: "P2-mlqa", seeds: [1] },
      eval: { maxQueries: 10, mlqaSource: "lareqa" },
      meanCentering: [],
      dictionaryBm25: false,
      // The shipped transformer config, cut to a few steps on 20 questions (positions: 40).
      trainOverrides: {
        model: { maxLength: 24 },
        data: { maxExamples: 20, validFraction: 0 },
        sampling: { batchSize: 4 },
        train: { epochs: 1, maxSteps: 3 },
      },
    }),
  );
  return { dir, experiment };
}

Deno.test({
  name:
    "runExperiment() on XLM-R and LaBSE folders given by path fine-tunes every grid point from them and evaluates the bases as they are",
  ignore: skipUnless(ready, `${ST_FOLDERS_NEED}, XQuAD-R and MLQA-R`),
  async fn() {
    setCacheRoot(await Deno.makeTempDir({ prefix: "xlir-realgrid-cache-" }));
    const { dir, experiment } = await tinyRealGrid();
    try {
      const exp = await loadExperiment(experiment);
      const results = await runExperiment(exp, dataDir);
      // 2 bases × 2 strategies (α 1 and 0.5) + the sweep's α 0 on LaBSE, each on XQuAD-R.
      assert.deepEqual(results.runs.map((r) => `${r.base}/${r.strategy}:${r.dataset}`), [
        "XLM-R/X-X:xquad-r",
        "XLM-R/hybrid:xquad-r",
        "LaBSE/X-X:xquad-r",
        "LaBSE/hybrid:xquad-r",
        "LaBSE/α=0:xquad-r",
      ]);
      for (const r of results.runs) {
        assert.equal(r.model.run.result.steps, 3, `${r.base}/${r.strategy} trained 3 steps`);
        assert.match(r.model.run.backend, /^tfjs-/);
        assert.equal(r.baseSeed, 0);
        // Started from its base folder: the run's config names it.
        const run = r.model.run as unknown as { config: { model: { initFrom: string } } };
        assert.equal(run.config.model.initFrom, join(dir, r.base === "LaBSE" ? "labse" : "xlm-r"));
        assert.equal(r.eval.summary.langs.length, 11);
        assert.ok(r.eval.summary.mono.map > 0 && r.eval.summary.mono.map <= 1);
      }
      assert.equal(new Set(results.runs.map((r) => r.model.key)).size, 5);
      // The bases, evaluated as they are, once (seed 0), keyed by their files.
      assert.deepEqual(results.bases.map((b) => `${b.base}@${b.seed}:${b.dataset}`), [
        "XLM-R@0:xquad-r",
        "LaBSE@0:xquad-r",
      ]);
      assert.ok(results.bases.every((b) => b.model.run.result.status === "given"));
      assert.notEqual(
        results.bases[0].eval.summary.mono.map,
        results.runs[0].eval.summary.mono.map,
      );
      // The tables carry the bases' names.
      const table = mapTable(results);
      for (const base of ["XLM-R", "LaBSE"]) {
        for (const strategy of [NO_FINE_TUNING, "X-X", "hybrid"]) {
          assert.ok(
            table.some((row) => row.base === base && row.strategy === strategy),
            `${base} / ${strategy} in the mAP table`,
          );
        }
      }
      const timing = trainingRunsTable(results);
      assert.ok(timing.some((row) => row.model === "base LaBSE (given folder)"));
      // Everything is cached: a second run trains and evaluates nothing.
      const again = await runExperiment(exp, dataDir);
      assert.ok(again.runs.every((r) => !r.model.fresh));
      assert.deepEqual(again.runs.map((r) => r.eval.key), results.runs.map((r) => r.eval.key));
    } finally {
      await Deno.remove(dir, { recursive: true });
      setCacheRoot(undefined);
    }
  },
});
