import assert from "node:assert/strict";
import { type SyntheticPoint, syntheticResults } from "./_synthetic.ts";
import { computeStatistics } from "./effects.ts";

const paperLike = (p: SyntheticPoint) => {
  if (p.setting === "bias") {
    return { "X-X": 900, "X-Y": 700, hybrid: 720, "no fine-tuning": 1000, BM25: 1200 }[p.strategy]!;
  }
  const base = { mono: 0.6, cross: 0.4, multi: 0.3 }[p.setting];
  const shift: Record<string, Record<string, number>> = {
    "X-X": { mono: 0, cross: 0, multi: 0 },
    "X-Y": { mono: -0.03, cross: 0.03, multi: 0.04 },
    hybrid: { mono: 0.005, cross: 0.03, multi: 0.045 },
    "no fine-tuning": { mono: -0.1, cross: -0.1, multi: -0.1 },
    BM25: { mono: 0.05, cross: -0.2, multi: -0.2 },
  };
  return base + shift[p.strategy][p.setting] + 0.002 * (p.seed % 3);
};

const stats = computeStatistics(syntheticResults({ value: paperLike }), { iterations: 300 });

Deno.test("computeStatistics() effects equal the difference of the summaries' seed means", () => {
  for (const e of [...stats.effects, ...stats.fineTuning, ...stats.anchors]) {
    assert.ok(
      Math.abs(e.diff - (e.meanA - e.meanB)) < 1e-9 * Math.max(1, Math.abs(e.meanA)),
      `${e.a} − ${e.b} ${e.setting}: ${e.diff} vs ${e.meanA - e.meanB}`,
    );
  }
});

Deno.test("computeStatistics() gets each contrast's sign from the data, not from its name", () => {
  const get = (a: string, b: string, s: string, base = "aligned") =>
    stats.effects.find((e) => e.a === a && e.b === b && e.setting === s && e.base === base)!;
  assert.ok(get("X-Y", "X-X", "mono").ciHi < 0);
  assert.ok(get("X-Y", "X-X", "cross").ciLo > 0);
  assert.ok(get("hybrid", "X-X", "bias").ciHi < 0);
  assert.ok(Math.abs(get("hybrid", "X-Y", "bias").diff - 20) < 20);
  assert.equal(stats.effects.length, 2 * 3 * 4);
});

Deno.test("computeStatistics() pairs fine-tuned runs with their base by seed, and BM25 unpaired", () => {
  assert.equal(stats.fineTuning.length, 2 * 3 * 3);
  for (const e of stats.fineTuning) {
    assert.ok(e.paired && e.seedsA === 5 && e.seedsB === 5);
    if (e.a === "X-X") assert.ok(Math.abs(e.diff - 0.1) < 0.01, `${e.setting} ${e.diff}`);
  }
  const bm25 = stats.anchors.filter((e) => e.b === "BM25");
  assert.equal(bm25.length, 2 * 3);
  for (const e of bm25) assert.ok(!e.paired && e.seedsB === 1);
  assert.deepEqual(Object.values(stats.seeds), [5, 5]);
});

Deno.test("computeStatistics() is deterministic", () => {
  const again = computeStatistics(syntheticResults({ value: paperLike }), { iterations: 300 });
  assert.deepEqual(
    again.effects.map((e) => [e.diff, e.ciLo, e.ciHi]),
    stats.effects.map((e) => [e.diff, e.ciLo, e.ciHi]),
  );
});
