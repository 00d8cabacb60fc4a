import assert from "node:assert/strict";
import { runTask } from "./_run_task.ts";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { evaluate } from "../lib/metrics/evaluate.ts";
import { readRun } from "../lib/metrics/trec_io.ts";
import { tinyTokenizerJson } from "../lib/model/_testing.ts";
import { exists } from "../lib/util/testing.ts";

/** The permissions of `deno task miracl` (deno.json). */
const PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run=git,cat",
  "--allow-ffi",
];

function miraclCli(args: string[]) {
  return runTask("miracl.ts", args, { permissions: PERMISSIONS });
}

const QRELS = new Map([
  ["101", new Map([["1#0", 1], ["2#0", 0]])],
  ["102", new Map([["3#1", 1]])],
]);

/** Writes sw topics and qrels, a tiny tokenizer and (optionally) a one-shard gzip corpus. */
async function writeToyMiracl(withCorpus: boolean): Promise<string> {
  const data = await Deno.makeTempDir();
  await Deno.mkdir(join(data, "miracl/topics"), { recursive: true });
  await Deno.mkdir(join(data, "miracl/qrels"), { recursive: true });
  await Deno.writeTextFile(
    join(data, "miracl/topics/topics.miracl-v1.0-sw-dev.tsv"),
    "101\twhere is paris?\n102\twho sat on the mat?\n",
  );
  await Deno.writeTextFile(
    join(data, "miracl/qrels/qrels.miracl-v1.0-sw-dev.tsv"),
    [...QRELS].flatMap(([q, m]) => [...m].map(([d, r]) => `${q} Q0 ${d} ${r}\n`)).join(""),
  );
  await Deno.mkdir(join(data, "tok"));
  await Deno.writeTextFile(join(data, "tok/tokenizer.json"), tinyTokenizerJson());
  if (withCorpus) {
    const docs = [
      { docid: "1#0", title: "paris", text: "paris is a city of france." },
      { docid: "2#0", title: "berlin", text: "berlin is the capital of germany." },
      { docid: "3#0", title: "cat", text: "the dog sat." },
      { docid: "3#1", title: "cat", text: "the cat sat on the mat." },
    ];
    await Deno.mkdir(join(data, "shards"));
    await Deno.writeFile(
      join(data, "shards/docs-0.jsonl.gz"),
      gzipSync(docs.map((d) => JSON.stringify(d) + "\n").join("")),
    );
  }
  return data;
}

Deno.test("deno task miracl without the corpus says what to download, exits 2 and writes nothing", async () => {
  const data = await writeToyMiracl(false);
  const out = join(data, "out");
  const r = await miraclCli(["--lang", "sw", "--model", "bm25", "--out", out, "--data", data]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /The MIRACL corpus for "sw" is not complete/);
  assert.match(r.stderr, /deno task download miracl-corpus-sw/);
  assert.match(r.stderr, /--corpus DIR/);
  assert.ok(!exists(out));
});

Deno.test("deno task miracl with a gzip corpus shard writes metrics that lib/metrics confirms", async () => {
  const data = await writeToyMiracl(true);
  const out = join(data, "out");
  const r = await miraclCli([
    "--lang",
    "sw",
    "--model",
    "bm25",
    "--out",
    out,
    "--data",
    data,
    "--corpus",
    join(data, "shards"),
    "--tokenizer",
    join(data, "tok"),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const metrics = JSON.parse(await Deno.readTextFile(join(out, "metrics.json")));
  assert.equal(metrics.lang, "sw");
  assert.equal(metrics.config.corpus, join(data, "shards"));
  assert.equal(metrics.collection.docs, 4);
  assert.equal(metrics.collection.queries, 2);
  const { run } = await readRun(join(out, "run.trec"));
  const ev = evaluate(QRELS, run, ["ndcg_cut_10", "recall_100"]);
  assert.equal(metrics.quality.ndcg_cut_10, ev.aggregate.ndcg_cut_10);
  assert.equal(metrics.quality.recall_100, 1);
  assert.ok(exists(join(out, "summary.tsv")));
});

Deno.test("deno task miracl rejects an unknown language", async () => {
  const data = await Deno.makeTempDir();
  const out = join(data, "out");
  const r = await miraclCli(["--lang", "xx", "--model", "bm25", "--out", out, "--data", data]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown MIRACL language "xx"/);
  assert.ok(!exists(out));
});
