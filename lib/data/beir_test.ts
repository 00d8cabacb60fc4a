import assert from "node:assert/strict";
import { join } from "node:path";
import { loadBeir, readBeirCorpus, readBeirQrels, readBeirQueries } from "./beir.ts";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";

const SHARED = Deno.env.get("XLIR_DATA") ?? "";
const HAS_SCIFACT = SHARED !== "" && exists(join(SHARED, "beir/scifact/corpus.jsonl"));

async function fixture(files: Record<string, string>): Promise<string> {
  const dataDir = await Deno.makeTempDir();
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dataDir, "beir/tiny", rel);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, text);
  }
  return dataDir;
}

const CORPUS = '{"_id": "d1", "title": "One", "text": "first"}\n' +
  '{"_id": "d2", "text": "no title"}\n';
const QUERIES = '{"_id": "q1", "text": "judged"}\n{"_id": "q2", "text": "not judged"}\n';
const QRELS = "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0\n";

Deno.test({
  name: "loadBeir() reads SciFact: 5,183 docs, 300 test queries, 339 qrels lines",
  ignore: skipUnless(HAS_SCIFACT, "the shared BEIR SciFact copy (XLIR_DATA)"),
  async fn() {
    const ds = await loadBeir("scifact", { dataDir: SHARED });
    assert.equal(ds.corpus.size, 5183);
    assert.equal(ds.queries.size, 300);
    assert.equal(ds.qrelsLines, 339);
    assert.equal(ds.qrels.size, 300);
    assert.equal(ds.qrels.get("1")?.get("31715818"), 1);
    assert.equal(ds.queries.get("1"), "0-dimensional biomaterials show inductive properties.");
    assert.ok(ds.corpus.get("4983")?.title.startsWith("Microstructural development"));
  },
});

Deno.test("loadBeir() keeps only queries with qrels in the split (BEIR's convention)", async () => {
  const dataDir = await fixture({
    "corpus.jsonl": CORPUS,
    "queries.jsonl": QUERIES,
    "qrels/test.tsv": QRELS,
  });
  const ds = await loadBeir("tiny", { dataDir });
  assert.deepEqual([...ds.queries.keys()], ["q1"]);
  assert.equal(ds.queriesInFile, 2);
  assert.deepEqual(ds.corpus.get("d2"), { title: "", text: "no title" });
  assert.deepEqual([...ds.qrels.get("q1")!], [["d1", 1], ["d2", 0]]);
});

Deno.test("loadBeir() says what to download when the dataset is absent", async () => {
  const dataDir = await Deno.makeTempDir();
  await assert.rejects(
    () => loadBeir("nfcorpus", { dataDir, split: "dev" }),
    (err: Error) =>
      err instanceof InputError && err.message.includes("qrels/dev.tsv") &&
      err.message.includes("deno task download beir/nfcorpus"),
  );
});

Deno.test("loadBeir() rejects qrels that judge a query missing from queries.jsonl", async () => {
  const dataDir = await fixture({
    "corpus.jsonl": CORPUS,
    "queries.jsonl": QUERIES,
    "qrels/test.tsv": QRELS + "q9\td1\t1\n",
  });
  await assert.rejects(() => loadBeir("tiny", { dataDir }), /judges query "q9"/);
});

Deno.test("readBeirCorpus() names the file and line of bad JSON or a missing _id", async () => {
  const p = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(p, CORPUS + '{"_id": "d3", "text": \n');
  await assert.rejects(
    () => readBeirCorpus(p),
    (err: Error) =>
      err instanceof InputError &&
      err.message.startsWith(`Cannot read BEIR corpus: line 3 of ${p}`) &&
      err.message.includes("not valid JSON"),
  );
  await Deno.writeTextFile(p, CORPUS + '{"title": "x", "text": "y"}\n');
  await assert.rejects(
    () => readBeirCorpus(p),
    new RegExp(`line 3 of ${p} has no "_id", expected a non-empty string`),
  );
  await Deno.writeTextFile(p, '{"_id": "d1", "title": "x"}\n');
  await assert.rejects(() => readBeirCorpus(p), /line 1 of .* has no string "text"/);
});

Deno.test("readBeirQueries() names the line of a query that is not an object", async () => {
  const p = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(p, QUERIES + "[1, 2]\n");
  await assert.rejects(() => readBeirQueries(p), /line 3 of .* is not a JSON object/);
});

Deno.test("readBeirQrels() names the line with 2 fields or a non-integer score", async () => {
  const p = await Deno.makeTempFile({ suffix: ".tsv" });
  await Deno.writeTextFile(p, QRELS + "q2\td1\n");
  await assert.rejects(
    () => readBeirQrels(p),
    (err: Error) =>
      err instanceof InputError &&
      err.message ===
        `Cannot read BEIR qrels: line 4 of ${p} has 2 fields, expected 3 (query-id, corpus-id, score)`,
  );
  await Deno.writeTextFile(p, QRELS + "q2\td1\t0.5\n");
  await assert.rejects(() => readBeirQrels(p), /line 4 of .* has score "0.5", expected an integer/);
});

Deno.test("readBeirQrels() reads a file without a header line", async () => {
  const p = await Deno.makeTempFile({ suffix: ".tsv" });
  await Deno.writeTextFile(p, "q1\td1\t2\n");
  const { qrels, lines } = await readBeirQrels(p);
  assert.equal(lines, 1);
  assert.equal(qrels.get("q1")?.get("d1"), 2);
});

Deno.test("readBeirCorpus() refuses two different documents under one _id, naming both lines", async () => {
  const p = await Deno.makeTempFile();
  await Deno.writeTextFile(
    p,
    '{"_id": "d1", "text": "a"}\n{"_id": "d2", "text": "b"}\n{"_id": "d1", "text": "a"}\n' +
      '{"_id": "d1", "title": "T", "text": "a"}\n',
  );
  await assert.rejects(
    () => readBeirCorpus(p),
    (e) =>
      e instanceof InputError &&
      e.message ===
        `Cannot read BEIR corpus: line 4 of ${p} gives document "d1" another title or text than ` +
          `line 1 does; expected one document per _id`,
  );
  // An exact repeat loses nothing: it is kept once.
  await Deno.writeTextFile(p, '{"_id": "d1", "text": "a"}\n{"_id": "d1", "text": "a"}\n');
  assert.equal((await readBeirCorpus(p)).size, 1);
});

Deno.test("readBeirQueries() refuses one _id with two texts", async () => {
  const p = await Deno.makeTempFile();
  await Deno.writeTextFile(p, '{"_id": "q1", "text": "a?"}\n{"_id": "q1", "text": "b?"}\n');
  await assert.rejects(
    () => readBeirQueries(p),
    /line 2 of .* gives query "q1" another text than line 1/,
  );
});

Deno.test("readBeirQrels() refuses a (query, document) judged twice, as trec_eval does", async () => {
  const p = await Deno.makeTempFile();
  await Deno.writeTextFile(p, "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0\nq1\td1\t1\n");
  await assert.rejects(
    () => readBeirQrels(p),
    (e) =>
      e instanceof InputError &&
      e.message.startsWith(
        `Cannot read BEIR qrels: line 4 of ${p} judges document "d1" for query "q1" a second ` +
          `time (first on line 2)`,
      ),
  );
});

Deno.test("the BEIR readers refuse bytes that are not UTF-8, naming file and line", async () => {
  const p = await Deno.makeTempFile();
  const enc = new TextEncoder();
  const bytes = [
    ...enc.encode('{"_id": "d1", "text": "ok"}\n{"_id": "d2", "text": "caf'),
    0xe9,
    ...enc.encode('"}\n'),
  ];
  await Deno.writeFile(p, new Uint8Array(bytes));
  await assert.rejects(
    () => readBeirCorpus(p),
    (e) =>
      e instanceof InputError &&
      e.message.startsWith(
        `Cannot read BEIR corpus: line 2 of ${p} is not valid UTF-8 (byte 0xe9)`,
      ),
  );
  await assert.rejects(() => readBeirQueries(p), /BEIR queries: line 2 of .* is not valid UTF-8/);
});
