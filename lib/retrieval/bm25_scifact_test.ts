import assert from "node:assert/strict";
import { join } from "node:path";
import { datasetPath, resolveDataDir } from "../data/data_dir.ts";
import { loadTokenizer, MBERT_VOCAB } from "../data/tokenizer.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { Bm25Index, bm25Tokens } from "./bm25.ts";
import { loadSciFact, meanNdcg10 } from "./_scifact.ts";

const dataDir = resolveDataDir();
const scifactDir = datasetPath("beir/scifact", dataDir);
const vocabDir = datasetPath(MBERT_VOCAB, dataDir);
const available = exists(join(scifactDir, "corpus.jsonl")) &&
  exists(join(vocabDir, "tokenizer.json"));

Deno.test({
  name:
    "Bm25Index on BEIR SciFact (mBERT WordPiece, title + text) reaches its golden nDCG@10 (BEIR's Anserini: 0.665)",
  ignore: skipUnless(available, `BEIR SciFact and the mBERT vocabulary under ${dataDir}`),
  async fn() {
    const data = loadSciFact(scifactDir);
    assert.equal(data.docIds.length, 5183);
    assert.equal(data.queryIds.length, 300);
    const tokenizer = await loadTokenizer(vocabDir);
    const docs = data.docTexts.map((text) => bm25Tokens(tokenizer, text));
    const t0 = performance.now();
    const index = new Bm25Index();
    index.add(data.docIds, docs);
    const stats = index.stats;
    const indexMs = performance.now() - t0;
    const queries = data.queryTexts.map((text) => bm25Tokens(tokenizer, text));
    const t1 = performance.now();
    const hits = index.search(queries, 100);
    const searchMs = performance.now() - t1;
    const ndcg = meanNdcg10(new Map(data.queryIds.map((q, i) => [q, hits[i].ids])), data.qrels);
    console.log(
      `SciFact BM25 (k1 0.9, b 0.4, Lucene norms): nDCG@10 ${ndcg.toFixed(4)}; ` +
        `index ${indexMs.toFixed(0)} ms (${stats.terms} terms, ${stats.postings} postings); ` +
        `${(queries.length / (searchMs / 1000)).toFixed(0)} queries/s`,
    );
    // BEIR reports 0.665 for Anserini's BM25 with Lucene's English analyzer.
    // Golden: the value this index gave when it was checked against BEIR's table;
    // a change in tokenization, norms or scoring moves it.
    assert.equal(ndcg.toFixed(4), "0.6655", `nDCG@10 ${ndcg}`);
    // The relevant documents' ranks agree with the ranking.
    const q = 0;
    const rel = [...data.qrels.get(data.queryIds[q])!.keys()];
    const [ranks] = index.ranksOf([queries[q]], [rel]);
    const [full] = index.search([queries[q]], 0);
    assert.deepEqual([...ranks], rel.map((d) => full.ids.indexOf(d) + 1));
  },
});
