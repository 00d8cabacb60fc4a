import assert from "node:assert/strict";
import { meanCi } from "./significance.ts";

Deno.test("meanCi() uses Student t and handles one value", () => {
  const r = meanCi([0.2, 0.4]);
  assert.ok(Math.abs(r.mean - 0.3) < 1e-12);
  assert.ok(Math.abs(r.halfWidth - 12.706 * Math.SQRT1_2 * 0.2 / Math.SQRT2) < 1e-9);
  assert.ok(Number.isNaN(meanCi([1]).halfWidth));
});
