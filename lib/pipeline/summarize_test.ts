import assert from "node:assert/strict";
import { meanCi } from "../eval/significance.ts";
import { type SyntheticPoint, syntheticResults } from "./_synthetic.ts";
import {
  alphaSweepTable,
  biasDistribution,
  languageBiasTable,
  mapTable,
  perLanguageMeansTable,
  perLanguageTable,
  tableGroups,
  trainingRunsTable,
} from "./summarize.ts";

/** Distinct values per strategy and setting, so that a swapped column or sign shows. */
const MEANS: Record<string, Record<string, number>> = {
  "X-X": { mono: 0.61, cross: 0.32, multi: 0.23, bias: 900 },
  "X-Y": { mono: 0.55, cross: 0.41, multi: 0.29, bias: 610 },
  hybrid: { mono: 0.6, cross: 0.4, multi: 0.3, bias: 640 },
  "α=0.25": { mono: 0.57, cross: 0.405, multi: 0.295, bias: 620 },
  "no fine-tuning": { mono: 0.5, cross: 0.2, multi: 0.15, bias: 1100 },
  BM25: { mono: 0.7, cross: 0.1, multi: 0.09, bias: 1300 },
};
const value = (p: SyntheticPoint) => MEANS[p.strategy][p.setting] + 0.004 * (p.seed - 3);
const results = syntheticResults({ value, alphas: [0, 0.25, 0.5, 1], noise: 0.01 });

Deno.test("mapTable() puts each setting's mean over seeds in its own column", () => {
  const rows = mapTable(results);
  for (const strategy of ["X-X", "X-Y", "hybrid", "BM25", "no fine-tuning"]) {
    const r = rows.find((r) =>
      r.strategy === strategy && (r.base === "aligned" || r.base === "—")
    )!;
    for (const s of ["mono", "cross", "multi"]) {
      assert.ok(
        Math.abs((r[s] as number) - MEANS[strategy][s]) < 0.01,
        `${strategy} ${s}: ${r[s]}`,
      );
    }
  }
  const hybrid = rows.find((r) => r.strategy === "hybrid" && r.base === "aligned")!;
  const seeds = results.runs.filter((r) => r.strategy === "hybrid" && r.base === "aligned");
  const ci = meanCi(seeds.map((r) => r.eval.summary.cross.map));
  assert.ok(Math.abs((hybrid.cross_ci as number) - ci.halfWidth) < 1e-4);
  assert.equal(hybrid.seeds, 5);
  assert.equal(rows.find((r) => r.strategy === "BM25")!.mono_ci, null);
  assert.ok(!rows.some((r) => String(r.strategy).startsWith("α=")));
});

Deno.test("tableGroups() gathers a base's seeds into one row per dataset", () => {
  const groups = tableGroups(results).filter((g) => g.strategy === "no fine-tuning");
  assert.deepEqual(groups.map((g) => [g.base, g.evals.length]), [["unaligned", 5], ["aligned", 5]]);
});

Deno.test("languageBiasTable() sets the bias against its chance level and the pool", () => {
  const chance = [{
    dataset: "xquad-r",
    poolSize: 2001,
    biasMethod: "exact",
    mono: { map: 0, r1: 0 },
    cross: { map: 0, r1: 0 },
    multi: {
      map: 0,
      r10: 0,
      hit1: 0,
      languageBias: 1600,
      ownRank: 1000,
      otherRank: 1000,
      top10Own: 1 / 3,
    },
  }];
  const rows = languageBiasTable(results, chance);
  const xx = rows.find((r) => r.strategy === "X-X" && r.base === "unaligned")!;
  const hy = rows.find((r) => r.strategy === "hybrid" && r.base === "unaligned")!;
  assert.ok(Math.abs((xx.bias as number) - 900) < 10);
  assert.ok((hy.bias as number) < (xx.bias as number));
  assert.ok(Math.abs((xx.bias_vs_chance as number) - 900 / 1600) < 0.01);
  assert.ok(Math.abs((xx.bias_per_pool as number) - 900 / 2000) < 0.01);
  assert.equal(rows[0].strategy, "chance (exact)");
  assert.equal(xx.top10_own_chance, 0.3333);
});

Deno.test("alphaSweepTable() orders α and keeps each setting's value", () => {
  const rows = alphaSweepTable(results);
  const mono = rows.filter((r) => r.setting === "mono");
  assert.deepEqual(mono.map((r) => r.alpha), [0, 0.25, 0.5, 1]);
  // α = 0 is X-Y, α = 1 is X-X
  assert.ok(Math.abs((mono[0].mean as number) - MEANS["X-Y"].mono) < 0.01);
  assert.ok(Math.abs((mono[3].mean as number) - MEANS["X-X"].mono) < 0.01);
  const bias = rows.filter((r) => r.setting === "bias");
  assert.ok((bias[3].mean as number) > (bias[0].mean as number));
  assert.ok(rows.every((r) => r.seeds === 5));
});

Deno.test("perLanguageTable() and perLanguageMeansTable() agree with the summaries", () => {
  const per = perLanguageTable(results, { P1: ["de", "en"] });
  const zh = per.find((r) => r.lang === "zh" && r.strategy === "hybrid" && r.base === "aligned")!;
  assert.equal(zh.unseen, true);
  assert.ok(Math.abs((zh.cross_map as number) - MEANS.hybrid.cross) < 0.02);
  const means = perLanguageMeansTable(results);
  const hy = means.find((r) => r.strategy === "hybrid" && r.base === "aligned")!;
  assert.ok(Math.abs((hy.map_multi as number) - MEANS.hybrid.multi) < 0.01);
  const langs = per.filter((r) => r.strategy === "hybrid" && r.base === "aligned");
  const meanOfLangs = langs.reduce((t, r) => t + (r.mono_map as number), 0) / langs.length;
  assert.ok(Math.abs(meanOfLangs - (hy.map_mono as number)) < 1e-3);
});

Deno.test("biasDistribution() and trainingRunsTable() list each query and model once", () => {
  const dist = biasDistribution(results, "P1", "xquad-r");
  assert.equal(dist.length, 2 * 3 * 5 * 3 * 40);
  const runs = trainingRunsTable(results);
  assert.equal(new Set(runs.map((r) => r.model)).size, runs.length);
});
