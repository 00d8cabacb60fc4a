/**
 * Micro-benchmarks of retrieval: the score kernels' GFLOP/s (`Deno.bench`
 * reports time per product; GFLOP/s = 2·n·q·d / time), exact top-100 search
 * over a 50k × 256 corpus, and BM25 over SciFact when the data is present.
 *
 *     deno bench -A bench/search_bench.ts
 *     XLIR_DATA=/path/to/data deno bench -A bench/search_bench.ts
 *
 * @module
 */

import { jsKernel } from "../lib/retrieval/js_kernel.ts";
import { createTfjsWasmKernel } from "../lib/retrieval/tfjs_kernel.ts";
import { DenseIndex } from "../lib/retrieval/dense_index.ts";
import { Bm25Index, bm25Tokens } from "../lib/retrieval/bm25.ts";
import { loadSciFact } from "../lib/retrieval/_scifact.ts";
import { randomUnitRows, seededRandom } from "../lib/retrieval/_test_fixtures.ts";
import { datasetPath, resolveDataDir } from "../lib/data/data_dir.ts";
import { loadTokenizer, MBERT_VOCAB } from "../lib/data/tokenizer.ts";
import { exists } from "../lib/util/testing.ts";

const rand = seededRandom(1);
const tfjs = await createTfjsWasmKernel();

// Kernels: a 4096 × 256 document block against 256 queries (0.54 GFLOP per product).
const [nd, nq, d] = [4096, 256, 256];
const docs = randomUnitRows(nd, d, rand);
const queries = randomUnitRows(nq, d, rand);
for (const kernel of [tfjs, jsKernel]) {
  const block = kernel.prepare(queries, nq, d);
  Deno.bench({
    name: `${kernel.name}: ${nd}×${d} · ${d}×${nq} (${(2 * nd * nq * d / 1e9).toFixed(2)} GFLOP)`,
    group: "kernel",
    baseline: kernel === tfjs,
    fn() {
      block.score(docs, nd);
    },
  });
}

// Exact search: 50k × 256 corpus, 256 queries, top-100.
const n = 50_000;
const corpus = randomUnitRows(n, d, rand);
const ids = Array.from({ length: n }, (_, i) => `d${i}`);
for (const kernel of [tfjs, jsKernel]) {
  const index = new DenseIndex(d, { kernel });
  index.add(ids, corpus);
  index.search(queries.subarray(0, d), 1); // builds the docid order
  Deno.bench({
    name: `${kernel.name}: search ${n}×${d}, ${nq} queries, k=100`,
    group: "search",
    baseline: kernel === tfjs,
    n: 3,
    fn() {
      index.search(queries, 100);
    },
  });
}

// BM25 over SciFact (mBERT WordPiece), when the data is present.
const dataDir = resolveDataDir();
const scifactDir = datasetPath("beir/scifact", dataDir);
if (exists(scifactDir) && exists(datasetPath(MBERT_VOCAB, dataDir))) {
  const data = loadSciFact(scifactDir);
  const tokenizer = await loadTokenizer(datasetPath(MBERT_VOCAB, dataDir));
  const docTokens = data.docTexts.map((text) => bm25Tokens(tokenizer, text));
  const queryTokens = data.queryTexts.map((text) => bm25Tokens(tokenizer, text));
  Deno.bench({
    name: `BM25 index SciFact (${docTokens.length} docs)`,
    group: "bm25",
    n: 5,
    fn() {
      const index = new Bm25Index();
      index.add(data.docIds, docTokens);
      void index.stats; // builds the postings
    },
  });
  const index = new Bm25Index();
  index.add(data.docIds, docTokens);
  Deno.bench({
    name: `BM25 search SciFact (${queryTokens.length} queries, k=100)`,
    group: "bm25",
    n: 5,
    fn() {
      index.search(queryTokens, 100);
    },
  });
}
