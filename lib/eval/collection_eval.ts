/**
 * Ad-hoc retrieval evaluation on a test collection (BEIR, MIRACL): quality
 * (nDCG@10, Recall@100 … by `lib/metrics`, trec_eval-exact, on a run of depth
 * 1000) and efficiency, measured the same way for BM25 and every dense model
 * (each through its {@linkcode Scorer}) so that models trained with different
 * strategies can be compared:
 *
 * - **corpus** — dense: encoding docs/s (tokenization with the `Passage: `
 *   prefix + forward pass, in batches), then adding to the exact index;
 *   BM25: indexing docs/s (WordPiece tokenization + inverted index build);
 * - **index size** — the index's `sizeBytes` (dense: float32 vectors; BM25:
 *   postings, norms and offsets; neither counts the id strings);
 * - **batched** — queries/s over all evaluated queries: encode (or tokenize)
 *   in batches, then search at the run depth; this pass also makes the run;
 * - **latency** — one query at a time (encode + search top 100), warm-up
 *   excluded, p50/p95 over `latencyQueries` queries;
 * - **memory** — `Deno.memoryUsage().rss` sampled at every phase and during
 *   the latency loop, and the process's `VmHWM` (peak RSS since start,
 *   including loading the data and the model).
 *
 * Documents are `title + " " + text` (trimmed), as BEIR builds them.
 *
 * @module
 */

import { resolveDataDir } from "../data/data_dir.ts";
import { loadMbertTokenizer, type TextTokenizer } from "../data/tokenizer.ts";
import { evaluate } from "../metrics/evaluate.ts";
import type { Qrels, Ranking } from "../metrics/types.ts";
import { type BackendInfo, backendInfo } from "../model/backend.ts";
import type { Encoder } from "../model/encoder.ts";
import type { Bm25Options } from "../retrieval/bm25.ts";
import { loadKernel } from "../retrieval/kernels.ts";
import type { ScoreKernel } from "../retrieval/score_kernel.ts";
import { InputError } from "../util/errors.ts";
import { readProcMemory } from "../util/proc.ts";
import { Progress } from "../util/progress.ts";
import {
  type LatencySummary,
  type MachineRuntime,
  machineRuntime,
  measureLatencies,
  MemoryMonitor,
  type MemorySample,
  summarizeLatencies,
} from "./efficiency.ts";
import { Bm25Scorer, DenseScorer, type ModelDescription, type Scorer } from "./scorers.ts";

/** A test collection: documents, queries and relevance judgements. */
export interface TestCollection {
  /** E.g. `"beir/scifact"`, `"miracl/sw"`. */
  name: string;
  /** Documents by id. */
  corpus: ReadonlyMap<string, { title: string; text: string }>;
  /** Query text by id; only those with judgements in `qrels` are evaluated, in this order. */
  queries: ReadonlyMap<string, string>;
  /** Judgements: query id → doc id → grade. */
  qrels: Qrels;
}

/** Options of {@linkcode evaluateCollection}. */
export interface RetrievalEvalOptions {
  /** `"bm25"` (Lucene BM25 over WordPiece ids) or a dense encoder. */
  model: "bm25" | Encoder;
  /** Name for tables and the run id. Default `"bm25"` or the encoder's architecture. */
  name?: string;
  /** Evaluate only the first N evaluated queries (0 or absent: all). */
  maxQueries?: number;
  /** Queries timed one at a time (the first N evaluated queries). Default 200. */
  latencyQueries?: number;
  /** Untimed single queries before the latency loop. Default 10. */
  warmupQueries?: number;
  /** Texts per encoder batch (corpus and batched queries). Default 256. */
  batchSize?: number;
  /** Depth of the run the metrics are computed on. Default 1000. */
  depth?: number;
  /** Hits per query in the latency loop. Default 100. */
  latencyDepth?: number;
  /** Dense search kernel. Default `loadKernel()` (`XLIR_SEARCH_KERNEL`, else `wasm`). */
  kernel?: ScoreKernel;
  /** BM25's tokenizer. Default the mBERT WordPiece vocabulary of `dataDir`. */
  tokenizer?: TextTokenizer;
  /** Data directory (default: `XLIR_DATA`, else `data/`). */
  dataDir?: string;
  /** BM25 parameters (k1 0.9, b 0.4, Lucene norms). */
  bm25?: Bm25Options;
  /** trec_eval measures. Default {@linkcode DEFAULT_MEASURES}. */
  measures?: readonly string[];
  /** Progress lines on stderr. Default true (`XLIR_QUIET=1` silences them). */
  progress?: boolean;
}

/** The measures reported by default (the first two are the headline numbers). */
export const DEFAULT_MEASURES: readonly string[] = [
  "ndcg_cut_10",
  "recall_100",
  "recall_1000",
  "map",
  "P_10",
];

/** Per-query values kept in the result (for significance tests). */
const PER_QUERY = ["ndcg_cut_10", "recall_100"];

/** The efficiency figures of one evaluation. */
export interface EfficiencyResult {
  /** Encoding (dense) or indexing (BM25) the corpus. */
  corpus: {
    /** What was timed. */
    what: string;
    docs: number;
    seconds: number;
    docs_per_s: number;
    /** Of which adding the vectors to the index (dense) / building the postings (BM25). */
    index_seconds: number;
    batch_size: number | null;
  };
  /** The index. */
  index: {
    kind: "bm25" | "dense-exact";
    size_bytes: number;
    bytes_per_doc: number;
    /** Dense: `docs × dim × 4`, the vectors without the index's unused block tail; BM25: null. */
    vectors_bytes: number | null;
    dim: number | null;
  };
  /** All evaluated queries, encoded and searched in batches. */
  batched: { queries: number; depth: number; seconds: number; queries_per_s: number };
  /** One query at a time: encode (or tokenize) + search. */
  latency: LatencySummary & { depth: number; warmup: number };
  /** Memory. */
  memory: {
    /** Largest sampled `Deno.memoryUsage().rss`. */
    peak_rss_sampled_bytes: number;
    /** `VmHWM` at the end (whole process, data loading included); null without `/proc`. */
    vm_hwm_bytes: number | null;
    /** RSS when the evaluation started (data and model loaded, no index yet). */
    rss_at_start_bytes: number;
    samples: MemorySample[];
  };
}

/** What produced the numbers. */
export interface EnvironmentResult extends MachineRuntime {
  /** The tfjs backend of a transformer encoder (null: BM25 or a static encoder, plain TypeScript). */
  backend: BackendInfo | null;
  /** Dense search kernel name (null for BM25). */
  kernel: string | null;
  /** Threads the search uses (BM25 and the `js` kernel: 1). */
  search_threads: number;
}

/** Result of {@linkcode evaluateCollection}; plain JSON. */
export interface RetrievalResult {
  collection: {
    name: string;
    docs: number;
    /** Queries evaluated (after `maxQueries`). */
    queries: number;
    /** Queries with judgements before `maxQueries`. */
    queries_available: number;
    /** Judgements of the evaluated queries. */
    judgements: number;
  };
  model: ModelDescription;
  /** Aggregate values by trec_eval name (`ndcg_cut_10`, `recall_100`, …) and `num_q`. */
  quality: Record<string, number>;
  /** Per query id: nDCG@10 and Recall@100. */
  per_query: Record<string, Record<string, number>>;
  efficiency: EfficiencyResult;
  environment: EnvironmentResult;
}

/**
 * The document text BEIR encodes and indexes: `title + " " + text`, trimmed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { documentText } from "./collection_eval.ts";
 * assert(documentText({ title: "T", text: "body" }) === "T body");
 * assert(documentText({ title: "", text: "body" }) === "body");
 * ```
 */
export function documentText(doc: { title: string; text: string }): string {
  return `${doc.title} ${doc.text}`.trim();
}

/**
 * The evaluated queries: those with judgements, in the collection's order,
 * the first `maxQueries` (0: all).
 *
 * @param collection The test collection.
 * @param maxQueries How many to keep (0: all).
 * @returns Ids and texts, and how many had judgements before the cut.
 * @throws {InputError} When no query has judgements.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluatedQueries } from "./collection_eval.ts";
 * const c = {
 *   name: "x",
 *   corpus: new Map(),
 *   queries: new Map([["q1", "a"], ["q2", "b"], ["q3", "c"]]),
 *   qrels: new Map([["q3", new Map([["d", 1]])], ["q1", new Map([["d", 1]])]]),
 * };
 * assert(evaluatedQueries(c, 0).ids.join() === "q1,q3");
 * assert(evaluatedQueries(c, 1).ids.join() === "q1");
 * ```
 */
export function evaluatedQueries(
  collection: TestCollection,
  maxQueries = 0,
): { ids: string[]; texts: string[]; available: number } {
  const ids: string[] = [], texts: string[] = [];
  for (const [qid, text] of collection.queries) {
    if (!collection.qrels.has(qid)) continue;
    ids.push(qid);
    texts.push(text);
  }
  if (ids.length === 0) {
    throw new InputError(
      `${collection.name}: no query has relevance judgements, expected at least one query id in both the queries and the qrels`,
    );
  }
  const available = ids.length;
  if (maxQueries > 0) {
    ids.length = Math.min(ids.length, maxQueries);
    texts.length = ids.length;
  }
  return { ids, texts, available };
}

/** The aggregate values, the requested measures first (in their order), then the rest. */
function orderedQuality(
  aggregate: Record<string, number>,
  measures: readonly string[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of measures) if (m in aggregate) out[m] = aggregate[m];
  for (const [m, v] of Object.entries(aggregate)) if (!(m in out)) out[m] = v;
  return out;
}

function positiveInt(value: number | undefined, fallback: number, what: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) {
    throw new InputError(`${what} must be an integer >= 1, got ${value}`);
  }
  return v;
}

/**
 * Evaluates BM25 or a dense encoder on a test collection: quality and
 * efficiency (see the module documentation for what is timed).
 *
 * @param collection Documents, queries and judgements.
 * @param options Model, query limits, depths, batch size, kernel.
 * @returns The JSON-able result and the run (depth `options.depth`) the metrics come from.
 * @throws {InputError} For an empty corpus, no judged query or bad options.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateCollection } from "./collection_eval.ts";
 * import { tinyTokenizer } from "../model/_testing.ts";
 * const { result } = await evaluateCollection({
 *   name: "toy",
 *   corpus: new Map([["d1", { title: "", text: "the cat sat" }], ["d2", { title: "", text: "berlin" }]]),
 *   queries: new Map([["q1", "cat"]]),
 *   qrels: new Map([["q1", new Map([["d1", 1]])]]),
 * }, { model: "bm25", tokenizer: await tinyTokenizer(), progress: false, warmupQueries: 0 });
 * assert(result.quality.ndcg_cut_10 === 1);
 * ```
 */
export async function evaluateCollection(
  collection: TestCollection,
  options: RetrievalEvalOptions,
): Promise<{ result: RetrievalResult; run: Map<string, Ranking> }> {
  const depth = positiveInt(options.depth, 1000, "depth");
  const latencyDepth = positiveInt(options.latencyDepth, 100, "latencyDepth");
  const batchSize = positiveInt(options.batchSize, 256, "batchSize");
  const latencyN = options.latencyQueries ?? 200;
  const warmup = options.warmupQueries ?? 10;
  if (collection.corpus.size === 0) {
    throw new InputError(`${collection.name}: the corpus is empty, expected documents`);
  }
  const queries = evaluatedQueries(collection, options.maxQueries ?? 0);
  const memory = new MemoryMonitor();
  const atStart = memory.sample("start");

  const scorer: Scorer = options.model === "bm25"
    ? new Bm25Scorer(
      options.tokenizer ?? await loadMbertTokenizer(options.dataDir ?? resolveDataDir()),
      options.bm25 ?? {},
      options.name ?? "bm25",
    )
    : new DenseScorer(
      options.name ?? options.model.architecture,
      options.model,
      options.kernel ?? await loadKernel(),
      { encodeBatch: batchSize, progress: false },
    );
  const indexing = scorer.indexing;

  const docIds = [...collection.corpus.keys()];
  const docTexts = docIds.map((id) => documentText(collection.corpus.get(id)!));
  const quiet = options.progress === false;
  const bar = new Progress(`${scorer.name} corpus`, docIds.length, {
    unit: "docs",
    quiet: quiet || undefined,
  });
  const t0 = performance.now();
  const build = scorer.prepareIndex({ ids: docIds, texts: docTexts }, (n) => bar.tick(n));
  const t1 = performance.now();
  const index = build();
  const t2 = performance.now();
  bar.done();
  memory.sample("corpus");
  const corpusSeconds = (t2 - t0) / 1000;

  const t3 = performance.now();
  const hits = index.search(queries.texts, Math.min(depth, docIds.length));
  const batchedSeconds = (performance.now() - t3) / 1000;
  memory.sample("batched");

  const latencyTexts = queries.texts.slice(0, Math.max(0, latencyN));
  const k = Math.min(latencyDepth, docIds.length);
  const ms = await measureLatencies(latencyTexts, (t) => index.search([t], k)[0], {
    warmup,
    after: () => memory.peek(),
  });
  memory.sample("latency");

  const run = new Map<string, Ranking>();
  queries.ids.forEach((qid, i) => run.set(qid, { docids: hits[i].ids, scores: hits[i].scores }));
  const qrels: Qrels = new Map(queries.ids.map((q) => [q, collection.qrels.get(q)!]));
  const measures = options.measures ?? DEFAULT_MEASURES;
  const ev = evaluate(qrels, run, [...measures, "num_q"], { complete: true });
  const perQuery: Record<string, Record<string, number>> = {};
  for (const [qid, values] of ev.perQuery) {
    const kept: Record<string, number> = {};
    for (const m of PER_QUERY) if (m in values) kept[m] = values[m];
    perQuery[qid] = kept;
  }
  let judgements = 0;
  for (const judged of qrels.values()) judgements += judged.size;
  const size = index.sizeBytes;
  const hwm = readProcMemory().vmHwmBytes;
  const result: RetrievalResult = {
    collection: {
      name: collection.name,
      docs: docIds.length,
      queries: queries.ids.length,
      queries_available: queries.available,
      judgements,
    },
    model: scorer.description,
    quality: orderedQuality(ev.aggregate, measures),
    per_query: perQuery,
    efficiency: {
      corpus: {
        what: indexing.what,
        docs: docIds.length,
        seconds: corpusSeconds,
        docs_per_s: docIds.length / corpusSeconds,
        index_seconds: (t2 - t1) / 1000,
        batch_size: indexing.batchSize,
      },
      index: {
        kind: indexing.kind,
        size_bytes: size,
        bytes_per_doc: size / docIds.length,
        vectors_bytes: indexing.dim === null ? null : docIds.length * indexing.dim * 4,
        dim: indexing.dim,
      },
      batched: {
        queries: queries.ids.length,
        depth: Math.min(depth, docIds.length),
        seconds: batchedSeconds,
        queries_per_s: queries.ids.length / batchedSeconds,
      },
      latency: { ...summarizeLatencies(ms), depth: k, warmup: latencyTexts.length ? warmup : 0 },
      memory: {
        peak_rss_sampled_bytes: memory.peakRssBytes,
        vm_hwm_bytes: hwm ?? null,
        rss_at_start_bytes: atStart.rss_bytes,
        samples: memory.samples,
      },
    },
    environment: {
      ...machineRuntime(),
      backend: options.model !== "bm25" &&
          options.model.architecture === "transformer"
        ? backendInfo() ?? null
        : null,
      kernel: indexing.kernel,
      search_threads: indexing.threads,
    },
  };
  return { result, run };
}
