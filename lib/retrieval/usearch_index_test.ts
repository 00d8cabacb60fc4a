import assert from "node:assert/strict";
import { skipUnless } from "../util/testing.ts";
import { ApproxDenseIndex } from "./usearch_index.ts";
import { DenseIndex } from "./dense_index.ts";
import { jsKernel } from "./js_kernel.ts";
import { randomUnitRows, seededRandom } from "./_test_fixtures.ts";

let loads = true;
try {
  await ApproxDenseIndex.create(2);
} catch {
  loads = false;
}
const ignore = skipUnless(loads, "usearch's native module");

Deno.test({
  name: "ApproxDenseIndex finds most true neighbours and says it is approximate",
  ignore,
  async fn() {
    const rand = seededRandom(17);
    const dim = 24, n = 3000;
    const vectors = randomUnitRows(n, dim, rand);
    const ids = Array.from({ length: n }, (_, i) => `d${i}`);
    const queries = randomUnitRows(20, dim, rand);
    const approx = await ApproxDenseIndex.create(dim, { threads: 1 });
    const exact = new DenseIndex(dim, { kernel: jsKernel });
    approx.add(ids.slice(0, 1000), vectors.subarray(0, 1000 * dim));
    approx.add(ids.slice(1000), vectors.subarray(1000 * dim));
    exact.add(ids, vectors);
    assert.equal(approx.exact, false);
    assert.equal(approx.size, n);
    assert.ok(approx.sizeBytes > n * dim * 4, `${approx.sizeBytes} bytes`);
    const got = approx.search(queries, 10), want = exact.search(queries, 10);
    let found = 0;
    got.forEach((h, q) => {
      found += h.ids.filter((id) => want[q].ids.includes(id)).length;
      for (let i = 1; i < h.scores.length; i++) assert.ok(h.scores[i - 1] >= h.scores[i]);
    });
    assert.ok(found / 200 >= 0.9, `recall@10 ${found / 200}`);
    const ranks = approx.ranksOf(queries.subarray(0, dim), [[want[0].ids[0], "missing"]]);
    assert.deepEqual([...ranks[0]], [1, Infinity]);
  },
});

Deno.test({
  name: "ApproxDenseIndex orders equal scores by docid descending and refuses a full ranking",
  ignore,
  async fn() {
    const index = await ApproxDenseIndex.create(2, { threads: 1 });
    index.add(["a", "c", "b"], new Float32Array([0, 1, 0, 1, 0, 1]));
    assert.deepEqual(index.search(new Float32Array([0, 1]), 3)[0].ids, ["c", "b", "a"]);
    assert.throws(() => index.search(new Float32Array([0, 1]), 0), /k must be an integer >= 1/);
    assert.throws(() => index.add(["a"], new Float32Array(2)), /duplicate document id "a"/);
  },
});
