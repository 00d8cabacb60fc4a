import assert from "node:assert/strict";
import { computeStatistics } from "../pipeline/effects.ts";
import { type SyntheticPoint, syntheticResults } from "../pipeline/_synthetic.ts";
import { alphaSweepTable } from "../pipeline/summarize.ts";
import { alphaFinding, biasFinding, mapFinding, studyFinding } from "./findings.ts";
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

Deno.test("studyFinding() reads each dataset's bases, fine-tuning moves and X-Y/X-X pairs", () => {
  const row = (
    model: string,
    kind: string,
    v: Record<string, number>,
    from = null as string | null,
    alpha = null as number | null,
  ) => ({ model, kind, from, alpha, ...v });
  const rows = [
    row("BM25", "lexical", {
      "xquad-r mono": 0.74,
      "xquad-r cross": 0.11,
      "mlqa-r mono": 0.52,
      "mlqa-r cross": 0.1,
    }),
    row("a", "init", {
      "xquad-r mono": 0.59,
      "xquad-r cross": 0.12,
      "mlqa-r mono": 0.4,
      "mlqa-r cross": 0.11,
    }),
    row("b", "trained", {
      "xquad-r mono": 0.62,
      "xquad-r cross": 0.2,
      "mlqa-r mono": 0.44,
      "mlqa-r cross": 0.17,
    }),
    row("b ft, X-X", "fine-tuned", { "xquad-r mono": 0.63, "xquad-r cross": 0.21 }, "b", 1),
    row("b ft, X-Y", "fine-tuned", { "xquad-r mono": 0.65, "xquad-r cross": 0.22 }, "b", 0),
    // no X-X twin: counted as a move, not as a pair
    row("b ft, X-Y, other", "fine-tuned", { "xquad-r mono": 0.62, "xquad-r cross": 0.2 }, "b", 0),
  ];
  const text = studyFinding(rows);
  assert.match(
    text,
    /\*\*XQuAD-R\.\*\* Of 2 bases without fine-tuning, the best cross-lingual mAP 0\.200 \(b\), BM25 0\.110, BM25 \+ dictionary n\/a; the best monolingual 0\.620 \(b\), BM25 0\.740\./,
  );
  assert.match(text, /3 fine-tunings move mono 0\.000 … \+0\.030, cross 0\.000 … \+0\.020/);
  assert.match(text, /X-Y − X-X monolingual mAP \+0\.020 \(1 pair\)/);
  // MLQA-R has bases but no fine-tuned rows
  assert.match(
    text,
    /\*\*MLQA-R\.\*\* Of 2 bases .* 0\.170 \(b\), BM25 0\.100, .*; the best monolingual 0\.440 \(b\), BM25 0\.520\.$/,
  );
  assert.equal(studyFinding([]), "The study table has no evaluated base.");
});
