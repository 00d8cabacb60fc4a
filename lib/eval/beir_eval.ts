/**
 * BEIR specifics of the retrieval evaluation ({@linkcode evaluateCollection}):
 * a BEIR dataset as a test collection, and the published BM25 nDCG@10 our
 * Lucene BM25 over WordPiece tokens is compared with.
 *
 * @module
 */

import { type BeirDataset, loadBeir } from "../data/beir.ts";
import { resolveDataDir } from "../data/data_dir.ts";
import type { Ranking } from "../metrics/types.ts";
import {
  evaluateCollection,
  type RetrievalEvalOptions,
  type RetrievalResult,
  type TestCollection,
} from "./collection_eval.ts";

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
  /**
   * BEIR's published BM25 nDCG@10 and our nDCG@10 minus it — the difference
   * is null when only some of the queries were evaluated (the published value
   * is over all of them); null when none is known.
   */
  reference: {
    source: string;
    bm25_ndcg_cut_10: number;
    delta_ndcg_cut_10: number | null;
    note?: string;
  } | null;
}

/** The published reference, compared only when every judged query was evaluated. */
function _reference(ref: number, result: RetrievalResult): NonNullable<BeirResult["reference"]> {
  const { queries, queries_available: all } = result.collection;
  const source = "BEIR (Thakur et al., 2021), BM25 nDCG@10";
  if (queries < all) {
    return {
      source,
      bm25_ndcg_cut_10: ref,
      delta_ndcg_cut_10: null,
      note: `evaluated on ${queries} of ${all} queries: not comparable with the published value`,
    };
  }
  return { source, bm25_ndcg_cut_10: ref, delta_ndcg_cut_10: result.quality.ndcg_cut_10 - ref };
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
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateBeirWithRun } from "./beir_eval.ts";
 * import { tinyTokenizer } from "../model/_testing.ts";
 * const dataset = {
 *   name: "toy", split: "test", queriesInFile: 1, qrelsLines: 1,
 *   corpus: new Map([["d1", { title: "", text: "the cat sat" }], ["d2", { title: "", text: "berlin" }]]),
 *   queries: new Map([["q1", "cat"]]),
 *   qrels: new Map([["q1", new Map([["d1", 1]])]]),
 * };
 * const { result, run } = await evaluateBeirWithRun({
 *   dataset, model: "bm25", tokenizer: await tinyTokenizer(), progress: false, warmupQueries: 0,
 * });
 * assert(result.collection.name === "beir/toy" && result.reference === null);
 * assert(run.get("q1")?.docids[0] === "d1" && result.quality.ndcg_cut_10 === 1);
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
      reference: ref === undefined ? null : _reference(ref, result),
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
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateBeir } from "./beir_eval.ts";
 * import { createStaticEncoder } from "../model/static_encoder.ts";
 * import { tinyTokenizer } from "../model/_testing.ts";
 * import { jsKernel } from "../retrieval/js_kernel.ts";
 * const dataset = {
 *   name: "scifact", split: "test", queriesInFile: 1, qrelsLines: 1,
 *   corpus: new Map([["d1", { title: "", text: "the cat sat" }], ["d2", { title: "", text: "berlin" }]]),
 *   queries: new Map([["q1", "the cat"]]),
 *   qrels: new Map([["q1", new Map([["d1", 1]])]]),
 * };
 * const model = createStaticEncoder({ tokenizer: await tinyTokenizer(), dim: 8, kernels: "js" });
 * const dense = await evaluateBeir({
 *   dataset, model, name: "hybrid", kernel: jsKernel, progress: false, warmupQueries: 0,
 * });
 * assert(dense.model.name === "hybrid" && dense.efficiency.index.kind === "dense-exact");
 * assert(dense.reference?.bm25_ndcg_cut_10 === 0.665);
 * model.dispose();
 * ```
 */
export async function evaluateBeir(options: BeirEvalOptions): Promise<BeirResult> {
  return (await evaluateBeirWithRun(options)).result;
}
