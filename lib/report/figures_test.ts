import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Resvg } from "@resvg/resvg-js";
import {
  alphaBiasFigure,
  alphaSweepFigure,
  biasDistributionFigure,
  latencyQualityFigure,
  mapFigure,
  STRATEGY_ORDER,
  tableReferences,
} from "./figures.ts";
import { normalizeSvg } from "./render.ts";
import { svgTitle } from "./svg_title.ts";
import { textWidth } from "./text_width.ts";
import { syntheticResults } from "../pipeline/_synthetic.ts";
import {
  alphaSweepTable,
  biasDistribution,
  languageBiasTable,
  mapTable,
} from "../pipeline/summarize.ts";
import { withPaperMap } from "./paper_columns.ts";
import type { Row } from "../util/row.ts";

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
  { dataset: "xquad-r", alpha, setting: "mono", mean: 0.5 + 0.01 * i, ci: 0.01, seeds: 3 },
  { dataset: "xquad-r", alpha, setting: "cross", mean: 0.1 - 0.01 * i, ci: 0.005, seeds: 3 },
  { dataset: "xquad-r", alpha, setting: "multi", mean: 0.12, ci: 0.004, seeds: 3 },
  { dataset: "xquad-r", alpha, setting: "bias", mean: 9000 + 500 * i, ci: 100, seeds: 3 },
]);
const refs = [
  { dataset: "xquad-r", setting: "mono", label: "BM25", value: 0.74 },
  { dataset: "xquad-r", setting: "cross", label: "no fine-tuning", value: 0.095 },
  { dataset: "xquad-r", setting: "bias", label: "no fine-tuning", value: 9100 },
];
const table1 = ["X-X", "X-Y", "hybrid"].map((strategy, i) => ({
  finetune: "P1",
  dataset: "xquad-r",
  base: "aligned",
  strategy,
  seeds: 3,
  mono: 0.5 - 0.01 * i,
  mono_ci: 0.01,
  cross: 0.1 + 0.01 * i,
  cross_ci: 0.01,
  multi: 0.12,
  multi_ci: 0.01,
  paper_mono: [0.808, 0.801, 0.817][i],
  paper_cross: [0.752, 0.762, 0.767][i],
  paper_multi: [0.652, 0.679, 0.682][i],
}));
const beir = [
  { model: "BM25", p50_ms: 0.23, p95_ms: 0.35, ndcg_cut_10: 0.665 },
  { model: "X-X", p50_ms: 2.7, p95_ms: 3.2, ndcg_cut_10: 0.271 },
  { model: "X-Y", p50_ms: 2.79, p95_ms: 3.25, ndcg_cut_10: 0.276 },
  { model: "hybrid", p50_ms: 2.72, p95_ms: 3.12, ndcg_cut_10: 0.265 },
];
const distribution = ["X-X", "X-Y", "hybrid"].flatMap((strategy, i) =>
  [0, 3, 40, 800, 5000].map((d) => ({ base: "aligned", strategy, rank_distance: d * (i + 1) }))
);

Deno.test("biasDistributionFigure() matches its snapshot", async () => {
  await snapshot(
    "bias_distribution",
    biasDistributionFigure(distribution, {
      title: "Rank distance per query — P1, XQuAD-R",
      dataset: "xquad-r",
      table: [{ dataset: "xquad-r", base: "—", strategy: "BM25", bias: 11000 }],
    }),
  );
});

Deno.test("alphaSweepFigure() and alphaBiasFigure() match their snapshots", async () => {
  await snapshot("alpha_sweep", alphaSweepFigure(sweep, { references: refs }));
  await snapshot("alpha_bias", alphaBiasFigure(sweep, { references: refs }));
});

Deno.test("latencyQualityFigure() matches its snapshot", async () => {
  await snapshot("latency_quality", latencyQualityFigure(beir));
});

Deno.test("mapFigure() matches its snapshot and shows every strategy", async () => {
  const svg = mapFigure(table1);
  for (const s of ["X-X", "X-Y", "hybrid"]) assert.ok(svg.includes(`>${s}<`), s);
  await snapshot("map_bars", svg);
});

/** The grids a figure meets: `--quick` (one seed, one protocol) and the full run's (five seeds, three protocols, two datasets). */
function grids() {
  const value = (p: { setting: string; strategy: string; dataset: string; seed: number }) =>
    p.setting === "bias"
      ? 8000 + 300 * p.seed + (p.dataset === "mlqa-r" ? 4000 : 0)
      : (p.dataset === "mlqa-r" ? 0.2 : 0.58) + (p.strategy === "hybrid" ? 0.005 : 0) +
        (p.setting === "mono" ? 0 : -0.4);
  return {
    quick: syntheticResults({ value, seeds: [1], alphas: [0, 0.5, 1] }),
    full: syntheticResults({
      value,
      seeds: [1, 2, 3, 4, 5],
      finetunes: { P1: ["xquad-r", "mlqa-r"], "P2-mlqa": ["xquad-r"], "P2-xquad": ["mlqa-r"] },
      alphas: [0, 0.25, 0.5, 0.75, 1],
    }),
  };
}

/** Every figure of a grid, as the notebooks draw them. */
function figuresOf(results: ReturnType<typeof syntheticResults>): Record<string, string> {
  const t1 = withPaperMap(mapTable(results));
  const t2 = languageBiasTable(results);
  const s = alphaSweepTable(results);
  const base = results.config.alphaSweep?.base;
  return {
    map: mapFigure(t1),
    sweep: alphaSweepFigure(s, { references: tableReferences(t1, base) }),
    bias: alphaBiasFigure(s, { references: tableReferences(t2, base) }),
    distribution: biasDistributionFigure(biasDistribution(results, "P1", "xquad-r"), {
      table: t2,
      dataset: "xquad-r",
    }),
    latency: latencyQualityFigure(beir.map((r) => ({ ...r, queries: 60, queries_available: 300 }))),
  };
}

const FONT = { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" };

/** The drawn extent of an SVG (its ink, not clipped by nested viewports), by resvg. */
function inkBox(svg: string) {
  const b = new Resvg(svg, { font: FONT }).getBBox();
  assert.ok(b, "the SVG draws something");
  return { x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height };
}

const size = (svg: string) => {
  const root = /^<svg[^>]*>/.exec(svg)![0];
  const w = / width="([\d.]+)"/.exec(root), h = / height="([\d.]+)"/.exec(root);
  assert.ok(w && h, "the SVG has a width and height");
  return { w: Number(w[1]), h: Number(h[1]) };
};

Deno.test("every figure has a visible title and an SVG <title>, at every grid size", () => {
  for (const [grid, results] of Object.entries(grids())) {
    for (const [name, svg] of Object.entries(figuresOf(results))) {
      const title = svgTitle(svg);
      assert.ok(title && title.length > 10, `${grid} ${name}: <title>`);
      assert.ok(
        svg.includes(`font-weight="bold">${title.split(" ")[0]}`),
        `${grid} ${name}: drawn title`,
      );
      assert.ok(!svg.includes("NaN"), `${grid} ${name}: NaN`);
    }
  }
});

Deno.test("nothing is drawn outside a figure or outside its panel, at every grid size (resvg's extents)", () => {
  const tol = 0.5;
  for (const [grid, results] of Object.entries(grids())) {
    for (const [name, svg] of Object.entries(figuresOf(results))) {
      const { w, h } = size(svg);
      const ink = inkBox(svg);
      const where = `${grid} ${name} (${w}×${h}, ink ${JSON.stringify(ink)})`;
      assert.ok(ink.x0 >= -tol && ink.y0 >= -tol && ink.x1 <= w + tol && ink.y1 <= h + tol, where);
      const panels = [...svg.matchAll(/<svg x="[\d.]+" y="[\d.]+" (.*?)<\/svg>/gs)];
      assert.ok(panels.length >= 1, `${where}: panels`);
      for (const [i, [, rest]] of panels.entries()) {
        const panel = `<svg ${rest}</svg>`;
        const p = size(panel), b = inkBox(panel);
        assert.ok(
          b.x0 >= -tol && b.y0 >= -tol && b.x1 <= p.w + tol && b.y1 <= p.h + tol,
          `${where}: panel ${i + 1} (${p.w}×${p.h}) draws ${JSON.stringify(b)}`,
        );
      }
    }
  }
});

Deno.test("tick labels never overlap, and header lines fit their panel", () => {
  for (const [grid, results] of Object.entries(grids())) {
    for (const [name, svg] of Object.entries(figuresOf(results))) {
      for (const [, group] of svg.matchAll(/aria-label="x-axis tick label">(.*?)<\/g>/gs)) {
        const ticks = [...group.matchAll(/translate\(([-\d.]+),[-\d.]+\)[^>]*>([^<]*)</g)]
          .map(([, x, label]) => ({ x: Number(x), w: textWidth(label, 11) }));
        for (let i = 1; i < ticks.length; i++) {
          const gap = ticks[i].x - ticks[i - 1].x - (ticks[i].w + ticks[i - 1].w) / 2;
          assert.ok(
            gap >= 2,
            `${grid} ${name}: x tick labels ${i} and ${i + 1} overlap (gap ${gap})`,
          );
        }
      }
      for (const [, group] of svg.matchAll(/aria-label="y-axis tick label">(.*?)<\/g>/gs)) {
        const ys = [...group.matchAll(/translate\([-\d.]+,([-\d.]+)\)/g)].map(([, y]) => Number(y));
        for (let i = 1; i < ys.length; i++) {
          assert.ok(Math.abs(ys[i] - ys[i - 1]) >= 12, `${grid} ${name}: y tick labels overlap`);
        }
      }
    }
  }
});

Deno.test("alphaSweepFigure() gives each panel its own y scale (a 0.586 line stays inside its own panel)", () => {
  const rows: Row[] = [0, 1].flatMap((alpha) => [
    { dataset: "xquad-r", alpha, setting: "mono", mean: 0.586, ci: 0.002, seeds: 5 },
    { dataset: "mlqa-r", alpha, setting: "mono", mean: 0.05, ci: 0.002, seeds: 5 },
  ]);
  const svg = alphaSweepFigure(rows, { settings: ["mono"], paperAlpha: null });
  const panels = [...svg.matchAll(/<svg x=.*?<\/svg>/gs)].map(([p]) => p);
  assert.equal(panels.length, 2);
  const yTicks = (p: string) =>
    [.../aria-label="y-axis tick label">(.*?)<\/g>/s.exec(p)![1].matchAll(/>([^<]+)</g)].map((m) =>
      Number(m[1])
    );
  const [xquad, mlqa] = panels.map(yTicks);
  assert.ok(Math.min(...xquad) <= 0.584 && Math.max(...xquad) >= 0.588, `XQuAD-R ticks ${xquad}`);
  assert.ok(Math.min(...mlqa) <= 0.048 && Math.max(...mlqa) >= 0.052, `MLQA-R ticks ${mlqa}`);
  assert.ok(Math.max(...mlqa) < 0.2, "MLQA-R's panel is not stretched to XQuAD-R's values");
});

Deno.test("intervals are drawn as capped bars, one per point with an interval; one seed draws none", () => {
  const svg = alphaSweepFigure(sweep.filter((r) => r.setting === "mono"), { settings: ["mono"] });
  const rules = /aria-label="rule">(.*?)<\/g>/gs;
  const lines = [...svg.matchAll(rules)].map(([, g]) => (g.match(/<line/g) ?? []).length);
  // the paper's α, then the bars, the lower caps and the upper caps: 3 each
  assert.deepEqual(lines, [1, 3, 3, 3]);
  const oneSeed = alphaSweepFigure(
    sweep.filter((r) => r.setting === "mono").map((r) => ({ ...r, ci: null, seeds: 1 })),
    { settings: ["mono"], paperAlpha: null },
  );
  assert.ok(!oneSeed.includes('aria-label="rule"') && oneSeed.includes("one seed (no interval)"));
  const map = mapFigure(table1);
  // per panel: bars (one rule group) and two cap groups (ticks) of the three strategies
  assert.equal((map.match(/aria-label="tick"/g) ?? []).length, 3 * 2);
});

Deno.test("reference lines are drawn where they fit the panel's scale and named in its note where they do not", () => {
  const svg = alphaSweepFigure(sweep, { references: refs });
  assert.ok(svg.includes("off scale: BM25 0.740"), "BM25 at 0.74 is far from mono's 0.50–0.52");
  assert.ok(svg.includes('stroke-dasharray="1.5,2.5"'), "the base without fine-tuning is drawn");
  assert.ok(svg.includes("the base without fine-tuning") && svg.includes("the paper's α = 0.5"));
  assert.ok(!svg.includes(">BM25</text>"), "BM25 is not in the legend: it is drawn nowhere");
  const map = mapFigure([
    ...table1,
    {
      finetune: "—",
      dataset: "xquad-r",
      base: "aligned",
      strategy: "no fine-tuning",
      mono: 0.49,
      cross: 0.1,
      multi: 0.12,
    },
  ]);
  assert.ok(map.includes("X-X + the paper's effect over X-X"), "the paper's effects");
  assert.equal(
    (map.match(/aria-label="dot"/g) ?? []).length,
    3 * 2,
    "means and paper diamonds per panel",
  );
});

Deno.test("latencyQualityFigure() prints milliseconds as numbers, each model on its own row, and the published BM25", () => {
  const svg = latencyQualityFigure(
    beir.map((r) => ({ ...r, queries: 60, queries_available: 300 })),
  );
  assert.ok(!/>\d+m</.test(svg), "no SI suffixes (300m)");
  for (const m of ["BM25", "X-X", "X-Y", "hybrid"]) {
    assert.equal(svg.split(`>${m}<`).length - 1, 1, m);
  }
  assert.ok(svg.includes("BEIR's published BM25 nDCG@10 (0.665"));
  assert.ok(svg.includes("not comparable with the published full-split value"));
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
  assert.ok(
    dist.includes(">aligned base<") && dist.includes(">unaligned base<") && !dist.includes("NaN"),
  );
});
