import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { compareUtf8 } from "../util/strcmp.ts";
import { qrelsStats, rankOrder, rankQuery } from "./ranking.ts";

Deno.test("rankOrder() sorts by score descending, then docid descending", () => {
  const docids = ["b", "a", "c", "d"];
  const order = rankOrder(docids, [1, 2, 1, 0.5]);
  assert.deepEqual([...order].map((i) => docids[i]), ["a", "c", "b", "d"]);
});

Deno.test("rankOrder() compares docids by UTF-8 bytes, not UTF-16 units", () => {
  const docids = ["\uFFFD", "\u{1F600}"];
  assert.ok("\u{1F600}" < "\uFFFD"); // UTF-16 order
  assert.ok(compareUtf8("\u{1F600}", "\uFFFD") > 0); // strcmp order
  assert.deepEqual([...rankOrder(docids, [1, 1])].map((i) => docids[i]), ["\u{1F600}", "\uFFFD"]);
});

Deno.test("rankQuery() marks documents not in the qrels -1 and negative judgements -2", () => {
  const rr = rankQuery(
    "q",
    { docids: ["a", "b", "c", "d"], scores: [4, 3, 2, 1] },
    new Map([
      ["a", 2],
      ["b", -1],
      ["d", 0],
      ["e", 1],
    ]),
  );
  assert.deepEqual([...rr.rels], [2, -2, -1, 0]);
  assert.deepEqual(
    { ...rr, rels: undefined },
    {
      rels: undefined,
      numRet: 4,
      numRelRet: 1,
      numNonpool: 1,
      numUnjudgedInPool: 1,
      numRel: 2,
      relLevels: [1, 1, 1],
      numRelLevels: 3,
    },
  );
});

Deno.test("rankQuery() rejects NaN scores and mismatched columns", () => {
  assert.throws(() => rankQuery("q", { docids: ["a"], scores: [NaN] }, new Map()), InputError);
  assert.throws(() => rankQuery("q", { docids: ["a"], scores: [] }, new Map()), InputError);
});

Deno.test("qrelsStats() counts judged documents per relevance value", () => {
  assert.deepEqual(qrelsStats(new Map([["a", -1]])), { relLevels: [], numRelLevels: 0 });
  assert.deepEqual(qrelsStats(new Map([["a", 0], ["b", 3]])), {
    relLevels: [1, 0, 0, 1],
    numRelLevels: 4,
  });
});
