import assert from "node:assert/strict";
import { jsKernel } from "./js_kernel.ts";
import { createWasmKernel } from "./wasm_kernel.ts";
import { checkKernel, randomUnitRows, seededRandom } from "./_test_fixtures.ts";

const one = await createWasmKernel({ threads: 1 });
const two = await createWasmKernel({ threads: 2 });
const plain = await createWasmKernel({ threads: 2, relaxed: false });
const f32First = await createWasmKernel({ threads: 2, firstPass: "f32" });

function scores(
  kernel: typeof one,
  docs: Float32Array,
  nd: number,
  q: Float32Array,
  nq: number,
  dim: number,
) {
  const block = kernel.prepare(q, nq, dim);
  try {
    return block.score(docs, nd).slice();
  } finally {
    block.dispose();
  }
}

Deno.test("wasm kernel scores match float64 dot products and are pointwise deterministic", () => {
  checkKernel(one);
  checkKernel(two);
  checkKernel(plain);
  checkKernel(f32First);
});

Deno.test("wasm kernel gives bit-identical scores on 1 and 2 threads, within 1e-6 of the js kernel", () => {
  // Large enough to be split over the threads (≥ 2^21 multiply-adds), odd sizes everywhere.
  const rand = seededRandom(7);
  for (const [nd, nq, dim] of [[1001, 37, 100], [613, 64, 256], [300, 9, 1021]]) {
    const docs = randomUnitRows(nd, dim, rand), q = randomUnitRows(nq, dim, rand);
    const a = scores(one, docs, nd, q, nq, dim), b = scores(two, docs, nd, q, nq, dim);
    assert.deepEqual(new Uint32Array(a.buffer), new Uint32Array(b.buffer), `${nd}×${nq}×${dim}`);
    const ref = scores(jsKernel as typeof one, docs, nd, q, nq, dim);
    for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(a[i] - ref[i]) < 1e-6, `${i}`);
    const c = scores(plain, docs, nd, q, nq, dim);
    for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(c[i] - ref[i]) < 1e-6, `${i}`);
  }
});

Deno.test("wasm kernel scoreAbove() visits exactly the pairs score() puts at or above the thresholds", () => {
  const rand = seededRandom(11);
  const nd = 700, nq = 21, dim = 64;
  const docs = randomUnitRows(nd, dim, rand), q = randomUnitRows(nq, dim, rand);
  for (const kernel of [one, two, plain, f32First]) {
    const block = kernel.prepare(q, nq, dim);
    const all = block.score(docs, nd).slice();
    for (const level of [-Infinity, 0.3, 0.05]) {
      const thr = Float32Array.from(
        { length: nq },
        (_, j) => (j === 4 ? -Infinity : level + j / 1000),
      );
      thr[7] = all[5 * nq + 7]; // a pair exactly at its threshold is visited
      const want: string[] = [], got: string[] = [];
      for (let i = 0; i < nd; i++) {
        for (let j = 0; j < nq; j++) {
          if (!(all[i * nq + j] < thr[j])) want.push(`${i},${j},${all[i * nq + j]}`);
        }
      }
      block.scoreAbove!(docs, nd, thr, (i, j, s) => got.push(`${i},${j},${s}`));
      assert.deepEqual(got.sort(), want.sort(), `${kernel.threads} threads, level ${level}`);
    }
    block.dispose();
  }
});

Deno.test("wasm kernel scores documents stored in its own memory in place, identically", () => {
  const rand = seededRandom(5);
  const nd = 50, nq = 8, dim = 12;
  const docs = randomUnitRows(nd, dim, rand), q = randomUnitRows(nq, dim, rand);
  const inside = two.allocRows(nd * dim)!;
  inside.set(docs);
  assert.deepEqual(scores(two, inside, nd, q, nq, dim), scores(two, docs, nd, q, nq, dim));
  two.release(inside);
  assert.throws(() => two.release(docs), /not allocated here/);
});

Deno.test("wasm kernel returns nothing for zero documents and rejects use after dispose()", () => {
  const block = two.prepare(new Float32Array([1, 0]), 1, 2);
  assert.equal(block.score(new Float32Array(0), 0).length, 0);
  block.dispose();
  assert.throws(() => block.score(new Float32Array(2), 1), /after dispose/);
});

Deno.test("createWasmKernel() shares one kernel per setting", async () => {
  assert.equal(await createWasmKernel({ threads: 2 }), two);
  assert.equal(two.threads, 2);
  assert.equal(one.threads, 1);
});

/** The pairs scoreAbove() visits, as sorted "i,j,score" strings. */
function visited(
  kernel: typeof one,
  docs: Float32Array,
  nd: number,
  block: ReturnType<typeof one.prepare>,
  thr: Float32Array,
) {
  const got: string[] = [];
  block.scoreAbove!(docs, nd, thr, (i, j, s) => got.push(`${i},${j},${s}`));
  void kernel;
  return got.sort();
}

Deno.test("the int16 first pass visits the float32 pass's pairs exactly, whatever the magnitudes", () => {
  const rand = seededRandom(21);
  for (const [nd, nq, dim] of [[200, 13, 7], [97, 8, 64], [300, 21, 255], [50, 3, 1]]) {
    const docs = randomUnitRows(nd, dim, rand), q = randomUnitRows(nq, dim, rand);
    // Rows scaled from 1e-20 to 1e20, a zero row, a row of one huge value, exact duplicates.
    for (let i = 0; i < nd; i++) {
      const scale = 10 ** ((i % 9) * 5 - 20);
      for (let t = 0; t < dim; t++) docs[i * dim + t] *= scale;
    }
    docs.fill(0, 3 * dim, 4 * dim);
    docs.fill(0, 5 * dim, 6 * dim);
    docs[5 * dim] = 3e30;
    docs.copyWithin(7 * dim, 8 * dim, 9 * dim);
    for (let t = 0; t < dim; t++) q[t] *= 1e-3;
    const ref = f32First.prepare(q, nq, dim), fast = two.prepare(q, nq, dim);
    const all = ref.score(docs, nd).slice();
    // Per query, its scores sorted descending: thresholds at the best and second best make the
    // candidates sparse (the pairs right at the threshold then depend on the bound alone).
    const sorted = Array.from(
      { length: nq },
      (_, j) => Array.from({ length: nd }, (_, i) => all[i * nq + j]).sort((a, b) => b - a),
    );
    for (const pick of [0, 1, 2, 3, 4, 5]) {
      // Thresholds at an actual score (ties included), between scores, extreme, at the top scores.
      const thr = Float32Array.from({ length: nq }, (_, j) => {
        if (pick >= 4) return sorted[j][pick - 4];
        const i = (j * 7 + pick * 13) % nd;
        return pick === 3 ? (j % 2 ? -1e38 : 1e38) : all[i * nq + j] * (pick === 1 ? 0.999 : 1);
      });
      assert.deepEqual(
        visited(two, docs, nd, fast, thr),
        visited(f32First, docs, nd, ref, thr),
        `${nd}×${nq}×${dim}, pick ${pick}`,
      );
    }
    ref.dispose();
    fast.dispose();
  }
});
