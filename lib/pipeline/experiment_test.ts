import assert from "node:assert/strict";
import { join } from "node:path";
import { writeTinyDataDir } from "../data/_testing.ts";
import { InputError } from "../util/errors.ts";
import {
  type ExperimentConfig,
  finetuneConfig,
  gridPoints,
  loadExperiment,
  runExperiment,
} from "./experiment.ts";

/** A training config on the tiny data: the static encoder, width 8, one epoch. */
const TINY_TRAIN = {
  model: { dim: 8 },
  data: { protocol: "ict", languages: ["de", "en"], validFraction: 0 },
  sampling: { batchSize: 2, uniqueGroups: false },
  train: { epochs: 1 },
};

const GRID = {
  name: "grid",
  seeds: [1, 2],
  strategies: { "X-X": 1, "X-Y": 0, hybrid: 0.5 },
  bases: { unaligned: null, aligned: "configs/base_aligned.json" },
  finetune: {
    P1: { protocol: "P1", config: "configs/p1_ict.json", evaluate: ["xquad-r", "mlqa-r"] },
    "P2-mlqa": { protocol: "P2", config: "configs/p2_mlqa.json", evaluate: ["xquad-r"] },
  },
  eval: { maxQueries: 0, mlqaSource: "lareqa" },
};

/** Writes `json` as an experiment config in a temp folder; returns its path. */
async function writeExperiment(json: unknown): Promise<string> {
  const path = join(await Deno.makeTempDir(), "experiment.json");
  await Deno.writeTextFile(path, JSON.stringify(json));
  return path;
}

Deno.test("gridPoints() is finetune × base × strategy × seed, in that nesting order", async () => {
  const exp = await loadExperiment(await writeExperiment(GRID));
  const points = gridPoints(exp);
  assert.equal(points.length, 2 * 2 * 3 * 2);
  assert.deepEqual(points.slice(0, 3), [
    { finetune: "P1", base: "unaligned", strategy: "X-X", alpha: 1, seed: 1 },
    { finetune: "P1", base: "unaligned", strategy: "X-X", alpha: 1, seed: 2 },
    { finetune: "P1", base: "unaligned", strategy: "X-Y", alpha: 0, seed: 1 },
  ]);
  assert.deepEqual(points.at(-1), {
    finetune: "P2-mlqa",
    base: "aligned",
    strategy: "hybrid",
    alpha: 0.5,
    seed: 2,
  });
  const keys = points.map((p) => `${p.finetune}/${p.base}/${p.strategy}/${p.seed}`);
  assert.equal(new Set(keys).size, keys.length, "no point twice");
});

Deno.test("gridPoints() adds only the α sweep's points the grid lacks, named α=<value>", async () => {
  const exp = await loadExperiment(
    await writeExperiment({
      ...GRID,
      alphaSweep: { alphas: [0, 0.25, 0.5, 1], base: "aligned", finetune: "P1", seeds: [1, 3] },
    }),
  );
  const sweep = gridPoints(exp).slice(24);
  // α 0, 0.5, 1 exist for seed 1 (X-Y, hybrid, X-X); seed 3 is not in the grid's seeds.
  assert.deepEqual(sweep.map((p) => `${p.strategy}/seed${p.seed}`), [
    "α=0/seed3",
    "α=0.25/seed1",
    "α=0.25/seed3",
    "α=0.5/seed3",
    "α=1/seed3",
  ]);
  assert.ok(sweep.every((p) => p.finetune === "P1" && p.base === "aligned"));
  // A sweep on another base than the grid's points is added whole.
  const other = gridPoints({
    ...exp,
    alphaSweep: { alphas: [0.5], base: "unaligned", finetune: "P2-mlqa", seeds: [2] },
  });
  assert.equal(other.length, 24, "P2-mlqa/unaligned/hybrid/seed2 is already there");
});

Deno.test("loadExperiment() names the file and the field of a bad config", async () => {
  const cases: [unknown, RegExp][] = [
    [{ ...GRID, seeds: undefined }, /experiment\.json: "seeds" is missing/],
    [
      { ...GRID, finetune: { P1: { ...GRID.finetune.P1, evaluate: ["beir"] } } },
      /finetune\.P1\.evaluate has "beir", expected xquad-r or mlqa-r/,
    ],
    [
      { ...GRID, alphaSweep: { alphas: [0], base: "aligned", finetune: "P3", seeds: [1] } },
      /alphaSweep\.finetune "P3" is not in finetune/,
    ],
    [
      { ...GRID, alphaSweep: { alphas: [0], base: "labse", finetune: "P1", seeds: [1] } },
      /alphaSweep\.base "labse" is not in bases/,
    ],
  ];
  for (const [json, message] of cases) {
    const path = await writeExperiment(json);
    await assert.rejects(
      () => loadExperiment(path),
      (e) => e instanceof InputError && e.message.startsWith(path) && message.test(e.message),
      String(message),
    );
  }
  const bad = join(await Deno.makeTempDir(), "experiment.json");
  await Deno.writeTextFile(bad, "{ not json");
  await assert.rejects(
    () => loadExperiment(bad),
    (e) => e instanceof InputError && e.message.includes(`Cannot read experiment config ${bad}`),
  );
});

Deno.test("finetuneConfig() merges the grid's overrides into the file and sets the point's seed, α and base", async () => {
  const dir = await Deno.makeTempDir();
  const p1 = join(dir, "p1.json");
  await Deno.writeTextFile(p1, JSON.stringify({ ...TINY_TRAIN, optim: { lr: 0.1, warmup: 0.2 } }));
  const exp = await loadExperiment(
    await writeExperiment({
      ...GRID,
      finetune: { P1: { protocol: "P1", config: p1, evaluate: ["xquad-r"] } },
      trainOverrides: { model: { dim: 16 }, optim: { lr: 0.01 } },
    }),
  );
  const c = await finetuneConfig(exp, "P1", "/models/base", 0.25, 7, "P1/aligned/α=0.25/seed7");
  assert.equal(c.name, "P1/aligned/α=0.25/seed7");
  assert.equal(c.seed, 7);
  assert.equal(c.sampling.alpha, 0.25);
  assert.equal(c.sampling.batchSize, 2, "the file's value, not overridden");
  assert.equal(c.model.dim, 16, "the override");
  assert.equal(c.model.initFrom, "/models/base");
  assert.deepEqual([c.optim.lr, c.optim.warmup], [0.01, 0.2], "merged, not replaced");
  const fresh = await finetuneConfig(exp, "P1", null, 1, 1, "P1/unaligned/X-X/seed1");
  assert.equal(fresh.model.initFrom, null);
});

Deno.test("runExperiment() trains each point once, evaluates it on its datasets and BM25 on each", async () => {
  Deno.env.set("XLIR_CACHE", await Deno.makeTempDir());
  Deno.env.set("XLIR_QUIET", "1");
  const dataDir = await writeTinyDataDir();
  const p1 = join(dataDir, "p1.json");
  await Deno.writeTextFile(p1, JSON.stringify(TINY_TRAIN));
  const exp: ExperimentConfig = await loadExperiment(
    await writeExperiment({
      name: "tiny",
      seeds: [1],
      strategies: { "X-X": 1, hybrid: 0.5 },
      bases: { unaligned: null },
      finetune: { P1: { protocol: "P1", config: p1, evaluate: ["xquad-r", "mlqa-r"] } },
      alphaSweep: { alphas: [0.5, 0.75], base: "unaligned", finetune: "P1", seeds: [1] },
      eval: { maxQueries: 0, mlqaSource: "lareqa" },
    }),
  );
  const results = await runExperiment(exp, dataDir);
  assert.deepEqual(results.bm25.map((b) => b.dataset), ["xquad-r", "mlqa-r"]);
  assert.deepEqual(results.runs.map((r) => `${r.strategy}:${r.dataset}`), [
    "X-X:xquad-r",
    "X-X:mlqa-r",
    "hybrid:xquad-r",
    "hybrid:mlqa-r",
    "α=0.75:xquad-r",
    "α=0.75:mlqa-r",
  ]);
  assert.equal(new Set(results.runs.map((r) => r.model.key)).size, 3, "three trained models");
  assert.ok(results.runs.every((r) => r.protocol === "P1" && r.eval.summary.dataset === r.dataset));
  // A second run loads everything from the cache.
  const again = await runExperiment(exp, dataDir);
  assert.ok(again.runs.every((r) => !r.model.fresh));
  assert.deepEqual(again.runs.map((r) => r.eval.key), results.runs.map((r) => r.eval.key));
});
