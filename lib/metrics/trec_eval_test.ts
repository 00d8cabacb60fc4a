import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { parseTrecEvalArgs, trecEval } from "./trec_eval.ts";

const DATA = Deno.env.get("XLIR_DATA") ?? "";
const T = join(DATA, "trec_eval", "test");
const HAS_DATA = DATA !== "" && exists(join(T, "out.test"));
const WHAT = "XLIR_DATA with trec_eval/test";

/** The fixture's lines for the measures we compute (drops `relstring`, `relstring_20`). */
async function expected(name: string): Promise<string> {
  const text = await Deno.readTextFile(join(T, name));
  const lines = text.split("\n").filter((l) => l !== "" && !/^relstring[_ ]/.test(l));
  return lines.join("\n") + "\n";
}

async function run(...args: string[]): Promise<string> {
  const files = args.slice(-2).map((f) => join(T, f));
  return (await trecEval([...args.slice(0, -2), ...files])).stdout;
}

const CASES: [string, string[]][] = [
  ["out.test", ["qrels.test", "results.test"]],
  ["out.test", ["qrels.test.with-comments", "results.test"]],
  ["out.comment.test", ["qrels.comment.test", "results.comment.test"]],
  ["out.test.a", ["-m", "all_trec", "qrels.test", "results.test"]],
  ["out.test.aq", ["-m", "all_trec", "-q", "qrels.test", "results.test"]],
  ["out.test.aqc", ["-m", "all_trec", "-q", "-c", "qrels.test", "results.trunc"]],
  ["out.test.aqcM", ["-m", "all_trec", "-q", "-c", "-M100", "qrels.test", "results.trunc"]],
  ["out.test.aql", [
    "-m",
    "all_trec",
    "-mrelstring.20",
    "-q",
    "-l2",
    "qrels.rel_level",
    "results.test",
  ]],
  ["out.test.meas_params", [
    "-q",
    "-miprec_at_recall..10,.20,.25,.75,.50",
    "-m",
    "P.5,7,3",
    "-m",
    "recall.20,2000",
    "-m",
    "Rprec_mult.5.0,0.2,0.35",
    "-mutility.2,-1,0,0",
    "-m",
    "11pt_avg..25,.5,.75",
    "-mndcg.1=3,2=9,4=4.5",
    "-mndcg_cut.10,20,23.4",
    "-msuccess.2,5,20",
    "qrels.test",
    "results.test",
  ]],
];

for (const [out, args] of CASES) {
  Deno.test({
    name: `trecEval(${args.join(" ")}) prints ${out} line for line (supported measures)`,
    ignore: skipUnless(HAS_DATA, WHAT),
    async fn() {
      assert.equal(await run(...args), await expected(out));
    },
  });
}

Deno.test({
  name: "trecEval() reports relstring as skipped, not as an error",
  ignore: skipUnless(HAS_DATA, WHAT),
  async fn() {
    const { notes } = await trecEval([
      "-m",
      "all_trec",
      join(T, "qrels.test"),
      join(T, "results.test"),
    ]);
    assert.deepEqual(notes, ["trec_eval: measure relstring is not supported here; skipped"]);
  },
});

Deno.test({
  name: "trecEval() stops, as trec_eval 10.0, on a qrels query without results (no -c)",
  ignore: skipUnless(HAS_DATA, WHAT),
  async fn() {
    await assert.rejects(
      () => trecEval([join(T, "qrels-302.test"), join(T, "results.trunc")]),
      (e) =>
        e instanceof InputError &&
        /^qrels query "302" has no results in .*results\.trunc; trec_eval 10\.0 stops here too/
          .test(e.message),
    );
  },
});

Deno.test("parseTrecEvalArgs() reads getopt-style flags before and after the files", () => {
  const a = parseTrecEvalArgs([
    "-qc",
    "qrels",
    "-M",
    "100",
    "-mP.5",
    "run",
    "-l2",
    "--measure=map",
  ]);
  assert.ok(typeof a === "object");
  assert.deepEqual(a.measures, ["P.5", "map"]);
  assert.equal(a.perQuery, true);
  assert.deepEqual(a.options, { complete: true, maxRetrieved: 100, relevanceLevel: 2 });
  assert.equal(a.qrelsPath, "qrels");
  assert.equal(a.runPath, "run");
});

Deno.test("parseTrecEvalArgs() rejects unsupported options and a missing file", () => {
  assert.throws(() => parseTrecEvalArgs(["-Z", "z", "q", "r"]), InputError);
  assert.throws(() => parseTrecEvalArgs(["-R", "prefs", "q", "r"]), InputError);
  assert.throws(() => parseTrecEvalArgs(["q"]), /expected 2 file names/);
  assert.throws(() => parseTrecEvalArgs(["-M", "x", "q", "r"]), /-M: "x" is not an integer/);
  assert.equal(parseTrecEvalArgs(["-h"]), "help");
});
