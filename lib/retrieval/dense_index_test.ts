import assert from "node:assert/strict";
import { DenseIndex } from "./dense_index.ts";
import { jsKernel } from "./js_kernel.ts";
import { createTfjsWasmKernel } from "./tfjs_kernel.ts";
import { createWasmKernel } from "./wasm_kernel.ts";
import type { ScoreKernel } from "./score_kernel.ts";
import { InputError } from "../util/errors.ts";
import { runWithEnv } from "../util/testing.ts";
import { randomUnitRows, referenceRanking, seededRandom } from "./_test_fixtures.ts";

const kernels: ScoreKernel[] = [
  jsKernel,
  await createTfjsWasmKernel(),
  await createWasmKernel({ threads: 1 }),
  await createWasmKernel({ threads: 2 }),
];

/** Every query's score of every document, from the kernel in one block (the reference's scores). */
function allScores(kernel: ScoreKernel, docs: Float32Array, queries: Float32Array, dim: number) {
  const nd = docs.length / dim, nq = queries.length / dim;
  const block = kernel.prepare(queries, nq, dim);
  const out = block.score(docs, nd).slice();
  block.dispose();
  return Array.from(
    { length: nq },
    (_, j) => Float32Array.from({ length: nd }, (_, i) => out[i * nq + j]),
  );
}

/** A corpus with exact ties: some vectors repeated under other ids, ids not in row order. */
function tiedCorpus(n: number, dim: number, seed: number) {
  const rand = seededRandom(seed);
  const vectors = randomUnitRows(n, dim, rand);
  for (let i = 3; i < n; i += 4) {
    vectors.copyWithin(i * dim, ((i * 7) % 3) * dim, (((i * 7) % 3) + 1) * dim);
  }
  const ids = Array.from({ length: n }, (_, i) => `doc:${(i * 7919) % 1009}:${i % 3}`);
  return { ids, vectors };
}

/** The kernel's name, with its thread count when it has one. */
function label(kernel: ScoreKernel): string {
  return "threads" in kernel ? `${kernel.name}@${kernel.threads}t` : kernel.name;
}

for (const kernel of kernels) {
  Deno.test(`DenseIndex(${label(kernel)}) search() equals a brute-force ranking, ties by docid descending`, () => {
    const dim = 12, n = 61;
    const { ids, vectors } = tiedCorpus(n, dim, 1);
    const queries = randomUnitRows(7, dim, seededRandom(2));
    queries.set(vectors.subarray(0, dim), 0); // a query equal to a repeated vector
    const scores = allScores(kernel, vectors, queries, dim);
    for (const [blockRows, queryBlock] of [[5, 2], [61, 7], [64, 3], [1, 1]]) {
      const index = new DenseIndex(dim, { kernel, blockRows, queryBlock });
      index.add(ids.slice(0, 20), vectors.subarray(0, 20 * dim));
      index.add(ids.slice(20), vectors.subarray(20 * dim));
      for (const k of [1, 10, 60, 61, 100, 0]) {
        const hits = index.search(queries, k);
        assert.equal(hits.length, 7);
        hits.forEach((h, q) => {
          const want = referenceRanking(ids, scores[q]).slice(0, k === 0 ? n : k);
          assert.deepEqual(
            h.ids,
            want,
            `blockRows=${blockRows} queryBlock=${queryBlock} k=${k} q=${q}`,
          );
          const rowOf = new Map(ids.map((id, i) => [id, i]));
          assert.deepEqual([...h.scores], h.ids.map((id) => scores[q][rowOf.get(id)!]));
        });
      }
    }
  });

  Deno.test(`DenseIndex(${label(kernel)}) ranksOf() equals positions in the full ranking`, () => {
    const dim = 8, n = 45;
    const { ids, vectors } = tiedCorpus(n, dim, 3);
    const queries = randomUnitRows(5, dim, seededRandom(4));
    queries.set(vectors.subarray(3 * dim, 4 * dim), 2 * dim);
    const index = new DenseIndex(dim, { kernel, blockRows: 6, queryBlock: 2 });
    index.add(ids, vectors);
    const full = index.search(queries, 0);
    const relevant = full.map((_, q) => [ids[q], ids[(q * 11 + 3) % n], "absent", ids[3], ids[0]]);
    const ranks = index.ranksOf(queries, relevant);
    ranks.forEach((r, q) => {
      const want = relevant[q].map((id) => {
        const at = full[q].ids.indexOf(id);
        return at < 0 ? Infinity : at + 1;
      });
      assert.deepEqual([...r], want, `query ${q}`);
    });
    assert.deepEqual(index.ranksOf(queries.subarray(0, dim), [[]]).map((r) => r.length), [0]);
  });
}

Deno.test("DenseIndex.search() rejects an empty index, naming the problem", () => {
  const index = new DenseIndex(4, { kernel: jsKernel });
  assert.throws(() => index.search(new Float32Array(4), 1), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.match(err.message, /empty index/);
    return true;
  });
});

Deno.test("DenseIndex rejects dimension mismatches with a clear error", () => {
  const index = new DenseIndex(4, { kernel: jsKernel });
  assert.throws(
    () => index.add(["a", "b"], new Float32Array(7)),
    /2 ids need 8 values \(dimension 4\), got 7/,
  );
  index.add(["a"], new Float32Array([1, 0, 0, 0]));
  assert.throws(
    () => index.search(new Float32Array(6), 1),
    /length 6, expected a multiple of the index dimension 4/,
  );
  assert.throws(() => index.ranksOf(new Float32Array(3), [["a"]]), InputError);
});

Deno.test("DenseIndex rejects duplicate ids, non-finite values and a bad k, adding nothing", () => {
  const index = new DenseIndex(2, { kernel: jsKernel });
  index.add(["a"], new Float32Array([1, 0]));
  assert.throws(() => index.add(["b", "a"], new Float32Array(4)), /duplicate document id "a"/);
  assert.throws(() => index.add(["c", "c"], new Float32Array(4)), /duplicate document id "c"/);
  assert.throws(() => index.add(["d"], new Float32Array([NaN, 0])), /non-finite/);
  assert.equal(index.size, 1);
  assert.throws(() => index.search(new Float32Array([1, 0]), -1), /k must be an integer >= 0/);
  assert.throws(() => index.search(new Float32Array([Infinity, 0]), 1), /non-finite/);
  assert.throws(() => index.ranksOf(new Float32Array([1, 0]), []), /for 0 queries, expected 1/);
});

Deno.test("DenseIndex reports its size and the bytes of its vectors", () => {
  const index = new DenseIndex(3, { kernel: jsKernel, blockRows: 4 });
  assert.equal(index.sizeBytes, 0);
  index.add(["a", "b", "c", "d", "e"], new Float32Array(15));
  assert.equal(index.size, 5);
  assert.equal(index.sizeBytes, 2 * 4 * 3 * 4);
  assert.deepEqual(index.ids, ["a", "b", "c", "d", "e"]);
  assert.deepEqual(index.search(new Float32Array(3), 0)[0].ids, ["e", "d", "c", "b", "a"]);
});

Deno.test("DenseIndex.create() uses the wasm kernel by default, XLIR_SEARCH_KERNEL when set", async () => {
  assert.equal((await DenseIndex.create(4, { kernel: jsKernel })).kernel.name, "js");
  // The environment in a child process: it is shared by the test modules running beside this one.
  const code = `import { DenseIndex } from "${new URL("./dense_index.ts", import.meta.url)}";
    console.log((await DenseIndex.create(4)).kernel.name);`;
  assert.equal((await runWithEnv(code, { XLIR_SEARCH_KERNEL: "" })).trim(), "wasm");
  assert.equal((await runWithEnv(code, { XLIR_SEARCH_KERNEL: "js" })).trim(), "js");
});
