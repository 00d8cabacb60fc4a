/**
 * Ad-hoc retrieval evaluation on a test collection (BEIR, MIRACL): quality
 * (nDCG@10, Recall@100 … by `lib/metrics`, trec_eval-exact, on a run of depth
 * 1000) and efficiency, measured the same way for BM25 and every dense model
 * so that models trained with different strategies can be compared:
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

import { join, resolve } from "node:path";
import { type BeirDataset, loadBeir } from "../data/beir.ts";
import { resolveDataDir } from "../data/data_dir.ts";
import { loadMbertTokenizer, loadTokenizer, type TextTokenizer } from "../data/tokenizer.ts";
import { evaluate } from "../metrics/evaluate.ts";
import { writeRun } from "../metrics/trec_io.ts";
import type { Qrels, Ranking, Run } from "../metrics/types.ts";
import { type BackendInfo, backendInfo } from "../model/backend.ts";
import type { Encoder } from "../model/encoder.ts";
import { loadEncoder } from "../model/load_encoder.ts";
import { Bm25Index, type Bm25Options, bm25Tokens } from "../retrieval/bm25.ts";
import { DenseIndex } from "../retrieval/dense_index.ts";
import { encodeTexts } from "../retrieval/encode.ts";
import { loadKernel } from "../retrieval/kernels.ts";
import type { ScoreKernel } from "../retrieval/score_kernel.ts";
import type { Hits } from "../retrieval/vector_index.ts";
import { writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import { InputError } from "../util/errors.ts";
import { Progress } from "../util/progress.ts";
import {
  type LatencySummary,
  type MachineRuntime,
  machineRuntime,
  measureLatencies,
  MemoryMonitor,
  type MemorySample,
  readProcMemory,
  summarizeLatencies,
} from "./efficiency.ts";

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
  model: Record<string, unknown> & { name: string; kind: "bm25" | "dense" };
  /** Aggregate values by trec_eval name (`ndcg_cut_10`, `recall_100`, …) and `num_q`. */
  quality: Record<string, number>;
  /** Per query id: nDCG@10 and Recall@100. */
  per_query: Record<string, Record<string, number>>;
  efficiency: EfficiencyResult;
  environment: EnvironmentResult;
}

/** The retrieval steps whose cost is measured; BM25 and dense models implement them. */
interface Engine {
  model: RetrievalResult["model"];
  kind: EfficiencyResult["index"]["kind"];
  dim: number | null;
  corpusWhat: string;
  batchSize: number | null;
  kernel: string | null;
  threads: number;
  /** Prepares the corpus (tokenize/encode); returns something for `build`. */
  prepare(ids: string[], texts: string[], tick: (n: number) => void): unknown;
  /** Builds the index from what `prepare` returned. */
  build(ids: string[], prepared: unknown): void;
  sizeBytes(): number;
  searchBatch(texts: string[], k: number): Hits[];
  searchOne(text: string, k: number): Hits;
}

function bm25Engine(tokenizer: TextTokenizer, options: Bm25Options, name: string): Engine {
  const index = new Bm25Index(options);
  return {
    model: {
      name,
      kind: "bm25",
      k1: index.k1,
      b: index.b,
      lucene_norms: index.luceneNorms,
      tokenizer: tokenizer.source,
    },
    kind: "bm25",
    dim: null,
    corpusWhat: "BM25 indexing: WordPiece tokenization + postings build",
    batchSize: null,
    kernel: null,
    threads: 1,
    prepare(_ids, texts, tick) {
      return texts.map((t) => {
        tick(1);
        return bm25Tokens(tokenizer, t);
      });
    },
    build(ids, prepared) {
      index.add(ids, prepared as Int32Array[]);
      void index.stats; // builds the postings now, inside the timing
    },
    sizeBytes: () => index.sizeBytes,
    searchBatch: (texts, k) => index.search(texts.map((t) => bm25Tokens(tokenizer, t)), k),
    searchOne: (text, k) => index.search([bm25Tokens(tokenizer, text)], k)[0],
  };
}

function denseEngine(
  encoder: Encoder,
  kernel: ScoreKernel,
  batchSize: number,
  name: string,
): Engine {
  const index = new DenseIndex(encoder.dim, { kernel });
  const threads = (kernel as { threads?: number }).threads ?? 1;
  return {
    model: {
      name,
      kind: "dense",
      architecture: encoder.architecture,
      dim: encoder.dim,
      max_length: encoder.maxLength,
      tokenizer: encoder.tokenizer.source,
    },
    kind: "dense-exact",
    dim: encoder.dim,
    corpusWhat: "dense encoding: tokenization (Passage: prefix) + forward pass, batched",
    batchSize,
    kernel: kernel.name,
    threads,
    prepare(_ids, texts, tick) {
      const out = new Float32Array(texts.length * encoder.dim);
      for (let i = 0; i < texts.length; i += batchSize) {
        const part = texts.slice(i, i + batchSize);
        out.set(encodeTexts(encoder, part, "passage", { batchSize }), i * encoder.dim);
        tick(part.length);
      }
      return out;
    },
    build(ids, prepared) {
      index.add(ids, prepared as Float32Array);
    },
    sizeBytes: () => index.sizeBytes,
    searchBatch: (texts, k) => index.search(encodeTexts(encoder, texts, "query", { batchSize }), k),
    searchOne: (text, k) => index.search(encodeTexts(encoder, [text], "query"), k)[0],
  };
}

/**
 * The document text BEIR encodes and indexes: `title + " " + text`, trimmed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { documentText } from "./beir_eval.ts";
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
 * import { evaluatedQueries } from "./beir_eval.ts";
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
 * import { evaluateCollection } from "./beir_eval.ts";
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

  const engine = options.model === "bm25"
    ? bm25Engine(
      options.tokenizer ?? await loadMbertTokenizer(options.dataDir ?? resolveDataDir()),
      options.bm25 ?? {},
      options.name ?? "bm25",
    )
    : denseEngine(
      options.model,
      options.kernel ?? await loadKernel(),
      batchSize,
      options.name ?? options.model.architecture,
    );

  const docIds = [...collection.corpus.keys()];
  const docTexts = docIds.map((id) => documentText(collection.corpus.get(id)!));
  const quiet = options.progress === false;
  const bar = new Progress(`${engine.model.name} corpus`, docIds.length, {
    unit: "docs",
    quiet: quiet || undefined,
  });
  const t0 = performance.now();
  const prepared = engine.prepare(docIds, docTexts, (n) => bar.tick(n));
  const t1 = performance.now();
  engine.build(docIds, prepared);
  const t2 = performance.now();
  bar.done();
  memory.sample("corpus");
  const corpusSeconds = (t2 - t0) / 1000;

  const t3 = performance.now();
  const hits = engine.searchBatch(queries.texts, Math.min(depth, docIds.length));
  const batchedSeconds = (performance.now() - t3) / 1000;
  memory.sample("batched");

  const latencyTexts = queries.texts.slice(0, Math.max(0, latencyN));
  const k = Math.min(latencyDepth, docIds.length);
  const ms = await measureLatencies(latencyTexts, (t) => engine.searchOne(t, k), {
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
  const size = engine.sizeBytes();
  const hwm = readProcMemory().vmHwmBytes;
  const result: RetrievalResult = {
    collection: {
      name: collection.name,
      docs: docIds.length,
      queries: queries.ids.length,
      queries_available: queries.available,
      judgements,
    },
    model: engine.model,
    quality: orderedQuality(ev.aggregate, measures),
    per_query: perQuery,
    efficiency: {
      corpus: {
        what: engine.corpusWhat,
        docs: docIds.length,
        seconds: corpusSeconds,
        docs_per_s: docIds.length / corpusSeconds,
        index_seconds: (t2 - t1) / 1000,
        batch_size: engine.batchSize,
      },
      index: {
        kind: engine.kind,
        size_bytes: size,
        bytes_per_doc: size / docIds.length,
        vectors_bytes: engine.dim === null ? null : docIds.length * engine.dim * 4,
        dim: engine.dim,
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
      backend: engine.kind === "dense-exact" && options.model !== "bm25" &&
          options.model.architecture === "transformer"
        ? backendInfo() ?? null
        : null,
      kernel: engine.kernel,
      search_threads: engine.threads,
    },
  };
  return { result, run };
}

/**
 * Published BM25 nDCG@10 on BEIR (Thakur et al., 2021, Table 2; Anserini,
 * multifield), the reference our Lucene BM25 over WordPiece tokens is compared with.
 */
export const BEIR_BM25_NDCG10: Readonly<Record<string, number>> = { scifact: 0.665 };

/** Options of {@linkcode evaluateBeir}. */
export interface BeirEvalOptions extends RetrievalEvalOptions {
  /** Dataset folder name under `beir/` (e.g. `"scifact"`), or a dataset already loaded. */
  dataset: string | BeirDataset;
  /** Qrels split. Default `"test"`. */
  split?: string;
}

/** Result of {@linkcode evaluateBeir}: the retrieval result and the published BM25 reference. */
export interface BeirResult extends RetrievalResult {
  /** BEIR's published BM25 nDCG@10 and our nDCG@10 minus it; null when none is known. */
  reference: { source: string; bm25_ndcg_cut_10: number; delta_ndcg_cut_10: number } | null;
}

/**
 * Converts a loaded BEIR dataset to a {@linkcode TestCollection}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { beirCollection } from "./beir_eval.ts";
 * const c = beirCollection({
 *   name: "toy", split: "test", corpus: new Map(), queries: new Map(), qrels: new Map(),
 *   queriesInFile: 0, qrelsLines: 0,
 * });
 * assert(c.name === "beir/toy");
 * ```
 */
export function beirCollection(ds: BeirDataset): TestCollection {
  return { name: `beir/${ds.name}`, corpus: ds.corpus, queries: ds.queries, qrels: ds.qrels };
}

/**
 * Evaluates BM25 or a dense encoder on a BEIR dataset, keeping the run.
 *
 * @param options Dataset, split, model and the options of {@linkcode evaluateCollection}.
 * @returns The result (with the published BM25 reference) and the run.
 * @throws {InputError} When the dataset is missing (saying what to download) or malformed.
 *
 * @example
 * ```ts ignore
 * import { evaluateBeirWithRun } from "./beir_eval.ts";
 * const { result, run } = await evaluateBeirWithRun({ dataset: "scifact", model: "bm25" });
 * ```
 */
export async function evaluateBeirWithRun(
  options: BeirEvalOptions,
): Promise<{ result: BeirResult; run: Map<string, Ranking> }> {
  const dataDir = options.dataDir ?? resolveDataDir();
  const ds = typeof options.dataset === "string"
    ? await loadBeir(options.dataset, { dataDir, split: options.split })
    : options.dataset;
  const { result, run } = await evaluateCollection(beirCollection(ds), { ...options, dataDir });
  const ref = BEIR_BM25_NDCG10[ds.name];
  return {
    result: {
      ...result,
      reference: ref === undefined ? null : {
        source: "BEIR (Thakur et al., 2021), BM25 nDCG@10",
        bm25_ndcg_cut_10: ref,
        delta_ndcg_cut_10: result.quality.ndcg_cut_10 - ref,
      },
    },
    run,
  };
}

/**
 * Evaluates BM25 or a dense encoder on a BEIR dataset: nDCG@10, Recall@100
 * and the efficiency figures, with the machine they were measured on.
 *
 * @param options Dataset, model, name, data directory, query limits…
 * @returns Plain JSON: quality, per-query values, efficiency, environment, reference.
 *
 * @example
 * ```ts ignore
 * import { evaluateBeir } from "./beir_eval.ts";
 * import { loadEncoder } from "../model/load_encoder.ts";
 * const bm25 = await evaluateBeir({ dataset: "scifact", model: "bm25" });
 * const dense = await evaluateBeir({ dataset: "scifact", model: await loadEncoder("out/m"), name: "hybrid" });
 * console.log(bm25.quality.ndcg_cut_10, dense.efficiency.latency.p50_ms);
 * ```
 */
export async function evaluateBeir(options: BeirEvalOptions): Promise<BeirResult> {
  return (await evaluateBeirWithRun(options)).result;
}

/** A model given on a command line, loaded. */
export interface LoadedModel {
  /** `"bm25"` or the encoder. */
  model: "bm25" | Encoder;
  /** Name for tables and the run id (`"bm25"`, or the last two parts of the model path). */
  name: string;
  /** What to record: the path, and the training run (`../run.json`) when there is one. */
  info: Record<string, unknown>;
  /** BM25's tokenizer. */
  tokenizer?: TextTokenizer;
}

/**
 * Checks that a `--model` argument names BM25 or an existing directory
 * (cheap; call it before loading data).
 *
 * @param spec `"bm25"` or a model directory.
 * @throws {InputError} When the directory does not exist.
 *
 * @example
 * ```ts
 * import { checkModelSpec } from "./beir_eval.ts";
 * await checkModelSpec("bm25");
 * ```
 */
export async function checkModelSpec(spec: string): Promise<void> {
  if (spec === "bm25") return;
  try {
    if ((await Deno.stat(resolve(spec))).isDirectory) return;
  } catch {
    // reported below
  }
  throw new InputError(
    `--model ${spec}: no such directory; expected "bm25" or a model directory holding config.json, model.safetensors and tokenizer.json`,
  );
}

/**
 * Loads `"bm25"` (with a tokenizer: `tokenizerDir`, else the mBERT vocabulary
 * of the data directory) or an encoder from a model directory.
 *
 * @param spec `"bm25"` or a model directory.
 * @param options Data directory and tokenizer folder (BM25 only).
 * @returns The model, its name and what to record about it.
 * @throws {InputError} For a missing directory or unreadable model files.
 *
 * @example
 * ```ts ignore
 * import { loadModelSpec } from "./beir_eval.ts";
 * const { model, name } = await loadModelSpec("out/train/hybrid/model");
 * ```
 */
export async function loadModelSpec(
  spec: string,
  options: { dataDir?: string; tokenizerDir?: string } = {},
): Promise<LoadedModel> {
  await checkModelSpec(spec);
  if (spec === "bm25") {
    const tokenizer = options.tokenizerDir
      ? await loadTokenizer(options.tokenizerDir)
      : await loadMbertTokenizer(options.dataDir);
    return { model: "bm25", name: "bm25", info: { model: "bm25" }, tokenizer };
  }
  const dir = resolve(spec);
  const encoder = await loadEncoder(dir);
  let training: unknown = null;
  try {
    training = JSON.parse(await Deno.readTextFile(join(dir, "..", "run.json")));
  } catch {
    // a model not trained by xlir
  }
  let fileBytes: number | null = null;
  try {
    fileBytes = (await Deno.stat(join(dir, "model.safetensors"))).size;
  } catch {
    // not there under that name
  }
  return {
    model: encoder,
    name: dir.split("/").filter(Boolean).slice(-2).join("/"),
    info: { model: dir, model_file_bytes: fileBytes, training_run: training },
  };
}

/**
 * The headline numbers as `metric<TAB>value` rows (quality, then efficiency).
 *
 * @param result An evaluation result.
 * @returns Rows of name and value.
 *
 * @example
 * ```ts ignore
 * import { summaryRows } from "./beir_eval.ts";
 * for (const [name, value] of summaryRows(result)) console.log(name, value);
 * ```
 */
export function summaryRows(result: RetrievalResult): [string, number][] {
  const e = result.efficiency;
  const rows: [string, number][] = Object.entries(result.quality);
  rows.push(
    ["corpus_docs_per_s", e.corpus.docs_per_s],
    ["index_size_bytes", e.index.size_bytes],
    ["latency_p50_ms", e.latency.p50_ms],
    ["latency_p95_ms", e.latency.p95_ms],
    ["batched_queries_per_s", e.batched.queries_per_s],
    ["peak_rss_sampled_bytes", e.memory.peak_rss_sampled_bytes],
  );
  if (e.memory.vm_hwm_bytes !== null) rows.push(["vm_hwm_bytes", e.memory.vm_hwm_bytes]);
  return rows;
}

/** Depth of the exported `run.trec`. */
export const EXPORT_DEPTH = 100;

/**
 * Writes `run.trec` (top 100 per query, TREC format, exact scores),
 * `summary.tsv` (`metric<TAB>value`) and `metrics.json` (the result and
 * `meta`: config, model, git revision …), each atomically, `metrics.json` last.
 *
 * @param dir Output directory (created).
 * @param result The evaluation result.
 * @param run The run.
 * @param meta Recorded first in `metrics.json`.
 *
 * @example
 * ```ts ignore
 * import { writeRetrievalOutputs } from "./beir_eval.ts";
 * await writeRetrievalOutputs("out/beir", result, run, { git_revision: "abc" });
 * ```
 */
export async function writeRetrievalOutputs(
  dir: string,
  result: RetrievalResult,
  run: Run,
  meta: Record<string, unknown>,
): Promise<void> {
  const runid = result.model.name.replace(/\s+/g, "_") || "xlir";
  await writeRun(join(dir, "run.trec"), run, runid, { depth: EXPORT_DEPTH });
  const tsv = summaryRows(result).map(([m, v]) => `${m}\t${v}`).join("\n") + "\n";
  await writeTextFileAtomic(join(dir, "summary.tsv"), tsv);
  await writeJsonAtomic(join(dir, "metrics.json"), { ...meta, ...result });
}
