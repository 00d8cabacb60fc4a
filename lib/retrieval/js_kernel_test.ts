import assert from "node:assert/strict";
import { jsKernel } from "./js_kernel.ts";
import { checkKernel } from "./_test_fixtures.ts";

Deno.test("jsKernel scores match float64 dot products and are pointwise deterministic", () => {
  checkKernel(jsKernel);
});

Deno.test("jsKernel returns an empty block for zero documents", () => {
  const block = jsKernel.prepare(new Float32Array([1, 0]), 1, 2);
  assert.equal(block.score(new Float32Array(0), 0).length, 0);
});
