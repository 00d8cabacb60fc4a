import assert from "node:assert/strict";
import { runTask } from "./_run_task.ts";
import { join } from "node:path";
import { datasetPath } from "../lib/data/data_dir.ts";
import { exists, skipUnless } from "../lib/util/testing.ts";

const haveData = exists(join(datasetPath("xquad-r"), "en.json")) &&
  exists(join(datasetPath("vocab/bert-base-multilingual-cased"), "tokenizer.json"));

function evalCli(args: string[]) {
  return runTask("eval.ts", args);
}

Deno.test({
  name: "deno task eval writes runs, qrels, summary.tsv and metrics.json for BM25",
  ignore: skipUnless(haveData, "XQuAD-R and the mBERT vocabulary (XLIR_DATA)"),
  async fn() {
    const out = join(await Deno.makeTempDir(), "ev");
    const r = await evalCli([
      "--dataset",
      "xquad-r",
      "--model",
      "bm25",
      "--out",
      out,
      "--langs",
      "en,de",
      "--max-queries",
      "5",
      "--depth",
      "0",
    ]);
    assert.equal(r.code, 0, r.stderr);
    for (
      const f of [
        "runs/en-de.trec",
        "runs/de-de.trec",
        "runs/en-all.trec",
        "qrels/en-all.qrels",
        "summary.tsv",
        "metrics.json",
      ]
    ) {
      assert.ok(exists(join(out, f)), f);
    }
    const settings = (await Deno.readTextFile(join(out, "summary.tsv"))).trim().split("\n").slice(1)
      .map((
        l,
      ) => l.split("\t").slice(0, 2).join("."));
    assert.deepEqual(settings, [
      "mono.map",
      "mono.r1",
      "cross.map",
      "cross.r1",
      "multi.map",
      "multi.r10",
      "multi.language_bias",
    ]);
    // --depth 0: every candidate of the collection is ranked for every query.
    const lines = (await Deno.readTextFile(join(out, "runs/en-de.trec"))).trim().split("\n");
    assert.equal(lines.length, 5 * 1276);
    const metrics = JSON.parse(await Deno.readTextFile(join(out, "metrics.json")));
    assert.ok(
      metrics.git_revision && metrics.config.depth === 0 && metrics.mono.perLang.en.n === 5,
    );
  },
});

Deno.test({
  name: "deno task eval names an unknown language, a missing model directory and a bad dataset",
  ignore: skipUnless(haveData, "XQuAD-R (XLIR_DATA)"),
  async fn() {
    const dir = await Deno.makeTempDir();
    const lang = await evalCli([
      "--dataset",
      "xquad-r",
      "--model",
      "bm25",
      "--out",
      join(dir, "a"),
      "--langs",
      "en,xx",
    ]);
    assert.equal(lang.code, 2);
    assert.match(lang.stderr, /xx/);
    const model = await evalCli([
      "--dataset",
      "xquad-r",
      "--model",
      join(dir, "nope"),
      "--out",
      join(dir, "b"),
    ]);
    assert.equal(model.code, 2);
    assert.match(model.stderr, /--model .*nope: no such directory/);
    const ds = await evalCli(["--dataset", "squad", "--model", "bm25", "--out", join(dir, "c")]);
    assert.equal(ds.code, 2);
    assert.match(ds.stderr, /--dataset must be xquad-r or mlqa-r/);
    for (const d of ["a", "b", "c"]) assert.ok(!exists(join(dir, d)), `${d} must not be written`);
  },
});
