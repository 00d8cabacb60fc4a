import assert from "node:assert/strict";
import { compareUtf8 } from "./strcmp.ts";

function utf8Compare(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

Deno.test("compareUtf8() agrees with strcmp on UTF-8 bytes", () => {
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
      assert.equal(Math.sign(compareUtf8(a, b)), Math.sign(utf8Compare(a, b)), `${a} vs ${b}`);
    }
  }
});
