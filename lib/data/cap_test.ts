import assert from "node:assert/strict";
import { capPerKey, repeatByWeight } from "./cap.ts";

const items = Array.from({ length: 1000 }, (_, i) => `${i % 2 === 0 ? "a" : "b"}${i}`);
const key = (s: string) => s[0];
const id = (s: string) => s;

Deno.test("capPerKey() caps each key with a seeded sample in input order", () => {
  const kept = capPerKey(items, key, id, (k) => k === "a" ? 100 : 0, 3);
  assert.equal(kept.filter((s) => s[0] === "a").length, 100);
  assert.equal(kept.filter((s) => s[0] === "b").length, 500);
  const positions = kept.map((s) => items.indexOf(s));
  assert.deepEqual(positions, [...positions].sort((x, y) => x - y));
  assert.deepEqual(kept, capPerKey(items, key, id, (k) => k === "a" ? 100 : 0, 3));
  assert.notDeepEqual(kept, capPerKey(items, key, id, (k) => k === "a" ? 100 : 0, 4));
});

Deno.test("capPerKey() keeps the same items whatever the input order", () => {
  const a = capPerKey(items, key, id, 50, 1);
  const b = capPerKey([...items].reverse(), key, id, 50, 1);
  assert.deepEqual([...b].sort(), [...a].sort());
});

Deno.test("repeatByWeight() repeats whole weights and samples the fraction", () => {
  const relabel = (s: string, k: number) => `${s}#r${k}`;
  assert.deepEqual(repeatByWeight(["x"], () => 3, id, 0, relabel), ["x", "x#r1", "x#r2"]);
  assert.deepEqual(repeatByWeight(items, () => 0, id, 0, relabel), []);
  assert.deepEqual(repeatByWeight(items, () => 1, id, 0, relabel), items);
  const half = repeatByWeight(items, () => 0.5, id, 0, relabel);
  // 1,000 fair coin flips: 500 ± 4.5 standard deviations (71).
  assert.ok(half.length > 429 && half.length < 571, `${half.length}`);
  assert.deepEqual(half, repeatByWeight(items, () => 0.5, id, 0, relabel));
  assert.notDeepEqual(half, repeatByWeight(items, () => 0.5, id, 1, relabel));
  const more = repeatByWeight(items, () => 1.5, id, 0, relabel);
  assert.equal(more.length, items.length + half.length);
});
