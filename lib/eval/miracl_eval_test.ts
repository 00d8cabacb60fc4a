import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { MiraclDataset } from "../data/miracl.ts";
import { evaluate } from "../metrics/evaluate.ts";
import { tinyTokenizer } from "../model/_testing.ts";
import { InputError } from "../util/errors.ts";
import { evaluateMiracl, evaluateMiraclWithRun, miraclCollection } from "./miracl_eval.ts";

function toyMiracl(): MiraclDataset {
  return {
    lang: "sw",
    topics: new Map([["1", "where is paris?"], ["2", "who sat on the mat?"], ["3", "berlin"]]),
    qrels: new Map([
      ["1", new Map([["10#0", 1], ["11#0", 0]])],
      ["2", new Map([["12#1", 1]])],
    ]),
    corpus: new Map([
      ["10#0", { title: "paris", text: "paris is a city of france." }],
      ["11#0", { title: "berlin", text: "berlin is the capital of germany." }],
      ["12#0", { title: "cat", text: "the dog sat." }],
      ["12#1", { title: "cat", text: "the cat sat on the mat." }],
    ]),
  };
}

Deno.test("evaluateMiracl() evaluates the judged topics; metrics equal lib/metrics on the run", async () => {
  const ds = toyMiracl();
  const { result, run } = await evaluateMiraclWithRun({
    lang: ds,
    model: "bm25",
    tokenizer: await tinyTokenizer(),
    progress: false,
    latencyQueries: 2,
    warmupQueries: 1,
  });
  assert.equal(result.lang, "sw");
  assert.equal(result.collection.name, "miracl/sw");
  assert.deepEqual([...run.keys()], ["1", "2"]);
  const ev = evaluate(ds.qrels, run, ["ndcg_cut_10", "recall_100"]);
  assert.equal(result.quality.ndcg_cut_10, ev.aggregate.ndcg_cut_10);
  assert.equal(result.quality.recall_100, 1);
  assert.equal(result.per_query["1"].ndcg_cut_10, 1);
});

Deno.test("miraclCollection() keeps the topics as queries under miracl/<lang>", () => {
  const c = miraclCollection(toyMiracl());
  assert.equal(c.name, "miracl/sw");
  assert.equal(c.queries.size, 3);
  assert.equal(c.corpus.size, 4);
});

Deno.test("evaluateMiracl() without the corpus says what to download", async () => {
  const dataDir = await Deno.makeTempDir();
  await assert.rejects(
    () => evaluateMiracl({ lang: "sw", dataDir, model: "bm25" }),
    (e) =>
      e instanceof InputError &&
      /deno task download miracl-corpus-sw/.test(e.message) &&
      e.message.includes(join(dataDir, "miracl/corpus/miracl-corpus-v1.0-sw")),
  );
});

Deno.test("evaluateMiracl() reads gzipped corpus shards from corpusDir", async () => {
  const dataDir = await Deno.makeTempDir();
  const ds = toyMiracl();
  await Deno.mkdir(join(dataDir, "miracl/topics"), { recursive: true });
  await Deno.mkdir(join(dataDir, "miracl/qrels"), { recursive: true });
  await Deno.writeTextFile(
    join(dataDir, "miracl/topics/topics.miracl-v1.0-sw-dev.tsv"),
    [...ds.topics].map(([q, t]) => `${q}\t${t}\n`).join(""),
  );
  await Deno.writeTextFile(
    join(dataDir, "miracl/qrels/qrels.miracl-v1.0-sw-dev.tsv"),
    [...ds.qrels].flatMap(([q, m]) => [...m].map(([d, r]) => `${q} Q0 ${d} ${r}\n`)).join(""),
  );
  const corpusDir = join(dataDir, "shards");
  await Deno.mkdir(corpusDir);
  const lines = [...ds.corpus].map(([docid, d]) => JSON.stringify({ docid, ...d }) + "\n");
  await Deno.writeFile(join(corpusDir, "docs-0.jsonl.gz"), gzipSync(lines.join("")));
  const fromFiles = await evaluateMiracl({
    lang: "sw",
    dataDir,
    corpusDir,
    model: "bm25",
    tokenizer: await tinyTokenizer(),
    progress: false,
    latencyQueries: 0,
  });
  const inMemory = await evaluateMiracl({
    lang: ds,
    model: "bm25",
    tokenizer: await tinyTokenizer(),
    progress: false,
    latencyQueries: 0,
  });
  assert.deepEqual(fromFiles.quality, inMemory.quality);
  assert.deepEqual(fromFiles.per_query, inMemory.per_query);
  assert.equal(fromFiles.efficiency.latency.n, 0);
});
