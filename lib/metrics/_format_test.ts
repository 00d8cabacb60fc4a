import assert from "node:assert/strict";
import { formatFixed, trecLine } from "./_format.ts";

Deno.test("formatFixed() rounds exact ties to even as C printf, unlike toFixed", () => {
  assert.equal((0.03125).toFixed(4), "0.0313");
  assert.equal(formatFixed(0.03125, 4), "0.0312");
  assert.equal(formatFixed(0.09375, 4), "0.0938");
  assert.equal(formatFixed(0.15625, 4), "0.1562");
  assert.equal(formatFixed(0.125, 2), "0.12");
  assert.equal(formatFixed(2.5, 0), "2");
  assert.equal(formatFixed(3.5, 0), "4");
});

Deno.test("formatFixed() rounds non-ties by their exact binary value", () => {
  assert.equal(formatFixed(0.1785, 4), "0.1785");
  assert.equal(formatFixed(1.0005, 3), "1.000"); // 1.0005 is stored as 1.000499999…
  assert.equal(formatFixed(0.35, 2), "0.35");
  assert.equal(formatFixed(1 / 3, 4), "0.3333");
});

Deno.test("formatFixed() keeps C's sign, inf and nan spellings", () => {
  assert.equal(formatFixed(-0.00001, 4), "-0.0000");
  assert.equal(formatFixed(-0, 4), "-0.0000");
  assert.equal(formatFixed(-412.66666666, 4), "-412.6667");
  assert.equal(formatFixed(Infinity, 4), "inf");
  assert.equal(formatFixed(NaN, 4), "-nan"); // trec_eval on x86-64: 0/0 is the negative default NaN
  assert.equal(formatFixed(-NaN, 4), "-nan");
  assert.equal(formatFixed(1e21, 2), "1000000000000000000000.00");
});

Deno.test("trecLine() pads the name to 22 columns and separates with tabs", () => {
  assert.equal(trecLine("num_nonrel_judged_ret", "all", "607"), "num_nonrel_judged_ret \tall\t607");
  assert.equal(
    trecLine("a_measure_name_longer_than_22", "1", "x"),
    "a_measure_name_longer_than_22\t1\tx",
  );
});
