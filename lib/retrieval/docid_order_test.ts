import assert from "node:assert/strict";
import { compareDocids, docidRanks } from "./docid_order.ts";
import { InputError } from "../util/errors.ts";

function utf8Compare(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

Deno.test("compareDocids() agrees with strcmp on UTF-8 bytes", () => {
  const ids = [
    "",
    "a",
    "ab",
    "b",
    "B",
    "d10",
    "d9",
    "é",
    "\uFF01",
    "\u{1F600}",
    "\u{1F600}a",
    "zh:1:2",
  ];
  for (const a of ids) {
    for (const b of ids) {
      assert.equal(Math.sign(compareDocids(a, b)), Math.sign(utf8Compare(a, b)), `${a} vs ${b}`);
    }
  }
});

Deno.test("docidRanks() gives each id its position in ascending order", () => {
  assert.deepEqual([...docidRanks(["en:1:0", "ar:0:3", "en:0:10", "en:0:9"])], [3, 0, 1, 2]);
  assert.deepEqual([...docidRanks([])], []);
});

Deno.test("docidRanks() rejects a duplicate id, naming it", () => {
  assert.throws(() => docidRanks(["a", "b", "a"], "corpus"), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.match(err.message, /Duplicate document id "a" in corpus/);
    return true;
  });
});
