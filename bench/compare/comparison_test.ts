import assert from "node:assert/strict";
import { sideTimings } from "./alternate.ts";
import { compare, formatComparison, formatRate } from "./comparison.ts";

const base = {
  name: "encode_per_s",
  unit: "texts/s",
  items: 1180,
  goal: 1,
  check: { passed: true, summary: "max |diff| 1e-7" },
  details: {},
};

Deno.test("compare() divides xlir's throughput by the fastest peer's", () => {
  const c = compare({
    ...base,
    xlir: sideTimings("xlir", [[10]], 1180),
    peers: [sideTimings("slow", [[40]], 1180), sideTimings("fast", [[20]], 1180)],
  });
  assert.equal(c.best, "fast");
  assert.equal(c.ratio, 2);
});

Deno.test("compare() needs a peer", () => {
  assert.throws(
    () => compare({ ...base, xlir: sideTimings("xlir", [[1]], 1), peers: [] }),
    RangeError,
  );
});

Deno.test("formatComparison() says when the goal is missed", () => {
  const c = compare({
    ...base,
    goal: 0.5,
    xlir: sideTimings("xlir", [[1000]], 1000),
    peers: [sideTimings("faiss", [[400]], 1000)],
  });
  assert.equal(
    formatComparison(c),
    "ratio encode_per_s = 0.40  (xlir 1000 texts/s, faiss 2500; goal >= 0.5: MISSED)",
  );
});

Deno.test("formatRate() rounds large rates and keeps three digits of small ones", () => {
  assert.equal(formatRate(99.94), "99.9");
  assert.equal(formatRate(100.4), "100");
  assert.equal(formatRate(0.01234), "0.0123");
});
