import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  loadMiracl,
  loadMiraclQrels,
  loadMiraclTopics,
  MIRACL_LANGUAGES,
  miraclCorpusShards,
  readMiraclCorpus,
} from "./miracl.ts";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";

const SHARED = Deno.env.get("XLIR_DATA") ?? "";
const HAS_MIRACL = SHARED !== "" && exists(join(SHARED, "miracl/topics"));
const NEED = skipUnless(HAS_MIRACL, "the shared MIRACL topics and qrels (XLIR_DATA)");

/** MIRACL v1.0 dev: queries per language (the MIRACL paper's table) and qrels lines. */
const COUNTS: Record<string, [number, number]> = {
  ar: [2896, 29197],
  bn: [411, 4206],
  de: [305, 3144],
  en: [799, 8350],
  es: [648, 6443],
  fa: [632, 6571],
  fi: [1271, 12008],
  fr: [343, 3429],
  hi: [350, 3494],
  id: [960, 9668],
  ja: [860, 8354],
  ko: [213, 3057],
  ru: [1252, 13100],
  sw: [482, 5092],
  te: [828, 1606],
  th: [733, 7573],
  yo: [119, 1188],
  zh: [393, 3928],
};

Deno.test({
  name:
    "loadMiraclTopics() and loadMiraclQrels() read all 18 dev languages with the published counts",
  ignore: NEED,
  async fn() {
    assert.deepEqual([...MIRACL_LANGUAGES], Object.keys(COUNTS));
    for (const [lang, [queries, lines]] of Object.entries(COUNTS)) {
      const topics = await loadMiraclTopics(lang, { dataDir: SHARED });
      const qrels = await loadMiraclQrels(lang, { dataDir: SHARED });
      assert.equal(topics.size, queries, lang);
      let judged = 0;
      for (const m of qrels.values()) judged += m.size;
      assert.equal(judged, lines, lang);
      // Every topic is judged, and only topics are judged.
      assert.deepEqual([...qrels.keys()].sort(), [...topics.keys()].sort(), lang);
    }
    const ar = await loadMiraclTopics("ar", { dataDir: SHARED });
    assert.equal(ar.get("0"), "هل عدم القيام بجهد جسماني ممكن ان يسبب الأرق؟");
    const arQrels = await loadMiraclQrels("ar", { dataDir: SHARED });
    assert.equal(arQrels.get("0")?.get("151236#1"), 1);
    assert.equal(arQrels.get("0")?.get("151236#0"), 0);
  },
});

Deno.test({
  name: "loadMiracl() without the corpus says what to download and where it goes",
  ignore: NEED,
  async fn() {
    const dataDir = await Deno.makeTempDir();
    await assert.rejects(
      () => loadMiracl("ar", { corpusDir: join(dataDir, "nowhere"), dataDir: SHARED }),
      (err: Error) =>
        err instanceof InputError &&
        err.message.includes("https://huggingface.co/datasets/miracl/miracl-corpus") &&
        err.message.includes("miracl-corpus-v1.0-ar/") &&
        err.message.includes("deno task download miracl-corpus-ar") &&
        err.message.includes(join(dataDir, "nowhere")) &&
        err.message.includes("expected 5 shards"),
    );
    assert.deepEqual([...Deno.readDirSync(dataDir)], []);
  },
});

Deno.test("miraclCorpusShards() names the missing shards of an incomplete download", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(join(dir, "docs-0.jsonl.gz"), gzipSync(""));
  await Deno.writeFile(join(dir, "docs-2.jsonl.gz"), gzipSync(""));
  await Deno.writeFile(join(dir, "docs-3.jsonl.gz.part"), gzipSync(""));
  await assert.rejects(
    () => miraclCorpusShards("fi", { corpusDir: dir }),
    /expected 4 shards docs-0..3.jsonl.gz, shards docs-1, docs-3 are missing/,
  );
});

Deno.test({
  name: "loadMiracl() reads a gzipped corpus fixture with the real topics and qrels",
  ignore: NEED,
  async fn() {
    const corpusDir = await Deno.makeTempDir();
    const docs = [
      { docid: "1#0", title: "Ìlú Èkó", text: "Èkó jẹ́ ìlú ní Nàìjíríà." },
      { docid: "1#1", title: "Ìlú Èkó", text: "Ọ̀rọ̀ kejì." },
    ];
    const jsonl = docs.map((d) => JSON.stringify(d)).join("\n") + "\n";
    await Deno.writeFile(join(corpusDir, "docs-0.jsonl.gz"), gzipSync(jsonl));
    const yo = await loadMiracl("yo", { dataDir: SHARED, corpusDir });
    assert.equal(yo.lang, "yo");
    assert.equal(yo.topics.size, 119);
    assert.equal(yo.qrels.size, 119);
    assert.equal(yo.corpus.size, 2);
    assert.deepEqual(yo.corpus.get("1#1"), { title: "Ìlú Èkó", text: "Ọ̀rọ̀ kejì." });
  },
});

Deno.test("readMiraclCorpus() names the shard and line of a bad passage", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "docs-0.jsonl.gz");
  await Deno.writeFile(
    path,
    gzipSync('{"docid": "1#0", "title": "t", "text": "x"}\n{"title": "t"}\n'),
  );
  await assert.rejects(
    () => readMiraclCorpus([path]),
    new RegExp(`line 2 of ${path} lacks a string "docid" or "text"`),
  );
  await Deno.writeFile(path, gzipSync("{oops\n"));
  await assert.rejects(() => readMiraclCorpus([path]), /line 1 of .* is not valid JSON/);
});

Deno.test("MIRACL loaders reject an unknown language and malformed lines", async () => {
  await assert.rejects(
    () => loadMiraclTopics("xx"),
    /Unknown MIRACL language "xx", expected one of: ar, bn/,
  );
  const dataDir = await Deno.makeTempDir();
  await Deno.mkdir(join(dataDir, "miracl/topics"), { recursive: true });
  await Deno.mkdir(join(dataDir, "miracl/qrels"), { recursive: true });
  await Deno.writeTextFile(
    join(dataDir, "miracl/topics/topics.miracl-v1.0-sw-dev.tsv"),
    "1\tswali\n2 no tab\n",
  );
  await Deno.writeTextFile(
    join(dataDir, "miracl/qrels/qrels.miracl-v1.0-sw-dev.tsv"),
    "1 Q0 9#0 1\n1 Q0 9#1\n",
  );
  await assert.rejects(() => loadMiraclTopics("sw", { dataDir }), /line 2 of .* has no tab/);
  await assert.rejects(
    () => loadMiraclQrels("sw", { dataDir }),
    /line 2 of .* has 3 fields, expected 4 \(qid Q0 docid rel\)/,
  );
  await assert.rejects(() => loadMiraclTopics("de", { dataDir }), /deno task download miracl/);
});
