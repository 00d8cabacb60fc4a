import assert from "node:assert/strict";
import { Bm25Index } from "./bm25.ts";
import { InputError } from "../util/errors.ts";
import { referenceRanking, seededRandom } from "./_test_fixtures.ts";

// d1 = [1 2 3], d2 = [2 2 4], d3 = [5], d4 = [1 1 1 1 2]: N = 4, avgdl = 12 / 4 = 3.
const ids = ["d1", "d2", "d3", "d4"];
const docs = [
  Int32Array.of(1, 2, 3),
  Int32Array.of(2, 2, 4),
  Int32Array.of(5),
  Int32Array.of(1, 1, 1, 1, 2),
];

function close(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) < 2e-7 * Math.max(1, expected),
    `${what}: ${actual} vs ${expected}`,
  );
}

Deno.test("Bm25Index scores a tiny corpus as the formula computed by hand", () => {
  const index = new Bm25Index();
  index.add(ids, docs);
  // idf(2) = ln(1 + (4 - 3 + 0.5) / (3 + 0.5)) = ln(1.428571) = 0.356675
  close(index.idf(3), 0.3566749439387324, "idf");
  // d1: 0.356675 · 1 / (1 + 0.9 · (0.6 + 0.4 · 3/3)) = 0.356675 / 1.9
  // d2: 0.356675 · 2 / (2 + 0.9)
  // d4: 0.356675 · 1 / (1 + 0.9 · (0.6 + 0.4 · 5/3)) = 0.356675 / 2.14
  const s = index.scoreAll(Int32Array.of(2));
  close(s[0], 0.187723654704596, "d1");
  close(s[1], 0.24598271995774648, "d2");
  assert.equal(s[2], 0);
  close(s[3], 0.16667053455080955, "d4");
  // Two terms: idf(1) = ln(1 + 2.5/2.5) = ln 2 (df 2), idf(4) = ln(1 + 3.5/1.5) (df 1).
  // d4: ln 2 · 4 / (4 + 0.9 · (0.6 + 0.4 · 5/3)) = 0.539414
  const t = index.scoreAll(Int32Array.of(1, 4));
  close(t[0], 0.364814305557866, "d1");
  close(t[1], 0.6336698970136506, "d2");
  close(t[3], 0.5394141482956774, "d4");
  // Scores are float32 values.
  for (const v of [...s, ...t]) assert.equal(Math.fround(v), v);
});

Deno.test("Bm25Index counts repeated query terms (a boost per repeat, as Lucene merges clauses)", () => {
  const index = new Bm25Index();
  index.add(ids, docs);
  const once = index.scoreAll(Int32Array.of(2, 5));
  const twice = index.scoreAll(Int32Array.of(2, 2, 5));
  close(twice[0], 2 * once[0], "d1");
  close(twice[2], once[2], "d3 matches only the single term");
});

Deno.test("Bm25Index uses Lucene's one-byte length by default, the exact length on request", () => {
  // A = [7] + 99 × [8] (length 100, stored as 96), B = [7 9], C = [9]: N = 3, avgdl = 103/3.
  const docsLong = [
    Int32Array.from({ length: 100 }, (_, i) => (i === 0 ? 7 : 8)),
    Int32Array.of(7, 9),
    Int32Array.of(9),
  ];
  const lucene = new Bm25Index();
  const exact = new Bm25Index({ luceneNorms: false });
  for (const index of [lucene, exact]) index.add(["A", "B", "C"], docsLong);
  // ln(1 + 1.5/2.5) · 1 / (1 + 0.9 · (0.6 + 0.4 · dl / (103/3))) with dl = 96 or 100.
  close(lucene.scoreAll(Int32Array.of(7))[0], 0.18456108963900406, "dl = 96");
  close(exact.scoreAll(Int32Array.of(7))[0], 0.18157067666458168, "dl = 100");
  close(lucene.scoreAll(Int32Array.of(7))[1], 0.30109698850796596, "short documents are exact");
  assert.equal(lucene.stats.avgdl, Math.fround(103 / 3));
});

Deno.test("Bm25Index.search() ranks every document for k = 0, zero scores last by docid descending", () => {
  const index = new Bm25Index();
  index.add(["a", "c", "b", "e", "d"], [
    Int32Array.of(1),
    Int32Array.of(2),
    Int32Array.of(1),
    Int32Array.of(3),
    Int32Array.of(9),
  ]);
  const [full] = index.search([Int32Array.of(1)], 0);
  assert.deepEqual(full.ids, ["b", "a", "e", "d", "c"]); // a and b tie: "b" first
  assert.deepEqual([...full.scores.subarray(2)], [0, 0, 0]);
  assert.deepEqual(index.search([Int32Array.of(1)], 3)[0].ids, ["b", "a", "e"]);
  assert.deepEqual(index.search([Int32Array.of(1)], 1)[0].ids, ["b"]);
  assert.deepEqual(index.search([Int32Array.of(42)], 0)[0].ids, ["e", "d", "c", "b", "a"]);
  assert.equal(index.search([Int32Array.of(1)], 99)[0].ids.length, 5);
});

Deno.test("Bm25Index search() and ranksOf() agree with a brute-force ranking on a random corpus", () => {
  const rand = seededRandom(21);
  const n = 300;
  const ids = Array.from({ length: n }, (_, i) => `doc${(i * 7) % n}`);
  const docs = Array.from(
    { length: n },
    () =>
      Int32Array.from({ length: Math.floor(rand() * 60) }, () => Math.floor(rand() * rand() * 40)),
  );
  const queries = Array.from(
    { length: 12 },
    () => Int32Array.from({ length: 1 + Math.floor(rand() * 4) }, () => Math.floor(rand() * 45)),
  );
  for (const luceneNorms of [true, false]) {
    const index = new Bm25Index({ luceneNorms });
    index.add(ids.slice(0, 100), docs.slice(0, 100));
    index.add(ids.slice(100), docs.slice(100));
    const full = index.search(queries, 0);
    const top = index.search(queries, 10);
    const relevant = queries.map((
      _,
      q,
    ) => [ids[q], ids[(q * 31) % n], "nope", full[q].ids[0], full[q].ids[n - 1]]);
    const ranks = index.ranksOf(queries, relevant);
    queries.forEach((query, q) => {
      const want = referenceRanking(ids, index.scoreAll(query));
      assert.deepEqual(full[q].ids, want);
      assert.deepEqual(top[q].ids, want.slice(0, 10));
      assert.deepEqual(
        [...ranks[q]],
        relevant[q].map((id) => (want.includes(id) ? want.indexOf(id) + 1 : Infinity)),
      );
    });
  }
});

Deno.test("Bm25Index rejects bad input with clear errors", () => {
  const index = new Bm25Index();
  assert.throws(() => index.search([Int32Array.of(1)], 1), /empty BM25 index/);
  assert.throws(() => index.add(["a"], []), /1 ids but 0 documents/);
  assert.throws(
    () => index.add(["a", "a"], [Int32Array.of(1), Int32Array.of(2)]),
    /duplicate document id "a"/,
  );
  assert.throws(() => index.add(["a"], [Int32Array.of(1, -3)]), /token id -3 at 1/);
  assert.equal(index.size, 0);
  index.add(["a"], [Int32Array.of(1)]);
  assert.throws(() => index.search([Int32Array.of(1)], 1.5), InputError);
  assert.throws(() => index.ranksOf([Int32Array.of(1)], []), /for 0 queries, expected 1/);
  assert.throws(() => new Bm25Index({ b: 2 }), /b must be in \[0, 1\]/);
});

Deno.test("Bm25Index.scoreWeighted() with the counts as weights is scoreAll()", () => {
  const index = new Bm25Index();
  index.add(ids, docs);
  assert.deepEqual(
    index.scoreWeighted(Int32Array.of(1, 2, 4), [2, 1, 1]),
    index.scoreAll(Int32Array.of(1, 1, 2, 4)),
  );
  // A term given twice gets the sum of its weights.
  assert.deepEqual(
    index.scoreWeighted(Int32Array.of(2, 2), [0.25, 0.75]),
    index.scoreWeighted(Int32Array.of(2), [1]),
  );
});

Deno.test("Bm25Index.scoreWeighted() scales a clause by its boost, as Lucene's BoostQuery", () => {
  const index = new Bm25Index();
  index.add(ids, docs);
  const one = index.scoreAll(Int32Array.of(2));
  const half = index.scoreWeighted(Int32Array.of(2), [0.5]);
  // Clause score w − w / (1 + tf · normInverse) is linear in w = boost · idf (up to float32 rounding).
  for (let d = 0; d < 4; d++) close(half[d], one[d] / 2, `d${d + 1}`);
  assert.deepEqual(index.scoreWeighted(Int32Array.of(2), [0]), new Float32Array(4));
});

Deno.test("Bm25Index.maxScore() bounds every score: Σ boost · idf over terms that occur", () => {
  const index = new Bm25Index();
  index.add(ids, docs);
  const terms = Int32Array.of(1, 4, 99);
  const bound = index.maxScore(terms, [1, 0.5, 3]);
  close(bound, Math.log(2) + 0.5 * Math.log(1 + 3.5 / 1.5), "bound");
  for (const s of index.scoreWeighted(terms, [1, 0.5, 3])) assert.ok(s < bound);
  assert.equal(index.maxScore(Int32Array.of(99), [1]), 0);
});

Deno.test("Bm25Index.scoreWeighted() rejects mismatched or negative weights", () => {
  const index = new Bm25Index();
  index.add(ids, docs);
  assert.throws(() => index.scoreWeighted(Int32Array.of(1, 2), [1]), /2 terms but 1 weights/);
  assert.throws(() => index.scoreWeighted(Int32Array.of(1), [-1]), InputError);
  assert.throws(() => index.maxScore(Int32Array.of(1), [NaN]), InputError);
});
