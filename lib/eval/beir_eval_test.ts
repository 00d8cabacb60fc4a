import assert from "node:assert/strict";
import { join } from "node:path";
import type { BeirDataset } from "../data/beir.ts";
import { datasetPath, resolveDataDir } from "../data/data_dir.ts";
import { MBERT_VOCAB } from "../data/tokenizer.ts";
import { evaluate } from "../metrics/evaluate.ts";
import { readRun } from "../metrics/trec_io.ts";
import { tinyTokenizer } from "../model/_testing.ts";
import { createStaticEncoder } from "../model/static_encoder.ts";
import { createTransformer } from "../model/transformer.ts";
import { jsKernel } from "../retrieval/js_kernel.ts";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { beirCollection, evaluateBeir, evaluateBeirWithRun } from "./beir_eval.ts";
import { evaluateCollection, evaluatedQueries } from "./collection_eval.ts";
import { summaryRows, writeRetrievalOutputs } from "./retrieval_output.ts";
import { tsvValue } from "./lareqa_export.ts";

/** A tiny BEIR dataset in the tiny tokenizer's words. */
function toyBeir(): BeirDataset {
  const docs: [string, string, string][] = [
    ["d1", "cats", "the cat sat on the mat."],
    ["d2", "", "berlin is the capital of germany."],
    ["d3", "paris", "paris is a city of france."],
    ["d4", "", "a river is in the city of berlin."],
    ["d5", "dog", "the dog sat on a mat."],
    ["d6", "", "die hauptstadt von germany is berlin."],
    ["d7", "", "un able"],
  ];
  const queries = new Map([
    ["q1", "who sat on the mat?"],
    ["q2", "what is the capital of germany?"],
    ["q3", "where is paris?"],
    ["q4", "what river is in berlin?"],
  ]);
  const qrels = new Map([
    ["q1", new Map([["d1", 1], ["d5", 1]])],
    ["q2", new Map([["d2", 2], ["d6", 1], ["d3", 0]])],
    ["q3", new Map([["d3", 1]])],
    ["q4", new Map([["d4", 1]])],
  ]);
  return {
    name: "toy",
    split: "test",
    corpus: new Map(docs.map(([id, title, text]) => [id, { title, text }])),
    queries,
    qrels,
    queriesInFile: 5,
    qrelsLines: 7,
  };
}

const quietOptions = { progress: false, latencyQueries: 5, warmupQueries: 2 } as const;

/** Writes the outputs and re-evaluates the written run with lib/metrics. */
async function reEvaluateWritten(
  result: Awaited<ReturnType<typeof evaluateBeirWithRun>>,
  qrels: BeirDataset["qrels"],
) {
  const dir = await Deno.makeTempDir();
  await writeRetrievalOutputs(dir, result.result, result.run, { config: { x: 1 } });
  const { run, runid } = await readRun(join(dir, "run.trec"));
  return { dir, run, runid, ev: evaluate(qrels, run, ["ndcg_cut_10", "recall_100", "num_q"]) };
}

Deno.test("evaluateBeir() with BM25: metrics equal lib/metrics on the written run", async () => {
  const ds = toyBeir();
  const out = await evaluateBeirWithRun({
    dataset: ds,
    model: "bm25",
    tokenizer: await tinyTokenizer(),
    ...quietOptions,
  });
  const { result } = out;
  const { dir, run, runid, ev } = await reEvaluateWritten(out, ds.qrels);
  assert.equal(runid, "bm25");
  assert.deepEqual([...run.keys()], ["q1", "q2", "q3", "q4"]);
  assert.equal(ev.aggregate.ndcg_cut_10, result.quality.ndcg_cut_10);
  assert.equal(ev.aggregate.recall_100, result.quality.recall_100);
  assert.equal(result.quality.num_q, 4);
  assert.equal(result.per_query.q3.ndcg_cut_10, ev.perQuery.get("q3")!.ndcg_cut_10);
  // q3 "where is paris?": d3 is the only document with "paris" (title and text).
  assert.equal(result.per_query.q3.ndcg_cut_10, 1);
  assert.deepEqual(Object.keys(result.quality).slice(0, 2), ["ndcg_cut_10", "recall_100"]);
  assert.deepEqual(result.collection, {
    name: "beir/toy",
    docs: 7,
    queries: 4,
    queries_available: 4,
    judgements: 7,
  });
  assert.equal(result.reference, null);
  const e = result.efficiency;
  assert.equal(e.index.kind, "bm25");
  assert.ok(e.index.size_bytes > 0);
  assert.equal(e.latency.n, 4);
  assert.equal(e.batched.queries, 4);
  assert.equal(e.batched.depth, 7);
  assert.deepEqual(e.memory.samples.map((s) => s.label), ["start", "corpus", "batched", "latency"]);
  assert.equal(result.environment.kernel, null);
  // metrics.json holds the meta and the result, and round-trips as JSON.
  const json = JSON.parse(await Deno.readTextFile(join(dir, "metrics.json")));
  assert.deepEqual(json.config, { x: 1 });
  assert.deepEqual(json.quality, result.quality);
  const tsv = await Deno.readTextFile(join(dir, "summary.tsv"));
  assert.match(tsv, new RegExp(`^ndcg_cut_10\t${tsvValue(result.quality.ndcg_cut_10)}$`, "m"));
  assert.match(tsv, /^latency_p95_ms\t[\d.]+$/m);
});

Deno.test("evaluateBeir() with a static encoder: metrics equal lib/metrics on the written run", async () => {
  const ds = toyBeir();
  const encoder = createStaticEncoder({ tokenizer: await tinyTokenizer(), dim: 16, seed: 3 });
  const out = await evaluateBeirWithRun({
    dataset: ds,
    model: encoder,
    name: "toy static",
    kernel: jsKernel,
    batchSize: 3,
    ...quietOptions,
  });
  const { run, runid, ev } = await reEvaluateWritten(out, ds.qrels);
  assert.equal(runid, "toy_static");
  for (const ranking of run.values()) assert.equal(ranking.docids.length, 7);
  assert.equal(ev.aggregate.ndcg_cut_10, out.result.quality.ndcg_cut_10);
  assert.equal(ev.aggregate.recall_100, out.result.quality.recall_100);
  const e = out.result.efficiency;
  assert.equal(e.index.kind, "dense-exact");
  assert.equal(e.index.dim, 16);
  assert.equal(e.index.vectors_bytes, 7 * 16 * 4);
  assert.equal(e.corpus.batch_size, 3);
  assert.equal(out.result.model.kind, "dense");
  assert.equal(out.result.environment.kernel, "js");
  assert.equal(out.result.environment.search_threads, 1);
  assert.equal(out.result.environment.backend, null);
  encoder.dispose();
});

Deno.test("evaluateBeir() with a transformer records the tfjs backend", async () => {
  const ds = toyBeir();
  const encoder = await createTransformer(
    { numLayers: 1, hiddenSize: 16, numHeads: 2, intermediateSize: 32, maxPositions: 32 },
    await tinyTokenizer(),
    { seed: 1 },
  );
  const out = await evaluateBeirWithRun({
    dataset: ds,
    model: encoder,
    kernel: jsKernel,
    ...quietOptions,
  });
  const { ev } = await reEvaluateWritten(out, ds.qrels);
  assert.equal(ev.aggregate.ndcg_cut_10, out.result.quality.ndcg_cut_10);
  assert.equal(out.result.model.architecture, "transformer");
  assert.ok(out.result.environment.backend?.name, "backend recorded");
  assert.ok(out.result.environment.backend!.threads >= 1);
  encoder.dispose();
});

Deno.test("evaluateCollection() ranks a dense encoder's embeddings exactly", async () => {
  // The dense run must be the exact inner-product ranking of the encoder's embeddings.
  const ds = toyBeir();
  const tok = await tinyTokenizer();
  const encoder = createStaticEncoder({ tokenizer: tok, dim: 8, seed: 1 });
  const { run } = await evaluateCollection(beirCollection(ds), {
    model: encoder,
    kernel: jsKernel,
    ...quietOptions,
  });
  const ids = [...ds.corpus.keys()];
  const embed = (text: string, prefix: string) => encoder.embedIds([tok.encode(prefix + text)]);
  const docs = ids.map((id) => {
    const d = ds.corpus.get(id)!;
    return embed(`${d.title} ${d.text}`.trim(), "Passage: ");
  });
  const q = embed(ds.queries.get("q2")!, "Query: ");
  const dot = (a: Float32Array) => a.reduce((s, x, i) => s + x * q[i], 0);
  const expected = ids.map((id, i) => ({ id, s: dot(docs[i]) }))
    .sort((a, b) => b.s - a.s || (a.id < b.id ? 1 : -1)).map((x) => x.id);
  assert.deepEqual(run.get("q2")!.docids, expected);
  encoder.dispose();
});

Deno.test("evaluatedQueries() keeps judged queries in order and cuts at maxQueries", () => {
  const c = beirCollection(toyBeir());
  assert.deepEqual(evaluatedQueries(c).ids, ["q1", "q2", "q3", "q4"]);
  const cut = evaluatedQueries(c, 2);
  assert.deepEqual(cut, {
    ids: ["q1", "q2"],
    texts: ["who sat on the mat?", "what is the capital of germany?"],
    available: 4,
  });
  assert.throws(
    () => evaluatedQueries({ ...c, qrels: new Map() }),
    (e) =>
      e instanceof InputError && /beir\/toy: no query has relevance judgements/.test(e.message),
  );
});

Deno.test("evaluateBeir() with maxQueries evaluates only the first queries", async () => {
  const r = await evaluateBeir({
    dataset: toyBeir(),
    model: "bm25",
    tokenizer: await tinyTokenizer(),
    maxQueries: 2,
    ...quietOptions,
  });
  assert.equal(r.quality.num_q, 2);
  assert.deepEqual(Object.keys(r.per_query), ["q1", "q2"]);
  assert.equal(r.collection.judgements, 5);
});

Deno.test("evaluateCollection() rejects an empty corpus and bad depths", async () => {
  const c = beirCollection(toyBeir());
  const tokenizer = await tinyTokenizer();
  await assert.rejects(
    () => evaluateCollection({ ...c, corpus: new Map() }, { model: "bm25", tokenizer }),
    /the corpus is empty/,
  );
  await assert.rejects(
    () => evaluateCollection(c, { model: "bm25", tokenizer, depth: 0 }),
    /depth must be an integer >= 1, got 0/,
  );
});

Deno.test("evaluateBeir() names the download for a missing dataset", async () => {
  const dataDir = await Deno.makeTempDir();
  await assert.rejects(
    () => evaluateBeir({ dataset: "nfcorpus", dataDir, model: "bm25" }),
    (e) => e instanceof InputError && /deno task download beir\/nfcorpus/.test(e.message),
  );
});

const dataDir = resolveDataDir();
const haveScifact = exists(join(datasetPath("beir/scifact", dataDir), "corpus.jsonl")) &&
  exists(join(datasetPath(MBERT_VOCAB, dataDir), "tokenizer.json"));

Deno.test({
  name: "evaluateBeir() on SciFact with BM25 is within 0.62–0.70 nDCG@10 (BEIR: 0.665)",
  ignore: skipUnless(haveScifact, `BEIR SciFact and the mBERT vocabulary under ${dataDir}`),
  async fn() {
    const r = await evaluateBeir({
      dataset: "scifact",
      dataDir,
      model: "bm25",
      progress: false,
      latencyQueries: 20,
    });
    assert.equal(r.collection.docs, 5183);
    assert.equal(r.collection.queries, 300);
    assert.equal(r.quality.num_q, 300);
    const ndcg = r.quality.ndcg_cut_10;
    assert.ok(ndcg >= 0.62 && ndcg <= 0.70, `nDCG@10 ${ndcg}`);
    assert.ok(r.quality.recall_100 > 0.85, `R@100 ${r.quality.recall_100}`);
    assert.equal(r.reference?.bm25_ndcg_cut_10, 0.665);
    assert.equal(r.reference?.delta_ndcg_cut_10, ndcg - 0.665);
    const names = summaryRows(r).map(([m]) => m);
    for (const m of ["ndcg_cut_10", "recall_100", "latency_p50_ms", "corpus_docs_per_s"]) {
      assert.ok(names.includes(m), m);
    }
  },
});

Deno.test("evaluateBeirWithRun() compares with the published BM25 only when every judged query was evaluated", async () => {
  const dataset = { ...toyBeir(), name: "scifact" };
  const opts = {
    dataset,
    model: "bm25" as const,
    tokenizer: await tinyTokenizer(),
    progress: false,
    warmupQueries: 0,
  };
  const all = (await evaluateBeirWithRun(opts)).result.reference!;
  assert.equal(typeof all.delta_ndcg_cut_10, "number");
  const some = (await evaluateBeirWithRun({ ...opts, maxQueries: 2 })).result.reference!;
  assert.equal(some.bm25_ndcg_cut_10, 0.665);
  assert.equal(some.delta_ndcg_cut_10, null);
  assert.equal(some.note, "evaluated on 2 of 4 queries: not comparable with the published value");
});
