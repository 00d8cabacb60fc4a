import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  alphaBiasFigure,
  alphaSweepFigure,
  biasDistributionFigure,
  latencyQualityFigure,
  mapFigure,
  STRATEGY_ORDER,
} from "./figures.ts";
import { normalizeSvg } from "./render.ts";
import { syntheticResults } from "../pipeline/_synthetic.ts";
import { alphaSweepTable, biasDistribution, mapTable } from "../pipeline/summarize.ts";
import { withPaperMap } from "./paper_columns.ts";

/** Compares a figure with its snapshot (`testdata/<name>.svg`); `XLIR_UPDATE_SNAPSHOTS=1` rewrites it. */
async function snapshot(name: string, svg: string) {
  const path = fileURLToPath(new URL(`./testdata/${name}.svg`, import.meta.url));
  const actual = normalizeSvg(svg) + "\n";
  if (Deno.env.get("XLIR_UPDATE_SNAPSHOTS") === "1") {
    await Deno.writeTextFile(path, actual);
    return;
  }
  assert.equal(actual, await Deno.readTextFile(path), `${name}.svg differs from its snapshot`);
}

const sweep = [0, 0.5, 1].flatMap((alpha, i) => [
  { dataset: "xquad-r", alpha, setting: "mono", mean: 0.5 + 0.01 * i, ci: 0.01 },
  { dataset: "xquad-r", alpha, setting: "cross", mean: 0.1 - 0.01 * i, ci: 0.005 },
  { dataset: "xquad-r", alpha, setting: "multi", mean: 0.12, ci: 0.004 },
  { dataset: "xquad-r", alpha, setting: "bias", mean: 9000 + 500 * i, ci: 100 },
]);

Deno.test("biasDistributionFigure() matches its snapshot", async () => {
  const rows = ["X-X", "X-Y", "hybrid"].flatMap((strategy, i) =>
    [0, 3, 40, 800, 5000].map((d) => ({ base: "aligned", strategy, rank_distance: d * (i + 1) }))
  );
  await snapshot("bias_distribution", biasDistributionFigure(rows));
});

Deno.test("alphaSweepFigure() and alphaBiasFigure() match their snapshots", async () => {
  await snapshot("alpha_sweep", alphaSweepFigure(sweep));
  await snapshot("alpha_bias", alphaBiasFigure(sweep));
});

Deno.test("latencyQualityFigure() matches its snapshot", async () => {
  await snapshot(
    "latency_quality",
    latencyQualityFigure([
      { model: "BM25", p50_ms: 1.2, p95_ms: 2.5, ndcg_cut_10: 0.665 },
      { model: "hybrid", p50_ms: 3.1, p95_ms: 4.4, ndcg_cut_10: 0.41 },
    ]),
  );
});

Deno.test("mapFigure() matches its snapshot and shows every strategy", async () => {
  const rows = ["X-X", "X-Y", "hybrid"].map((strategy, i) => ({
    finetune: "P1",
    dataset: "xquad-r",
    base: "aligned",
    strategy,
    mono: 0.5 - 0.01 * i,
    mono_ci: 0.01,
    cross: 0.1 + 0.01 * i,
    cross_ci: 0.01,
    multi: 0.12,
    multi_ci: 0.01,
  }));
  const svg = mapFigure(rows);
  for (const s of ["X-X", "X-Y", "hybrid"]) assert.ok(svg.includes(`>${s}<`), s);
  await snapshot("map_bars", svg);
});

Deno.test("every figure draws the rows summarize.ts produces (a contract test, no hand-built rows)", () => {
  const results = syntheticResults({
    value: (p) =>
      p.setting === "bias" ? 800 + 100 * p.seed : 0.3 + (p.strategy === "hybrid" ? 0.05 : 0),
    alphas: [0, 0.5, 1],
  });
  const map = mapFigure(withPaperMap(mapTable(results)));
  for (const s of STRATEGY_ORDER) assert.ok(map.includes(`>${s}<`), s);
  assert.ok(!map.includes("NaN"));
  const sweep = alphaSweepTable(results);
  for (const svg of [alphaSweepFigure(sweep), alphaBiasFigure(sweep)]) {
    assert.ok(svg.startsWith("<svg") && !svg.includes("NaN"));
    assert.ok((svg.match(/<circle/g) ?? []).length >= 3, "one dot per α at least");
  }
  const dist = biasDistributionFigure(biasDistribution(results, "P1", "xquad-r"));
  assert.ok(dist.includes(">aligned<") && dist.includes(">unaligned<") && !dist.includes("NaN"));
});
