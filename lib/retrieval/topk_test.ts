import assert from "node:assert/strict";
import { ranksBefore, TopK } from "./topk.ts";

function reference(scores: number[], keys: number[], k: number): number[] {
  const rows = scores.map((_, i) => i);
  rows.sort((a, b) => (scores[b] - scores[a]) || (keys[b] - keys[a]));
  return rows.slice(0, k);
}

Deno.test("TopK keeps the best k, breaking score ties by key, descending", () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (const n of [0, 1, 2, 5, 50, 333]) {
    for (const k of [0, 1, 3, 10, 400]) {
      // Few distinct scores, so ties are common.
      const scores = Array.from({ length: n }, () => Math.fround(Math.floor(rand() * 7) / 7));
      // Distinct keys (docid positions): a shuffled 0 … n-1.
      const keys = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [keys[i], keys[j]] = [keys[j], keys[i]];
      }
      const top = new TopK(k);
      for (let i = 0; i < n; i++) top.push(scores[i], i, keys[i]);
      const { rows, scores: got } = top.drain();
      const want = reference(scores, keys, k);
      assert.deepEqual([...rows], want, `n=${n} k=${k}`);
      assert.deepEqual([...got], want.map((i) => scores[i]));
      assert.equal(top.size, 0);
    }
  }
});

Deno.test("TopK.minScore is -Infinity until full, then the worst held score", () => {
  const top = new TopK(2);
  assert.equal(top.minScore, -Infinity);
  top.push(0.5, 0, 0);
  top.push(0.25, 1, 1);
  assert.equal(top.minScore, 0.25);
  top.push(0.75, 2, 2);
  assert.equal(top.minScore, 0.5);
  assert.equal(new TopK(0).minScore, Infinity);
});

Deno.test("ranksBefore() orders by score, then by key descending", () => {
  assert.ok(ranksBefore(1, 0, 0, 5));
  assert.ok(ranksBefore(1, 5, 1, 4));
  assert.ok(!ranksBefore(1, 4, 1, 4));
});

Deno.test("TopK rejects a negative or fractional k", () => {
  assert.throws(() => new TopK(-1), RangeError);
  assert.throws(() => new TopK(1.5), RangeError);
});
