import assert from "node:assert/strict";
import { computeStatistics } from "../pipeline/effects.ts";
import { type SyntheticPoint, syntheticResults } from "../pipeline/_synthetic.ts";
import { alphaSweepTable } from "../pipeline/summarize.ts";
import { alphaFinding, biasFinding, mapFinding } from "./findings.ts";
import { regimeChecks } from "./regime.ts";

const premise = (p: SyntheticPoint) => {
  if (p.setting === "bias") return p.strategy === "hybrid" ? 700 : 900;
  const ft = p.strategy === "no fine-tuning" ? -0.1 : 0;
  const cost = p.strategy === "X-Y" && p.setting === "mono" ? -0.03 : 0;
  const gain = p.strategy === "hybrid" && p.setting === "multi" ? 0.04 : 0;
  return 0.5 + ft + cost + gain;
};

Deno.test("mapFinding() words what the statistics say, and changes when they do", () => {
  const holds = computeStatistics(syntheticResults({ value: premise, noise: 0.01 }), {
    iterations: 300,
  });
  const text = mapFinding(holds, regimeChecks(holds));
  assert.match(text, /excluding zero in 2 of 2 cells/);
  assert.match(text, /rest on the 2 cells where the premise holds/);
  assert.match(text, /against X-X: \+0\.0(39|40)/);
  const flat = computeStatistics(syntheticResults({ value: () => 0.5, noise: 0.01 }), {
    iterations: 300,
  });
  const none = mapFinding(flat, regimeChecks(flat));
  assert.match(none, /in 0 of 2 cells/);
  assert.match(none, /not testable here/);
});

Deno.test("biasFinding() gives the reduction beside the paper's and the bias against chance", () => {
  const stats = computeStatistics(syntheticResults({ value: premise, noise: 0.01 }), {
    iterations: 300,
  });
  const rows = [
    { base: "aligned", dataset: "xquad-r", strategy: "X-X", bias_vs_chance: 0.4 },
    { base: "unaligned", dataset: "xquad-r", strategy: "X-X", bias_vs_chance: 0.98 },
  ];
  const text = biasFinding(stats, regimeChecks(stats), rows);
  assert.match(text, /−22\.\d% of X-X's/);
  assert.match(text, /the paper −30\.0% … −15\.6%/);
  assert.match(
    text,
    /aligned 0\.40–0\.40×, unaligned 0\.98–0\.98×|unaligned 0\.98–0\.98×, aligned 0\.40–0\.40×/,
  );
});

Deno.test("alphaFinding() reads the sweep's end points", () => {
  const results = syntheticResults({ value: premise, alphas: [0, 0.5, 1], noise: 0.01 });
  const stats = computeStatistics(results, { iterations: 200 });
  const text = alphaFinding(alphaSweepTable(results), stats);
  assert.match(text, /from α = 0 to α = 1: mono mAP \+0\.03\d/);
  assert.match(text, /X-Y − X-X mono −0\.03\d/);
});
