import assert from "node:assert/strict";
import { computeStatistics } from "../pipeline/effects.ts";
import { type SyntheticPoint, syntheticResults } from "../pipeline/_synthetic.ts";
import { judgeComparative } from "./claim_rules.ts";
import { nonInferiorityMargin, paperScale, substantialBiasReduction } from "./margins.ts";
import { regimeChecks } from "./regime.ts";

type Means = Record<string, Record<string, number>>;

/**
 * A grid in which the premise holds (X-Y costs 0.03 mono, fine-tuning adds 0.1
 * over the base) and hybrid behaves as the paper says; `edit` changes the means
 * of one base (mAP settings in absolute units, bias in rank distance).
 */
function judge(
  rule: string,
  edit: (m: Means, base: string) => void = () => {},
  seeds = [1, 2, 3, 4, 5],
  noisyHybrid = false,
) {
  const means = (base: string): Means => {
    const m: Means = {
      "X-X": { mono: 0.6, cross: 0.4, multi: 0.3, bias: 900 },
      "X-Y": { mono: 0.57, cross: 0.43, multi: 0.34, bias: 700 },
      hybrid: { mono: 0.605, cross: 0.435, multi: 0.345, bias: 690 },
      "no fine-tuning": { mono: 0.5, cross: 0.3, multi: 0.2, bias: 1000 },
      BM25: { mono: 0.65, cross: 0.1, multi: 0.1, bias: 1200 },
    };
    edit(m, base);
    return m;
  };
  const cache = new Map<string, Means>();
  const value = (p: SyntheticPoint) => {
    if (!cache.has(p.base)) cache.set(p.base, means(p.base));
    const base = p.base === "—" ? "aligned" : p.base;
    if (!cache.has(base)) cache.set(base, means(base));
    return cache.get(base)![p.strategy][p.setting] + 0.001 * (p.seed % 3);
  };
  const stats = computeStatistics(
    syntheticResults({
      value,
      seeds,
      noiseFor: (p) => (noisyHybrid && p.strategy === "hybrid" ? 0.5 : 0.01),
    }),
    {
      iterations: 400,
    },
  );
  return judgeComparative(rule, stats, regimeChecks(stats));
}

const delta = (base: string, s: "mono" | "cross" | "multi") =>
  nonInferiorityMargin(base, "xquad-r", s)!;

Deno.test("the synthetic premise passes the regime check in both cells", () => {
  const o = judge("hybrid-best-multilingual");
  assert.equal(o.regime, "regime holds in 2 of 2 cells");
  assert.ok(paperScale("aligned", "xquad-r")! < 0.1 && paperScale("unaligned", "xquad-r")! < 0.1);
});

Deno.test("hybrid-best-multilingual: supported, and flips when hybrid − X-X multi flips sign", () => {
  assert.equal(judge("hybrid-best-multilingual").verdict, "supported");
  const flipped = judge(
    "hybrid-best-multilingual",
    (m) => (m.hybrid.multi = m["X-X"].multi - 0.02),
  );
  assert.equal(flipped.verdict, "not supported");
  assert.match(flipped.outcome, /2 contradict/);
});

Deno.test("hybrid-best-multilingual: flips when hybrid falls below X-X's multi by more than δ of X-Y", () => {
  const within = judge(
    "hybrid-best-multilingual",
    (m, b) => (m.hybrid.multi = m["X-Y"].multi - 0.6 * delta(b, "multi")),
  );
  assert.equal(within.verdict, "supported");
  const beyond = judge(
    "hybrid-best-multilingual",
    (m, b) => (m.hybrid.multi = m["X-Y"].multi - 1.6 * delta(b, "multi")),
  );
  assert.equal(beyond.verdict, "not supported");
});

Deno.test("a comparative verdict is not testable where the premise fails, and partly where it fails in some cells", () => {
  const none = judge("hybrid-best-multilingual", (m) => (m["X-Y"].mono = m["X-X"].mono));
  assert.equal(none.verdict, "not testable here");
  assert.match(none.evidence, /no trade-off/);
  assert.equal(none.tests.length, 0);
  const flat = judge("hybrid-best-multilingual", (m) => {
    for (const s of ["mono", "cross", "multi"]) {
      m["no fine-tuning"][s] = Math.max(m["X-X"][s], m["X-Y"][s], m.hybrid[s]) - 0.005;
    }
  });
  assert.equal(flat.verdict, "not testable here");
  assert.match(flat.evidence, /not enough/);
  const some = judge("hybrid-best-multilingual", (m, b) => {
    if (b === "unaligned") m["X-Y"].mono = m["X-X"].mono + 0.01;
  });
  assert.equal(some.verdict, "partly supported");
  assert.equal(some.regime, "regime holds in 1 of 2 cells");
  const fewSeeds = judge("hybrid-best-multilingual", () => {}, [1, 2, 3]);
  assert.equal(fewSeeds.verdict, "not testable here");
  assert.match(fewSeeds.evidence, /3 seeds per strategy \(needs ≥ 5\)/);
});

Deno.test("hybrid-comparable-or-better: a margin crossed in one setting flips the verdict", () => {
  assert.equal(judge("hybrid-comparable-or-better").verdict, "supported");
  const within = judge(
    "hybrid-comparable-or-better",
    (m, b) => (m.hybrid.mono = m["X-X"].mono - 0.3 * delta(b, "mono")),
  );
  assert.equal(within.verdict, "supported");
  const beyond = judge(
    "hybrid-comparable-or-better",
    (m, b) => (m.hybrid.mono = m["X-X"].mono - 1.6 * delta(b, "mono")),
  );
  assert.equal(beyond.verdict, "not supported");
  // never above X-X in any setting: comparable is not better
  const equal = judge("hybrid-comparable-or-better", (m) => {
    for (const s of ["mono", "cross", "multi"]) {
      m.hybrid[s] = m["X-X"][s] + (s === "mono" ? 0 : -0.0005);
    }
  });
  assert.match(equal.outcome, /0 support/);
  // too noisy to decide either way
  const noisy = judge("hybrid-comparable-or-better", () => {}, [1, 2, 3, 4, 5], true);
  assert.equal(noisy.verdict, "inconclusive");
});

Deno.test("hybrid-reduces-bias-substantially: flips with the sign and with the paper-derived margin", () => {
  const m = (b: string) => substantialBiasReduction(b, "xquad-r")!;
  assert.equal(judge("hybrid-reduces-bias-substantially").verdict, "supported");
  const small = judge(
    "hybrid-reduces-bias-substantially",
    (x, b) => (x.hybrid.bias = 900 * (1 - 0.5 * m(b))),
  );
  assert.equal(small.verdict, "not supported");
  const enough = judge(
    "hybrid-reduces-bias-substantially",
    (x, b) => (x.hybrid.bias = 900 * (1 - 1.5 * m(b))),
  );
  assert.equal(enough.verdict, "supported");
  const worse = judge("hybrid-reduces-bias-substantially", (x) => (x.hybrid.bias = 950));
  assert.equal(worse.verdict, "not supported");
});

Deno.test("hybrid-zero-shot-strength: flips when BM25 or the base is above hybrid", () => {
  assert.equal(judge("hybrid-zero-shot-strength").verdict, "supported");
  assert.equal(
    judge("hybrid-zero-shot-strength", (m) => (m.BM25.cross = 0.5)).verdict,
    "not supported",
  );
  assert.equal(
    judge("hybrid-zero-shot-strength", (m) => (m["no fine-tuning"].multi = 0.4)).verdict,
    "not supported",
  );
});

Deno.test("every verdict test is Holm-corrected within its family", () => {
  const o = judge("hybrid-comparable-or-better");
  assert.ok(o.tests.length > 0);
  for (const t of o.tests) assert.ok(t.pHolm >= t.p);
  assert.throws(
    () =>
      judgeComparative("no-such-rule", {
        cells: [],
        effects: [],
        fineTuning: [],
        anchors: [],
        seeds: {},
        iterations: 0,
        seconds: 0,
      }, []),
    /no comparative rule/,
  );
});
