import assert from "node:assert/strict";
import { resolve } from "node:path";
import { InputError } from "../lib/util/errors.ts";
import { retrievalOptions } from "./_retrieval_task.ts";

Deno.test("retrievalOptions applies the documented defaults and locks --out", async () => {
  const out = `${await Deno.makeTempDir()}/o`;
  const { lock, ...opts } = await retrievalOptions(
    { model: "bm25", out, data: "/d", dataset: "x" },
    ["dataset"],
    "usage",
  );
  assert.equal(lock.path, `${out}.lock`);
  await assert.rejects(() => retrievalOptions({ model: "bm25", out }, [], "usage"), /is in use/);
  await lock.release();
  assert.deepEqual(opts, {
    model: "bm25",
    out: resolve(out),
    dataDir: resolve("/d"),
    maxQueries: 0,
    batchSize: 256,
    latencyQueries: 200,
    depth: 1000,
    tokenizer: undefined,
    kernel: undefined,
    name: undefined,
    maxLength: undefined,
  });
});

Deno.test("retrievalOptions names a missing flag and a bad number", async () => {
  await assert.rejects(
    () => retrievalOptions({ model: "bm25", out: "o" }, ["lang"], "usage"),
    (e: Error) => e instanceof InputError && /--lang is required/.test(e.message),
  );
  await assert.rejects(
    () => retrievalOptions({ model: "bm25", out: "o", "max-length": "0" }, [], "usage"),
    (e: Error) => e instanceof InputError && /--max-length must be an integer >= 1/.test(e.message),
  );
  await assert.rejects(
    () => retrievalOptions({ model: "bm25", out: "o", batch: "0" }, [], "usage"),
    (e: Error) =>
      e instanceof InputError && /--batch must be an integer >= 1, got "0"/.test(e.message),
  );
  await assert.rejects(
    () => retrievalOptions({ model: "bm25", out: "o", depth: "1.5" }, [], "usage"),
    (e: Error) => e instanceof InputError && /--depth/.test(e.message),
  );
});

Deno.test("retrievalOptions refuses --out naming a file before anything else", async () => {
  const file = await Deno.makeTempFile();
  await assert.rejects(
    () => retrievalOptions({ model: "bm25", out: file }, [], "usage"),
    (e: Error) => e instanceof InputError && e.message.startsWith(`--out ${file} is a file`),
  );
});
