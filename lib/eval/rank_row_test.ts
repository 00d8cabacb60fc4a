import assert from "node:assert/strict";
import { ranksInRow, ranksOfTargets, topOfRow } from "./rank_row.ts";
import { Rng } from "../sampling/rng.ts";

function bruteRanks(scores: Float32Array, keys: Int32Array, targets: number[]): number[] {
  const order = topOfRow(scores, keys, scores.length, 0);
  const pos = new Map<number, number>();
  order.forEach((col, i) => pos.set(col, i + 1));
  return targets.map((t) => pos.get(t)!).sort((a, b) => a - b);
}

Deno.test("ranksInRow() equals the position in the full sort, ties by key descending", () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + rng.int(60);
    // Few distinct values so that ties are frequent.
    const scores = Float32Array.from({ length: n }, () => rng.int(5) / 4);
    const keys = Int32Array.from({ length: n }, (_, i) => i);
    rng.shuffle(keys);
    const m = 1 + rng.int(Math.min(n, 6));
    const cols = Array.from({ length: n }, (_, i) => i);
    rng.shuffle(cols);
    const targets = cols.slice(0, m);
    assert.deepEqual([...ranksInRow(scores, keys, n, targets)], bruteRanks(scores, keys, targets));
    const aligned = ranksOfTargets(scores, keys, n, targets);
    targets.forEach((t, i) => assert.deepEqual([aligned[i]], bruteRanks(scores, keys, [t])));
  }
});

Deno.test("topOfRow() keeps the first depth entries of the full order", () => {
  const rng = new Rng(5);
  const n = 200;
  const scores = Float32Array.from({ length: n }, () => rng.int(20));
  const keys = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n);
  const full = topOfRow(scores, keys, n, 0);
  assert.deepEqual([...topOfRow(scores, keys, n, 17)], [...full.subarray(0, 17)]);
  assert.equal(new Set(full).size, n);
});
