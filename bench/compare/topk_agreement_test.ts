import assert from "node:assert/strict";
import { topkAgreement } from "./topk_agreement.ts";
import { InputError } from "../../lib/util/errors.ts";

Deno.test("topkAgreement() counts ids shared per query whatever their order", () => {
  const a = new Int32Array([1, 2, 3, 7, 8, 9]);
  const b = new Int32Array([3, 2, 1, 7, 8, 6]);
  const r = topkAgreement(a, b, 3);
  assert.equal(r.queries, 2);
  assert.equal(r.shared, 5 / 6);
  assert.equal(r.samePosition, 3 / 6);
  assert.equal(r.identicalQueries, 1);
  assert.deepEqual(r.worst, { query: 1, shared: 2 });
});

Deno.test("topkAgreement() is 1 for identical lists", () => {
  const a = new Int32Array([5, 4, 3, 2]);
  const r = topkAgreement(a, a.slice(), 2);
  assert.equal(r.shared, 1);
  assert.equal(r.samePosition, 1);
  assert.equal(r.identicalQueries, 2);
});

Deno.test("topkAgreement() ignores -1 padding, but a missing hit counts against", () => {
  const r = topkAgreement(new Int32Array([1, -1]), new Int32Array([1, 2]), 2);
  assert.equal(r.shared, 0.5);
  assert.equal(r.identicalQueries, 0);
});

Deno.test("topkAgreement() rejects mismatched shapes", () => {
  assert.throws(() => topkAgreement(new Int32Array(4), new Int32Array(6), 2), InputError);
  assert.throws(() => topkAgreement(new Int32Array(3), new Int32Array(3), 2), InputError);
});
