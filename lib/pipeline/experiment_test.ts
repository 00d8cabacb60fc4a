import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { loadExperiment, parseExperiment, planGrid, pretrainSeedFor } from "./experiment.ts";

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

Deno.test("pretrainSeedFor() cycles through the pre-trainings from the first seed", () => {
  assert.deepEqual([1, 2, 3].map((s) => pretrainSeedFor([5], s)), [5, 5, 5]);
  assert.deepEqual([1, 2, 3, 4].map((s) => pretrainSeedFor([1, 2, 3], s)), [1, 2, 3, 1]);
});

Deno.test("the committed experiment configs parse", async () => {
  for (const path of ["configs/experiment.json", "configs/experiment.quick.json"]) {
    const exp = await loadExperiment(path);
    assert.ok(planGrid(exp).points.length > 0, path);
  }
});
