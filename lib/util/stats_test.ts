import assert from "node:assert/strict";
import { median, percentile, perSecond } from "./stats.ts";

Deno.test("median() takes the middle value of an odd count, unsorted input", () => {
  assert.equal(median([9, 1, 5]), 5);
  assert.equal(median([7]), 7);
});

Deno.test("median() averages the two middle values of an even count", () => {
  assert.equal(median([10, 1, 4, 2]), 3);
});

Deno.test("median() does not reorder its argument", () => {
  const xs = [3, 1, 2];
  median(xs);
  assert.deepEqual(xs, [3, 1, 2]);
});

Deno.test("median() rejects an empty list", () => {
  assert.throws(() => median([]), RangeError);
});

Deno.test("perSecond() converts one repetition's milliseconds to a rate", () => {
  assert.equal(perSecond(1000, 500), 2000);
  assert.throws(() => perSecond(1, 0), RangeError);
  assert.throws(() => perSecond(1, NaN), RangeError);
});

Deno.test("percentile() interpolates linearly between closest ranks, as numpy does", () => {
  // numpy.percentile([15, 20, 35, 40, 50], [0, 30, 40, 50, 95, 100])
  const xs = [40, 15, 50, 35, 20];
  assert.equal(percentile(xs, 0), 15);
  assert.equal(percentile(xs, 30), 23);
  assert.equal(percentile(xs, 40), 29);
  assert.equal(percentile(xs, 50), 35);
  assert.ok(Math.abs(percentile(xs, 95) - 48) < 1e-12);
  assert.equal(percentile(xs, 100), 50);
  assert.equal(percentile([7], 95), 7);
  assert.deepEqual(xs, [40, 15, 50, 35, 20], "input not modified");
});

Deno.test("percentile() is NaN for no values and rejects p outside [0, 100]", () => {
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], -1), RangeError);
  assert.throws(() => percentile([1], NaN), RangeError);
});
