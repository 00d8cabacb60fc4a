import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { createTfjsWasmKernel } from "./tfjs_kernel.ts";
import { DenseIndex } from "./dense_index.ts";
import { jsKernel } from "./js_kernel.ts";
import { checkKernel, randomUnitRows, seededRandom } from "./_test_fixtures.ts";

Deno.test("tfjs-wasm kernel scores match float64 dot products and are pointwise deterministic", async () => {
  checkKernel(await createTfjsWasmKernel());
});

Deno.test("tfjs-wasm kernel leaves no tensors behind across searches", async () => {
  const kernel = await createTfjsWasmKernel();
  const rand = seededRandom(11);
  const index = new DenseIndex(16, { kernel, blockRows: 7, queryBlock: 3 });
  index.add(Array.from({ length: 40 }, (_, i) => `d${i}`), randomUnitRows(40, 16, rand));
  const queries = randomUnitRows(8, 16, rand);
  index.search(queries, 5);
  const before = tf.memory().numTensors;
  for (let r = 0; r < 3; r++) {
    index.search(queries, 5);
    index.search(queries, 0);
    index.ranksOf(queries, Array.from({ length: 8 }, () => ["d1", "d30"]));
  }
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("tfjs-wasm kernel keeps another selected tfjs backend selected", async () => {
  const kernel = await createTfjsWasmKernel();
  const previous = tf.getBackend();
  await tf.setBackend("cpu");
  try {
    const rand = seededRandom(5);
    const vectors = randomUnitRows(30, 8, rand);
    const queries = randomUnitRows(4, 8, rand);
    const ids = Array.from({ length: 30 }, (_, i) => `d${i}`);
    const a = new DenseIndex(8, { kernel, blockRows: 8 });
    const b = new DenseIndex(8, { kernel: jsKernel, blockRows: 8 });
    a.add(ids, vectors);
    b.add(ids, vectors);
    assert.deepEqual(
      a.search(queries, 5).map((h) => h.ids),
      b.search(queries, 5).map((h) => h.ids),
    );
    assert.equal(tf.getBackend(), "cpu");
  } finally {
    await tf.setBackend(previous);
  }
});
