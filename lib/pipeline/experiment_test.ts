import assert from "node:assert/strict";
import { setCacheRoot } from "./cache.ts";
import { join } from "node:path";
import { writeTinyDataDir } from "../data/_testing.ts";
import { InputError } from "../util/errors.ts";
import { runWithEnv } from "../util/testing.ts";
import {
  type ExperimentConfig,
  finetuneConfig,
  loadExperiment,
  parseExperiment,
  planGrid,
  pretrainSeedFor,
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

Deno.test("planGrid()'s points are finetune × base × strategy × seed, in that nesting order", async () => {
  const exp = await loadExperiment(await writeExperiment(GRID));
  const points = planGrid(exp).points;
  assert.equal(points.length, 2 * 2 * 3 * 2);
  // A null base starts each run from its own seed; a bare base path is pre-trained once (seed 0).
  assert.deepEqual(points.slice(0, 3), [
    { finetune: "P1", base: "unaligned", strategy: "X-X", alpha: 1, seed: 1, baseSeed: 1 },
    { finetune: "P1", base: "unaligned", strategy: "X-X", alpha: 1, seed: 2, baseSeed: 2 },
    { finetune: "P1", base: "unaligned", strategy: "X-Y", alpha: 0, seed: 1, baseSeed: 1 },
  ]);
  assert.deepEqual(points.at(-1), {
    finetune: "P2-mlqa",
    base: "aligned",
    strategy: "hybrid",
    alpha: 0.5,
    seed: 2,
    baseSeed: 0,
  });
  const keys = points.map((p) => `${p.finetune}/${p.base}/${p.strategy}/${p.seed}`);
  assert.equal(new Set(keys).size, keys.length, "no point twice");
});

Deno.test("planGrid() adds only the α sweep's points the grid lacks, named α=<value>", async () => {
  const exp = await loadExperiment(
    await writeExperiment({
      ...GRID,
      alphaSweep: { alphas: [0, 0.25, 0.5, 1], base: "aligned", finetune: "P1", seeds: [1, 3] },
    }),
  );
  const sweep = planGrid(exp).points.slice(24);
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
  const other = planGrid({
    ...exp,
    alphaSweep: { alphas: [0.5], base: "unaligned", finetune: "P2-mlqa", seeds: [2] },
  }).points;
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
    [
      { ...GRID, eval: { ...GRID.eval, maxLength: 0 } },
      /eval\.maxLength is 0, expected a positive/,
    ],
    [{ ...GRID, eval: { ...GRID.eval, maxLength: "512" } }, /eval\.maxLength is "512"/],
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
  setCacheRoot(await Deno.makeTempDir());
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
  assert.ok(
    results.runs.every((r) => r.baseSeed === r.seed),
    "a null base starts from the run's seed",
  );
  // The null base is evaluated as it is, at the seed its runs start from, on each dataset.
  assert.deepEqual(results.bases.map((b) => `${b.base}@${b.seed}:${b.dataset}`), [
    "unaligned@1:xquad-r",
    "unaligned@1:mlqa-r",
  ]);
  assert.ok(results.bases.every((b) => b.model.run.result.status === "initialised"));
  assert.ok(results.runs.every((r) => r.protocol === "P1" && r.eval.summary.dataset === r.dataset));
  // A second run loads everything from the cache.
  const again = await runExperiment(exp, dataDir);
  assert.ok(again.runs.every((r) => !r.model.fresh));
  assert.deepEqual(again.runs.map((r) => r.eval.key), results.runs.map((r) => r.eval.key));
  assert.ok(again.bases.every((b) => !b.model.fresh));
});

Deno.test("runExperiment() with 2 worker processes gives one process's results, every step done by a worker", async () => {
  const dataDir = await writeTinyDataDir();
  const p1 = join(dataDir, "p1.json");
  await Deno.writeTextFile(p1, JSON.stringify(TINY_TRAIN));
  // The pre-trained base starts from an SVD block: one job computes it for both seeds.
  const svdBase = join(dataDir, "svd_base.json");
  await Deno.writeTextFile(
    svdBase,
    JSON.stringify({
      ...TINY_TRAIN,
      model: { dim: 12, init: "svd", svdRank: 4, svdSources: ["tatoeba", "ntrex", "flores"] },
    }),
  );
  const exp = await loadExperiment(
    await writeExperiment({
      name: "tiny-workers",
      seeds: [1, 2],
      strategies: { "X-X": 1, "X-Y": 0 },
      bases: { unaligned: null, tiny: { config: svdBase, pretrainSeeds: [1, 2] } },
      finetune: { P1: { protocol: "P1", config: p1, evaluate: ["xquad-r"] } },
      eval: { maxQueries: 0, mlqaSource: "lareqa" },
    }),
  );
  // (Model keys differ between the two caches: a fine-tuning's covers its base's folder.)
  const summaries = (r: Awaited<ReturnType<typeof runExperiment>>) => ({
    runs: r.runs.map((x) => [x.base, x.strategy, x.seed, x.baseSeed, x.eval.summary]),
    bases: r.bases.map((x) => [x.base, x.seed, x.eval.summary]),
    bm25: r.bm25.map((x) => x.eval.summary),
  });
  setCacheRoot(await Deno.makeTempDir());
  const one = await runExperiment(exp, dataDir, { workers: 1 });
  const twoCache = await Deno.makeTempDir();
  setCacheRoot(twoCache);
  const two = await runExperiment(exp, dataDir, { workers: 2 });
  assert.equal([...Deno.readDirSync(join(twoCache, "svd"))].length, 1);
  assert.deepEqual(summaries(two), summaries(one));
  assert.equal(two.runs.length, 8);
  // This process only collected: the workers trained and evaluated everything.
  assert.ok(two.runs.every((r) => !r.model.fresh));
  assert.ok(two.bases.every((b) => !b.model.fresh));
});

/** A grid with pre-trainings per seed, for the planning tests. */
const grid = (extra: Record<string, unknown> = {}) => ({
  name: "t",
  seeds: [1, 2, 3, 4, 5],
  strategies: { "X-X": 1, "X-Y": 0, hybrid: 0.5 },
  bases: {
    unaligned: null,
    aligned: { config: "configs/base_aligned.json", pretrainSeeds: [1, 2] },
  },
  finetune: {
    P1: { protocol: "P1", config: "configs/p1_ict.json", evaluate: ["xquad-r", "mlqa-r"] },
    "P2-mlqa": { protocol: "P2", config: "configs/p2_mlqa.json", evaluate: ["xquad-r"] },
  },
  alphaSweep: { alphas: [0, 0.25, 0.5], base: "aligned", finetune: "P1", seeds: [1, 2, 3, 6] },
  eval: { maxQueries: 0, mlqaSource: "lareqa" },
  ...extra,
});

Deno.test("planGrid() starts each fine-tuning seed from a pre-training, round-robin", () => {
  const plan = planGrid(parseExperiment(grid(), "t.json"));
  const aligned = plan.points.filter((p) => p.base === "aligned" && p.strategy === "hybrid");
  assert.deepEqual(aligned.filter((p) => p.finetune === "P1").map((p) => [p.seed, p.baseSeed]), [
    [1, 1],
    [2, 2],
    [3, 1],
    [4, 2],
    [5, 1],
  ]);
  // both pre-trainings are used by every strategy and variant
  for (const s of ["X-X", "X-Y", "hybrid"]) {
    for (const f of ["P1", "P2-mlqa"]) {
      const used = new Set(
        plan.points.filter((p) => p.base === "aligned" && p.strategy === s && p.finetune === f)
          .map((p) => p.baseSeed),
      );
      assert.deepEqual([...used].sort(), [1, 2], `${f} ${s}`);
    }
  }
  assert.deepEqual(plan.pretrainings, [{ base: "aligned", seeds: [1, 2] }]);
});

Deno.test("planGrid() gives a seed the same base everywhere, the α sweep's extra points included", () => {
  const plan = planGrid(parseExperiment(grid(), "t.json"));
  const bySeed = new Map<number, Set<number>>();
  for (const p of plan.points.filter((p) => p.base === "aligned")) {
    if (!bySeed.has(p.seed)) bySeed.set(p.seed, new Set());
    bySeed.get(p.seed)!.add(p.baseSeed);
  }
  for (const [seed, bases] of bySeed) assert.equal(bases.size, 1, `seed ${seed}`);
  // α = 0.5 and 0 are grid strategies at seeds 1-3: only seed 6 and α = 0.25 are new
  const sweepOnly = plan.points.filter((p) => p.strategy.startsWith("α="));
  assert.deepEqual(
    sweepOnly.map((p) => `${p.alpha}/${p.seed}/${p.baseSeed}`),
    ["0/6/2", "0.25/1/1", "0.25/2/2", "0.25/3/1", "0.25/6/2", "0.5/6/2"],
  );
});

Deno.test("planGrid() evaluates a null base at every seed its runs use, starting each run from its own seed", () => {
  const plan = planGrid(parseExperiment(grid(), "t.json"));
  assert.deepEqual(plan.inits, [{ base: "unaligned", seeds: [1, 2, 3, 4, 5] }]);
  for (const p of plan.points.filter((p) => p.base === "unaligned")) {
    assert.equal(p.baseSeed, p.seed);
  }
  assert.equal(plan.points.filter((p) => !p.strategy.startsWith("α=")).length, 2 * 2 * 3 * 5);
});

Deno.test("parseExperiment() keeps a bare base path as one pre-training with the config's seed", () => {
  const exp = parseExperiment(
    grid({ bases: { unaligned: null, aligned: "configs/base_aligned.json" } }),
    "t.json",
  );
  assert.deepEqual(exp.bases.aligned, { config: "configs/base_aligned.json", pretrainSeeds: null });
  assert.deepEqual(planGrid(exp).pretrainings, [{ base: "aligned", seeds: null }]);
});

Deno.test("parseExperiment() names the field of a malformed grid", () => {
  const bad = (extra: Record<string, unknown>, re: RegExp) =>
    assert.throws(
      () => parseExperiment(grid(extra), "t.json"),
      (e) => e instanceof InputError && re.test(e.message),
    );
  bad({ seeds: [] }, /t\.json: seeds is \[\], expected a non-empty list of integer seeds/);
  bad({ seeds: [1, 1] }, /seeds lists a seed twice/);
  bad(
    { bases: { aligned: { config: "x.json", pretrainSeeds: [1.5] } } },
    /bases\.aligned\.pretrainSeeds/,
  );
  bad({ bases: { aligned: 3 } }, /bases\.aligned is 3, expected null, a config path/);
  bad(
    { meanCentering: ["X-Z"] },
    /meanCentering has "X-Z", expected one of X-X, X-Y, hybrid, no fine-tuning/,
  );
  bad(
    { alphaSweep: { alphas: [0], base: "other", finetune: "P1", seeds: [1] } },
    /alphaSweep\.base "other"/,
  );
});

Deno.test("parseExperiment() takes a model folder used as it is, alone in its spec", () => {
  const exp = parseExperiment(
    grid({ bases: { labse: { model: "models/labse" }, unaligned: null }, alphaSweep: null }),
    "t.json",
  );
  assert.deepEqual(exp.bases.labse, { config: null, pretrainSeeds: null, model: "models/labse" });
  const plan = planGrid(exp);
  assert.deepEqual(plan.given, [{ base: "labse", model: "models/labse" }]);
  assert.deepEqual(plan.pretrainings, []);
  assert.deepEqual(plan.inits.map((i) => i.base), ["unaligned"]);
  // Every seed starts from the folder (base seed 0), the null base from its own seed.
  assert.ok(plan.points.filter((p) => p.base === "labse").every((p) => p.baseSeed === 0));
  assert.ok(plan.points.filter((p) => p.base === "unaligned").every((p) => p.baseSeed === p.seed));
  for (const spec of [{ model: "" }, { model: 3 }, { model: "m", pretrainSeeds: [1] }]) {
    assert.throws(
      () => parseExperiment(grid({ bases: { labse: spec }, alphaSweep: null }), "t.json"),
      (e) =>
        e instanceof InputError &&
        /t\.json: bases\.labse is .*expected \{ "model": path \}/.test(e.message),
    );
  }
});

Deno.test("runExperiment() names the field of a base folder that is missing or does not load", async () => {
  setCacheRoot(await Deno.makeTempDir());
  const dataDir = await writeTinyDataDir();
  const p1 = join(dataDir, "p1.json");
  await Deno.writeTextFile(p1, JSON.stringify(TINY_TRAIN));
  const broken = await Deno.makeTempDir();
  await Deno.writeTextFile(join(broken, "config.json"), JSON.stringify({ model_type: "gpt2" }));
  for (
    const [folder, re] of [[join(broken, "nope"), /is not a model folder/], [broken, /cannot load/]]
  ) {
    const path = await writeExperiment({
      name: "t",
      seeds: [1],
      strategies: { "X-X": 1 },
      bases: { labse: { model: folder } },
      finetune: { P1: { protocol: "P1", config: p1, evaluate: ["xquad-r"] } },
      eval: { maxQueries: 0, mlqaSource: "lareqa" },
    });
    await assert.rejects(
      runExperiment(await loadExperiment(path), dataDir),
      (e) =>
        e instanceof InputError && e.message.startsWith(`${path}: bases.labse.model: `) &&
        (re as RegExp).test(e.message),
    );
  }
});

Deno.test("pretrainSeedFor() cycles through the pre-trainings from the first seed", () => {
  assert.deepEqual([1, 2, 3].map((s) => pretrainSeedFor([5], s)), [5, 5, 5]);
  assert.deepEqual([1, 2, 3, 4].map((s) => pretrainSeedFor([1, 2, 3], s)), [1, 2, 3, 1]);
});

Deno.test("the committed experiment configs parse", async () => {
  for (
    const path of [
      "configs/experiment.json",
      "configs/experiment.quick.json",
      "configs/experiment.real.json",
    ]
  ) {
    const exp = await loadExperiment(path);
    assert.ok(planGrid(exp).points.length > 0, path);
  }
});

Deno.test("experimentWorkers() reads XLIR_WORKERS (default 1) and rejects bad counts", async () => {
  // In a child process: the environment is shared by the test modules beside this one.
  const code = `import { experimentWorkers } from "${new URL("./experiment.ts", import.meta.url)}";
    let n; try { n = experimentWorkers(); } catch (e) { n = e.constructor.name + ": " + e.message; }
    console.log(JSON.stringify(n));`;
  assert.equal(JSON.parse(await runWithEnv(code, { XLIR_WORKERS: "3" })), 3);
  assert.equal(JSON.parse(await runWithEnv(code, { XLIR_WORKERS: "" })), 1);
  assert.match(
    JSON.parse(await runWithEnv(code, { XLIR_WORKERS: "0" })),
    /^InputError: XLIR_WORKERS \("0"\) must be a positive integer/,
  );
});
