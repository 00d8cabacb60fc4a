import assert from "node:assert/strict";
import { tsvValue } from "../lib/eval/lareqa_export.ts";
import { runTask } from "./_run_task.ts";
import { join } from "node:path";
import { evaluate } from "../lib/metrics/evaluate.ts";
import { readRun } from "../lib/metrics/trec_io.ts";
import { tinyTokenizer, tinyTokenizerJson } from "../lib/model/_testing.ts";
import { createStaticEncoder } from "../lib/model/static_encoder.ts";
import { exists, listDir, snapshotDir } from "../lib/util/testing.ts";

/** The permissions of `deno task beir` (deno.json). */
const PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run=git,cat",
  "--allow-ffi",
];

function beirCli(args: string[], env: Record<string, string> = {}) {
  return runTask("beir.ts", args, {
    permissions: PERMISSIONS,
    env: { XLIR_SEARCH_KERNEL: "js", ...env },
  });
}

/** Writes a tiny BEIR dataset (`beir/toy`) and a tiny tokenizer; returns the data directory. */
async function writeToyData(): Promise<string> {
  const dataDir = await Deno.makeTempDir();
  const dir = join(dataDir, "beir/toy");
  await Deno.mkdir(join(dir, "qrels"), { recursive: true });
  const docs = [
    { _id: "d1", title: "cats", text: "the cat sat on the mat." },
    { _id: "d2", title: "", text: "berlin is the capital of germany." },
    { _id: "d3", title: "paris", text: "paris is a city of france." },
    { _id: "d4", title: "", text: "a river is in the city of berlin." },
  ];
  const queries = [
    { _id: "q1", text: "who sat on the mat?" },
    { _id: "q2", text: "what is the capital of germany?" },
    { _id: "q3", text: "where is paris?" },
    { _id: "q9", text: "a query judged only in train" },
  ];
  const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r) + "\n").join("");
  await Deno.writeTextFile(join(dir, "corpus.jsonl"), jsonl(docs));
  await Deno.writeTextFile(join(dir, "queries.jsonl"), jsonl(queries));
  await Deno.writeTextFile(
    join(dir, "qrels/test.tsv"),
    "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\nq3\td4\t0\n",
  );
  await Deno.writeTextFile(join(dir, "qrels/train.tsv"), "query-id\tcorpus-id\tscore\nq9\td4\t1\n");
  await Deno.mkdir(join(dataDir, "tok"));
  await Deno.writeTextFile(join(dataDir, "tok/tokenizer.json"), tinyTokenizerJson());
  return dataDir;
}

Deno.test("deno task beir with BM25 writes run.trec, summary.tsv and metrics.json that agree", async () => {
  const data = await writeToyData();
  const out = join(data, "out");
  const r = await beirCli([
    "--dataset",
    "toy",
    "--model",
    "bm25",
    "--out",
    out,
    "--data",
    data,
    "--tokenizer",
    join(data, "tok"),
    "--latency-queries",
    "3",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const metrics = JSON.parse(await Deno.readTextFile(join(out, "metrics.json")));
  for (const key of ["config", "git_revision", "quality", "efficiency", "environment", "model"]) {
    assert.ok(key in metrics, key);
  }
  assert.equal(metrics.config.dataset, "toy");
  assert.equal(metrics.config.seed, null);
  assert.equal(metrics.collection.queries, 3);
  assert.equal(metrics.efficiency.latency.n, 3);
  assert.equal(typeof metrics.environment.cpu, "string");
  assert.equal(typeof metrics.efficiency.memory.vm_hwm_bytes, "number", "VmHWM through cat");
  const { run } = await readRun(join(out, "run.trec"));
  const qrels = new Map([
    ["q1", new Map([["d1", 1]])],
    ["q2", new Map([["d2", 1]])],
    ["q3", new Map([["d3", 1], ["d4", 0]])],
  ]);
  const ev = evaluate(qrels, run, ["ndcg_cut_10", "recall_100"]);
  assert.equal(metrics.quality.ndcg_cut_10, ev.aggregate.ndcg_cut_10);
  assert.equal(metrics.quality.recall_100, ev.aggregate.recall_100);
  assert.match(r.stdout, new RegExp(`^ndcg_cut_10\t${tsvValue(ev.aggregate.ndcg_cut_10)}$`, "m"));
  const tsv = await Deno.readTextFile(join(out, "summary.tsv"));
  assert.match(tsv, /^metric\tvalue\nndcg_cut_10\t/);
  assert.match(tsv, /^recall_100\t1$/m);
  const perQuery = (await Deno.readTextFile(join(out, "per_query.tsv"))).trim().split("\n");
  assert.equal(perQuery[0], "measure\tqid\tvalue");
  assert.ok(perQuery.includes("ndcg_cut_10\tq1\t1"), perQuery.join("\n"));
});

Deno.test("deno task beir evaluates a saved model directory", async () => {
  const data = await writeToyData();
  const model = join(data, "model");
  const encoder = createStaticEncoder({ tokenizer: await tinyTokenizer(), dim: 8, seed: 2 });
  await encoder.save(model);
  encoder.dispose();
  const out = join(data, "out");
  const r = await beirCli(["--dataset", "toy", "--model", model, "--out", out, "--data", data]);
  assert.equal(r.code, 0, r.stderr);
  const metrics = JSON.parse(await Deno.readTextFile(join(out, "metrics.json")));
  assert.equal(metrics.model.kind, "dense");
  assert.equal(metrics.environment.kernel, "js");
  const { run } = await readRun(join(out, "run.trec"));
  assert.equal(run.size, 3);
  assert.equal(metrics.config.max_length, null); // the model's own length
  // --max-length cuts texts at another length, recorded with the model it was loaded into.
  const cut = join(data, "out-cut");
  const r2 = await beirCli([
    "--dataset",
    "toy",
    "--model",
    model,
    "--out",
    cut,
    "--data",
    data,
    "--max-length",
    "5",
  ]);
  assert.equal(r2.code, 0, r2.stderr);
  const short = JSON.parse(await Deno.readTextFile(join(cut, "metrics.json")));
  assert.equal(short.config.max_length, 5);
  assert.equal(short.model_info.max_length, 5);
  assert.equal(metrics.model_info.max_length, 128);
});

Deno.test("deno task beir names the download for an unknown dataset and writes nothing", async () => {
  const data = await Deno.makeTempDir();
  const out = join(data, "out");
  const r = await beirCli([
    "--dataset",
    "nfcorpus",
    "--model",
    "bm25",
    "--out",
    out,
    "--data",
    data,
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /deno task download beir\/nfcorpus/);
  assert.ok(!exists(out));
});

Deno.test("deno task beir rejects a missing model directory and writes nothing", async () => {
  const data = await writeToyData();
  const out = join(data, "out");
  const r = await beirCli([
    "--dataset",
    "toy",
    "--model",
    join(data, "no-model"),
    "--out",
    out,
    "--data",
    data,
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--model .*no-model: no such directory/);
  assert.ok(!exists(out));
});

Deno.test("deno task beir requires --dataset, --model and --out", async () => {
  const r = await beirCli(["--model", "bm25", "--out", "/tmp/x"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--dataset is required/);
});

Deno.test("deno task beir: a full disk (injected ENOSPC) leaves the previous --out unchanged", async () => {
  const data = await writeToyData();
  const out = join(data, "out");
  const args = ["--dataset", "toy", "--model", "bm25", "--out", out, "--data", data];
  const first = await beirCli([
    ...args,
    "--tokenizer",
    join(data, "tok"),
    "--latency-queries",
    "1",
  ]);
  assert.equal(first.code, 0, first.stderr);
  const before = snapshotDir(out);
  const r = await beirCli([...args, "--tokenizer", join(data, "tok"), "--latency-queries", "2"], {
    XLIR_FAIL_WRITES: "metrics.json",
  });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(
    r.stderr.trim().split("\n").at(-1),
    `error: Cannot write ${out}/metrics.json: no space left on device (ENOSPC); ${out} is unchanged`,
  );
  assert.deepEqual(snapshotDir(out), before);
  assert.deepEqual(listDir(data).filter((n) => n.startsWith("out")), ["out"]);
});
