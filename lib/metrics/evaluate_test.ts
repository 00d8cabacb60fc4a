import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { evaluate } from "./evaluate.ts";
import { averagePrecisionFromRanks } from "./map.ts";
import { rankQuery } from "./ranking.ts";
import { parseQrels, parseRun } from "./trec_io.ts";
import type { Qrels, Run } from "./types.ts";

function qrelsOf(obj: Record<string, Record<string, number>>): Qrels {
  return new Map(Object.entries(obj).map(([q, j]) => [q, new Map(Object.entries(j))]));
}

function runOf(obj: Record<string, [string, number][]>): Run {
  return new Map(
    Object.entries(obj).map((
      [q, rows],
    ) => [q, { docids: rows.map((r) => r[0]), scores: rows.map((r) => r[1]) }]),
  );
}

Deno.test("map() breaks score ties by docid, descending, ignoring the rank column", () => {
  // All three tie; trec_eval ranks c, b, a although the file ranks a first.
  const { run } = parseRun("q1 Q0 a 1 1.0 r\nq1 Q0 b 2 1 r\nq1 Q0 c 3 1.00 r\n");
  const r = evaluate(qrelsOf({ q1: { a: 1 } }), run, ["map", "recip_rank", "P_1"]);
  assert.equal(r.aggregate.map, 1 / 3);
  assert.equal(r.aggregate.recip_rank, 1 / 3);
  assert.equal(r.aggregate.P_1, 0);
});

Deno.test("ties compare docids as C strcmp: 'a9' ranks before 'a10'", () => {
  const r = evaluate(qrelsOf({ q: { a10: 1 } }), runOf({ q: [["a10", 5], ["a9", 5]] }), ["map"]);
  assert.equal(r.aggregate.map, 0.5);
});

Deno.test("a query without relevant documents scores 0 and still counts in num_q", () => {
  const qrels = qrelsOf({ q1: { a: 1 }, q2: { x: 0 } });
  const run = runOf({ q1: [["a", 2]], q2: [["x", 2], ["y", 1]] });
  const r = evaluate(qrels, run, [
    "num_q",
    "num_rel",
    "map",
    "Rprec",
    "bpref",
    "P_5",
    "recall_5",
    "ndcg",
  ]);
  assert.deepEqual(r.perQuery.get("q2"), {
    num_rel: 0,
    map: 0,
    Rprec: 0,
    bpref: 0,
    P_5: 0,
    recall_5: 0,
    ndcg: 0,
  });
  assert.equal(r.aggregate.num_q, 2);
  assert.equal(r.aggregate.map, 0.5);
  assert.equal(r.aggregate.P_5, 0.1);
});

Deno.test("a qrels query missing from the run is skipped without complete", () => {
  const qrels = qrelsOf({ q1: { a: 1 }, q2: { x: 1 } });
  const run = runOf({ q1: [["a", 1]], q3: [["z", 1]] });
  const r = evaluate(qrels, run, ["num_q", "num_ret", "map", "gm_map"]);
  assert.deepEqual([...r.perQuery.keys()], ["q1"]);
  assert.equal(r.aggregate.num_q, 1);
  assert.equal(r.aggregate.num_ret, 1);
  assert.equal(r.aggregate.map, 1);
  assert.equal(r.aggregate.gm_map, 1);
});

Deno.test("complete (-c) scores a missing query 0 and averages over all qrels queries", () => {
  const qrels = qrelsOf({ q1: { a: 1 }, q2: { x: 1, y: 0 } });
  const run = runOf({ q1: [["a", 1]] });
  const r = evaluate(
    qrels,
    run,
    ["num_q", "num_ret", "num_rel", "map", "gm_map", "iprec_at_recall_0.00", "utility", "unj_5"],
    { complete: true },
  );
  assert.deepEqual(r.perQuery.get("q2"), {
    num_ret: 0,
    num_rel: 1,
    map: 0,
    "iprec_at_recall_0.00": 0,
    utility: 0,
    unj_5: 0,
  });
  assert.equal(r.aggregate.num_q, 2);
  assert.equal(r.aggregate.map, 0.5);
  // exp((log 1 + log 0.00001) / 2)
  assert.equal(r.aggregate.gm_map, Math.exp((0 + Math.log(0.00001)) / 2));
});

Deno.test("maxRetrieved (-M) cuts each ranking before measuring", () => {
  const qrels = qrelsOf({ q: { a: 1 } });
  const run = runOf({ q: [["a", 1], ["b", 3], ["c", 2]] });
  assert.equal(evaluate(qrels, run, ["map"], { maxRetrieved: 2 }).aggregate.map, 0);
  const r = evaluate(qrels, run, ["map", "num_ret"], { maxRetrieved: 3 });
  assert.equal(r.aggregate.map, 1 / 3);
  assert.equal(r.aggregate.num_ret, 3);
});

Deno.test("relevanceLevel (-l) decides relevant, and below it judged non-relevant", () => {
  const qrels = qrelsOf({ q: { a: 1, b: 2 } });
  const run = runOf({ q: [["a", 2], ["b", 1]] });
  const l1 = evaluate(qrels, run, ["num_rel", "map", "bpref"]);
  assert.deepEqual(l1.aggregate, { num_rel: 2, map: 1, bpref: 1 });
  const l2 = evaluate(qrels, run, ["num_rel", "map", "bpref"], { relevanceLevel: 2 });
  // a (rel 1) is now judged non-relevant and ranked above b: bpref = 1 - 1/1.
  assert.deepEqual(l2.aggregate, { num_rel: 1, map: 0.5, bpref: 0 });
});

Deno.test("a document retrieved twice for a query is an InputError naming both", () => {
  const qrels = qrelsOf({ q: { a: 1 } });
  const run = runOf({ q: [["a", 3], ["b", 2], ["a", 1]] });
  assert.throws(
    () => evaluate(qrels, run, ["map"], { runName: "run.txt" }),
    (e) =>
      e instanceof InputError && /run\.txt/.test(e.message) && /query q/.test(e.message) &&
      /document a twice/.test(e.message),
  );
  // trec_eval checks only the documents it keeps (-M).
  assert.equal(evaluate(qrels, run, ["map"], { maxRetrieved: 2 }).aggregate.map, 1);
});

Deno.test("judgedOnly (-J) drops documents not in the qrels before ranking", () => {
  const qrels = qrelsOf({ q: { a: 1, b: 0 } });
  const run = runOf({ q: [["x", 3], ["a", 2], ["b", 1]] });
  assert.equal(evaluate(qrels, run, ["map"]).aggregate.map, 0.5);
  const r = evaluate(qrels, run, ["map", "num_ret"], { judgedOnly: true });
  assert.deepEqual(r.aggregate, { num_ret: 2, map: 1 });
});

Deno.test("evaluate() accepts value names and merges their cutoffs in trec_eval order", () => {
  const qrels = qrelsOf({ q: { a: 1 } });
  const run = runOf({ q: [["a", 1]] });
  const r = evaluate(qrels, run, [
    "ndcg_cut_10",
    "P_5",
    "P.10",
    "recall_1000",
    "iprec_at_recall_0.50",
  ]);
  assert.deepEqual(r.names, ["iprec_at_recall_0.50", "P_5", "P_10", "recall_1000", "ndcg_cut_10"]);
  assert.deepEqual(r.aggregate, {
    "iprec_at_recall_0.50": 1,
    P_5: 0.2,
    P_10: 0.1,
    recall_1000: 1,
    ndcg_cut_10: 1,
  });
});

Deno.test("evaluate() gives the same values for row and column runs", () => {
  const qrels = qrelsOf({ q: { a: 1, c: 2 } });
  const cols = runOf({ q: [["a", 0.2], ["b", 0.9], ["c", 0.5]] });
  const rows: Run = new Map([["q", [
    { docid: "a", score: 0.2 },
    { docid: "b", score: 0.9 },
    { docid: "c", score: 0.5 },
  ]]]);
  assert.deepEqual(evaluate(qrels, rows, ["all_trec"]), evaluate(qrels, cols, ["all_trec"]));
});

Deno.test("ndcg uses graded gains, ideal over the whole qrels; ndcg_cut cuts both", () => {
  const qrels = qrelsOf({ q: { a: 2, b: 1, c: 0, d: 1 } });
  const run = runOf({ q: [["c", 3], ["b", 2], ["a", 1]] });
  const r = evaluate(qrels, run, ["ndcg", "ndcg_cut.2"]);
  const dcg = 1 / Math.log2(3) + 2 / Math.log2(4);
  const ideal = 2 + 1 / Math.log2(3) + 1 / Math.log2(4);
  assert.ok(Math.abs(r.aggregate.ndcg - dcg / ideal) < 1e-15);
  assert.ok(Math.abs(r.aggregate.ndcg_cut_2 - (1 / Math.log2(3)) / (2 + 1 / Math.log2(3))) < 1e-15);
});

Deno.test("averagePrecisionFromRanks() equals evaluate()'s map exactly", () => {
  let s = 7;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  for (let t = 0; t < 50; t++) {
    const n = 1 + Math.floor(rnd() * 200);
    const docids = Array.from({ length: n }, (_, i) => `d${i}`);
    const scores = docids.map(() => Math.floor(rnd() * 50));
    const judged = new Map<string, number>();
    for (const d of docids) if (rnd() < 0.2) judged.set(d, 1);
    judged.set("unretrieved", 1);
    const qrels: Qrels = new Map([["q", judged]]);
    const rr = rankQuery("q", { docids, scores }, judged);
    const ranks: number[] = [];
    rr.rels.forEach((r, i) => r >= 1 && ranks.push(i + 1));
    const run: Run = new Map([["q", { docids, scores }]]);
    assert.equal(
      averagePrecisionFromRanks(ranks, rr.numRel),
      evaluate(qrels, run, ["map"]).aggregate.map,
    );
  }
});

Deno.test("parsed qrels and run evaluate like trec_eval's example", () => {
  const qrels = parseQrels("1 0 d1 1\n1 0 d2 1\n1 0 d3 0\n");
  const { run } = parseRun("1 Q0 d3 1 3 r\n1 Q0 d1 2 2 r\n1 Q0 d4 3 1 r\n");
  const r = evaluate(qrels, run);
  assert.equal(r.aggregate.num_rel_ret, 1);
  assert.equal(r.aggregate.map, 0.25);
  assert.equal(r.aggregate.Rprec, 0.5);
  assert.equal(r.aggregate.bpref, 0);
});
