import assert from "node:assert/strict";
import { median, perSecond, summarize } from "./stats.ts";

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

Deno.test("median() and summarize() reject an empty list", () => {
  assert.throws(() => median([]), RangeError);
  assert.throws(() => summarize([]), RangeError);
});

Deno.test("summarize() gives count, median and extremes", () => {
  assert.deepEqual(summarize([4, 8, 1, 2]), { n: 4, median: 3, min: 1, max: 8 });
});

Deno.test("perSecond() converts one repetition's milliseconds to a rate", () => {
  assert.equal(perSecond(1000, 500), 2000);
  assert.throws(() => perSecond(1, 0), RangeError);
  assert.throws(() => perSecond(1, NaN), RangeError);
});
