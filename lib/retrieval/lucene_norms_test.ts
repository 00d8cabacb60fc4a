import assert from "node:assert/strict";
import {
  byte4ToInt,
  int4ToLong,
  intToByte4,
  LENGTH_TABLE,
  longToInt4,
  luceneLength,
  NUM_FREE_VALUES,
} from "./lucene_norms.ts";
import { seededRandom } from "./_test_fixtures.ts";

Deno.test("intToByte4() and byte4ToInt() give Lucene's values", () => {
  assert.equal(NUM_FREE_VALUES, 24);
  assert.equal(longToInt4(0x7fffffff), 231);
  for (let i = 0; i <= 40; i++) assert.equal(luceneLength(i), i, `length ${i} is exact`);
  const known: [number, number, number][] = [
    // length, byte, decoded length
    [23, 23, 23],
    [24, 24, 24],
    [31, 31, 31],
    [32, 32, 32],
    [41, 40, 40],
    [42, 41, 42],
    [100, 57, 96],
    [1000, 87, 984],
    [2 ** 31 - 1, 255, 2013265944],
  ];
  for (const [length, byte, decoded] of known) {
    assert.equal(intToByte4(length), byte, `intToByte4(${length})`);
    assert.equal(byte4ToInt(byte), decoded, `byte4ToInt(${byte})`);
  }
  assert.equal(byte4ToInt(-1), byte4ToInt(255), "a signed Java byte -1 is 255");
});

Deno.test("byte4ToInt() is increasing and intToByte4() inverts it (Lucene's TestSmallFloat.testByte4)", () => {
  for (let b = 0; b < 256; b++) {
    assert.equal(intToByte4(byte4ToInt(b)), b);
    if (b > 0) assert.ok(LENGTH_TABLE[b] > LENGTH_TABLE[b - 1]);
  }
  const rand = seededRandom(4);
  for (let iter = 0; iter < 2000; iter++) {
    const i = Math.floor(rand() * 2 ** (5 + Math.floor(rand() * 26)));
    const b = intToByte4(i);
    assert.ok(LENGTH_TABLE[b] <= i && (b === 255 || i < LENGTH_TABLE[b + 1]), `${i} -> ${b}`);
  }
});

Deno.test("int4ToLong(longToInt4(x)) keeps the 4 most significant bits", () => {
  const rand = seededRandom(8);
  for (let iter = 0; iter < 2000; iter++) {
    const x = Math.floor(rand() * 2 ** (1 + Math.floor(rand() * 30)));
    const bits = 32 - Math.clz32(x);
    const want = bits > 4 ? x - (x % 2 ** (bits - 4)) : x;
    assert.equal(int4ToLong(longToInt4(x)), want, `${x}`);
  }
});

Deno.test("intToByte4() rejects negative and fractional lengths", () => {
  assert.throws(() => intToByte4(-1), RangeError);
  assert.throws(() => intToByte4(1.5), RangeError);
});
