import assert from "node:assert/strict";
import {
  rankRow,
  ranksInRow,
  ranksOfTargets,
  ranksWithTies,
  topOfRow,
  topShare,
} from "./rank_row.ts";
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

Deno.test("ranksWithTies() gives trec_eval's ranks and the mean rank over each tie", () => {
  const rng = new Rng(29);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + rng.int(60);
    const scores = Float32Array.from({ length: n }, () => rng.int(4) / 3);
    const keys = Int32Array.from({ length: n }, (_, i) => i);
    rng.shuffle(keys);
    const m = 1 + rng.int(Math.min(n, 6));
    const cols = Array.from({ length: n }, (_, i) => i);
    rng.shuffle(cols);
    const targets = cols.slice(0, m);
    const { trec, mid } = ranksWithTies(scores, keys, n, targets);
    assert.deepEqual([...trec], [...ranksOfTargets(scores, keys, n, targets)]);
    targets.forEach((t, i) => {
      // the ranks a tie spans are higher+1 … higher+tied; their mean
      let higher = 0, tied = 0;
      for (let j = 0; j < n; j++) {
        if (scores[j] > scores[t]) higher++;
        else if (scores[j] === scores[t]) tied++;
      }
      assert.equal(mid[i], higher + (tied + 1) / 2);
    });
  }
});

Deno.test("topShare() is the expected group share of the top k over random orders of the ties", () => {
  const rng = new Rng(31);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + rng.int(40);
    const k = 1 + rng.int(12);
    const scores = Float32Array.from({ length: n }, () => rng.int(5));
    const group = Uint8Array.from({ length: n }, () => rng.int(2));
    // brute force: average over many random tie orders
    let sum = 0;
    const draws = 400;
    const cols = Array.from({ length: n }, (_, i) => i);
    for (let d = 0; d < draws; d++) {
      const noise = cols.map(() => rng.float());
      const order = cols.slice().sort((a, b) => scores[b] - scores[a] || noise[a] - noise[b]);
      const top = order.slice(0, Math.min(k, n));
      sum += top.reduce((s, c) => s + group[c], 0) / top.length;
    }
    const share = topShare(scores, n, k, group);
    assert.ok(Math.abs(share - sum / draws) < 0.08, `trial ${trial}: ${share} vs ${sum / draws}`);
  }
  assert.equal(topShare(new Float32Array([3, 2, 1]), 3, 10, Uint8Array.of(1, 0, 0)), 1 / 3);
});

Deno.test("rankRow() gives, in one pass, the ranks of the reference functions per segment and the top-k share", () => {
  const rng = new Rng(37);
  for (let trial = 0; trial < 400; trial++) {
    const n = 1 + rng.int(80);
    // Few distinct values (ties frequent), sometimes all distinct.
    const levels = trial % 4 === 0 ? 1e6 : 1 + rng.int(6);
    const scores = Float32Array.from({ length: n }, () => rng.int(levels) / levels - 0.5);
    const keys = Int32Array.from({ length: n }, (_, i) => i);
    rng.shuffle(keys);
    const nSeg = 1 + rng.int(Math.min(n, 5));
    const cuts = new Set<number>();
    while (cuts.size < nSeg - 1) cuts.add(1 + rng.int(n - 1));
    const bounds = Int32Array.from([0, ...[...cuts].sort((a, b) => a - b), n]);
    const m = rng.int(Math.min(n, 8) + 1);
    const cols = Array.from({ length: n }, (_, i) => i);
    rng.shuffle(cols);
    const targets = cols.slice(0, m);
    const k = 1 + rng.int(12);
    const inGroup = Uint8Array.from({ length: n }, () => rng.int(2));
    const r = rankRow(scores, keys, n, targets, { bounds, k, inGroup });
    assert.deepEqual([...r.trec], [...ranksOfTargets(scores, keys, n, targets)]);
    targets.forEach((t, i) => {
      let higher = 0, tied = 0;
      for (let j = 0; j < n; j++) {
        if (scores[j] > scores[t]) higher++;
        else if (scores[j] === scores[t]) tied++;
      }
      assert.equal(r.mid[i], higher + (tied + 1) / 2);
      let sg = 0;
      while (bounds[sg + 1] <= t) sg++;
      const lo = bounds[sg], hi = bounds[sg + 1];
      const local = bruteRanks(scores.subarray(lo, hi), keys.subarray(lo, hi), [t - lo]);
      assert.equal(r.local[i], local[0], `trial ${trial} target ${t}`);
    });
    // the top-k share, counted directly from the k-th score
    const kk = Math.min(k, n);
    const kth = [...scores].sort((a, b) => b - a)[kk - 1];
    let gt = 0, gtIn = 0, eq = 0, eqIn = 0;
    for (let j = 0; j < n; j++) {
      if (scores[j] > kth) [gt, gtIn] = [gt + 1, gtIn + inGroup[j]];
      else if (scores[j] === kth) [eq, eqIn] = [eq + 1, eqIn + inGroup[j]];
    }
    assert.equal(r.topShare, (gtIn + ((kk - gt) * eqIn) / eq) / kk, `trial ${trial}`);
  }
  // without bounds: no local ranks; without k: no share
  const r = rankRow(new Float32Array([1, 2]), new Int32Array([0, 1]), 2, [0]);
  assert.equal(r.local.length, 0);
  assert(Number.isNaN(r.topShare));
  assert.throws(() => rankRow(new Float32Array([1]), null, 1, [0]), /targets need keys/);
});
