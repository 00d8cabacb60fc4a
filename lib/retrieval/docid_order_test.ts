import assert from "node:assert/strict";
import { docidRanks } from "./docid_order.ts";
import { InputError } from "../util/errors.ts";

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
