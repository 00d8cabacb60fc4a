import assert from "node:assert/strict";
import {
  distinctIds,
  packBatches,
  packRagged,
  randomUnitVectors,
  readRawFloat32,
  readRawInt32,
  uniformIdBatches,
  windowIdBatches,
  writeRaw,
} from "./workload.ts";
import { InputError } from "../../lib/util/errors.ts";

Deno.test("randomUnitVectors() gives unit rows, the same for the same seed", () => {
  const a = randomUnitVectors(50, 7, 3);
  assert.deepEqual(a, randomUnitVectors(50, 7, 3));
  assert.notDeepEqual(a, randomUnitVectors(50, 7, 4));
  for (let i = 0; i < 50; i++) {
    let s = 0;
    for (let k = 0; k < 7; k++) s += a[i * 7 + k] ** 2;
    assert.ok(Math.abs(s - 1) < 1e-6, `row ${i} has squared norm ${s}`);
  }
});

Deno.test("randomUnitVectors() entries look Gaussian (mean 0, variance 1/d)", () => {
  const d = 64, n = 500, v = randomUnitVectors(n, d, 1);
  let mean = 0, sq = 0;
  for (const x of v) {
    mean += x;
    sq += x * x;
  }
  mean /= v.length;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(sq / v.length - 1 / d) < 1e-6);
});

Deno.test("uniformIdBatches() has the shape asked for, ids in range, seeded", () => {
  const shape = { count: 3, batch: 4, length: 5 };
  const b = uniformIdBatches(shape, 1000, 9);
  assert.equal(b.length, 3);
  for (const x of b) {
    assert.equal(x.queries.length, 4);
    assert.equal(x.passages.length, 4);
    for (const ids of [...x.queries, ...x.passages]) {
      assert.equal(ids.length, 5);
      for (const id of ids) assert.ok(id >= 0 && id < 1000);
    }
  }
  assert.deepEqual(b, uniformIdBatches(shape, 1000, 9));
});

Deno.test("windowIdBatches() wraps consecutive stream ids in head and tail", () => {
  const stream = Int32Array.from({ length: 100 }, (_, i) => 1000 + i);
  const query = { head: new Int32Array([101, 7]), tail: new Int32Array([102]) };
  const passage = { head: new Int32Array([101, 8, 9]), tail: new Int32Array([102]) };
  const [b] = windowIdBatches({ count: 1, batch: 3, length: 8 }, stream, query, passage, 5);
  for (const q of b.queries) {
    assert.deepEqual([...q.subarray(0, 2)], [101, 7]);
    assert.equal(q[7], 102);
    for (let t = 3; t < 7; t++) assert.equal(q[t], q[t - 1] + 1);
  }
  for (const p of b.passages) {
    assert.deepEqual([...p.subarray(0, 3)], [101, 8, 9]);
    assert.equal(p[7], 102);
    for (let t = 4; t < 7; t++) assert.equal(p[t], p[t - 1] + 1);
  }
});

Deno.test("windowIdBatches() rejects a wrapping longer than the text and a short stream", () => {
  const wrap = { head: new Int32Array([1, 2]), tail: new Int32Array([3]) };
  const shape = { count: 1, batch: 1, length: 3 };
  assert.throws(() => windowIdBatches(shape, new Int32Array(10), wrap, wrap, 1), InputError);
  assert.throws(
    () => windowIdBatches({ ...shape, length: 10 }, new Int32Array(3), wrap, wrap, 1),
    InputError,
  );
});

Deno.test("packBatches() lays out [count][query/passage][batch][length]", () => {
  const t = (...x: number[]) => new Int32Array(x);
  const batches = [
    { queries: [t(1, 2), t(3, 4)], passages: [t(5, 6), t(7, 8)] },
    { queries: [t(9, 10), t(11, 12)], passages: [t(13, 14), t(15, 16)] },
  ];
  const packed = packBatches(batches, { count: 2, batch: 2, length: 2 });
  assert.deepEqual([...packed], Array.from({ length: 16 }, (_, i) => i + 1));
  assert.throws(() => packBatches(batches, { count: 2, batch: 2, length: 3 }), InputError);
  assert.throws(() => packBatches(batches, { count: 1, batch: 2, length: 2 }), InputError);
});

Deno.test("packRagged() concatenates ids and records where each text starts", () => {
  const { ids, offsets } = packRagged([new Int32Array([4]), new Int32Array([5, 6, 7])]);
  assert.deepEqual([...ids], [4, 5, 6, 7]);
  assert.deepEqual([...offsets], [0, 1]);
});

Deno.test("distinctIds() counts ids across queries and passages once", () => {
  const b = { queries: [new Int32Array([1, 1, 2])], passages: [new Int32Array([2, 3])] };
  assert.equal(distinctIds(b), 3);
});

Deno.test("writeRaw() and readRaw*() round-trip little-endian values", async () => {
  const dir = await Deno.makeTempDir();
  await writeRaw(`${dir}/i.bin`, new Int32Array([1, -2, 2 ** 30]));
  assert.deepEqual([...(await readRawInt32(`${dir}/i.bin`))], [1, -2, 2 ** 30]);
  await writeRaw(`${dir}/f.bin`, new Float32Array([0.25, -3]));
  assert.deepEqual([...(await readRawFloat32(`${dir}/f.bin`))], [0.25, -3]);
  await Deno.writeFile(`${dir}/bad.bin`, new Uint8Array(5));
  await assert.rejects(() => readRawInt32(`${dir}/bad.bin`), InputError);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("writeRaw() writes a subarray's own bytes only", async () => {
  const dir = await Deno.makeTempDir();
  await writeRaw(`${dir}/s.bin`, new Int32Array([1, 2, 3, 4]).subarray(1, 3));
  assert.deepEqual([...(await readRawInt32(`${dir}/s.bin`))], [2, 3]);
  await Deno.remove(dir, { recursive: true });
});
