/**
 * MIRACL v1.0 dev, monolingual: one language's topics against that
 * language's passage corpus, evaluated like BEIR (nDCG@10, Recall@100 and the
 * efficiency figures of `collection_eval.ts`). Passages are `title + " " + text`.
 * The corpus is not shipped with the shared data; without it the loader
 * throws an {@linkcode InputError} that says what to download.
 *
 * BM25 here is Lucene's formula over mBERT WordPiece tokens, not MIRACL's
 * published baseline (Anserini with each language's own Lucene analyzer), so
 * its numbers are not expected to match that table.
 *
 * @module
 */

import { resolveDataDir } from "../data/data_dir.ts";
import { loadMiracl, type MiraclDataset } from "../data/miracl.ts";
import type { Ranking } from "../metrics/types.ts";
import {
  evaluateCollection,
  type RetrievalEvalOptions,
  type RetrievalResult,
  type TestCollection,
} from "./collection_eval.ts";

/** Options of {@linkcode evaluateMiracl}. */
export interface MiraclEvalOptions extends RetrievalEvalOptions {
  /** Language code (see `MIRACL_LANGUAGES`), or a dataset already loaded. */
  lang: string | MiraclDataset;
  /** Folder of the corpus shards (default: `miracl/corpus/miracl-corpus-v1.0-{lang}` in the data directory). */
  corpusDir?: string;
}

/** Result of {@linkcode evaluateMiracl}. */
export interface MiraclResult extends RetrievalResult {
  /** The language evaluated. */
  lang: string;
}

/**
 * Converts a loaded MIRACL language to a {@linkcode TestCollection}: the
 * topics that have judgements are the evaluated queries.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { miraclCollection } from "./miracl_eval.ts";
 * const c = miraclCollection({
 *   lang: "sw", topics: new Map([["1", "swali"]]), qrels: new Map(), corpus: new Map(),
 * });
 * assert(c.name === "miracl/sw" && c.queries.get("1") === "swali");
 * ```
 */
export function miraclCollection(ds: MiraclDataset): TestCollection {
  return { name: `miracl/${ds.lang}`, corpus: ds.corpus, queries: ds.topics, qrels: ds.qrels };
}

/**
 * Evaluates BM25 or a dense encoder on one MIRACL language, keeping the run.
 *
 * @param options Language, corpus folder, data directory, model, limits.
 * @returns The JSON-able result and the run.
 * @throws {InputError} When the corpus is absent (saying what to download) or the files are malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateMiraclWithRun } from "./miracl_eval.ts";
 * import { tinyTokenizer, writeTinyDataDir } from "../data/_testing.ts";
 * const { result, run } = await evaluateMiraclWithRun({
 *   lang: "sw", dataDir: await writeTinyDataDir(), model: "bm25", tokenizer: await tinyTokenizer(),
 *   progress: false, warmupQueries: 0,
 * });
 * assert(result.lang === "sw" && result.collection.docs === 3);
 * assert.equal(run.get("2")?.docids[0], "9#0");
 * ```
 */
export async function evaluateMiraclWithRun(
  options: MiraclEvalOptions,
): Promise<{ result: MiraclResult; run: Map<string, Ranking> }> {
  const dataDir = options.dataDir ?? resolveDataDir();
  const ds = typeof options.lang === "string"
    ? await loadMiracl(options.lang, { dataDir, corpusDir: options.corpusDir })
    : options.lang;
  const { result, run } = await evaluateCollection(miraclCollection(ds), { ...options, dataDir });
  return { result: { lang: ds.lang, ...result }, run };
}

/**
 * Evaluates BM25 or a dense encoder on one MIRACL language (monolingual):
 * nDCG@10, Recall@100 and the efficiency figures.
 *
 * @param options Language, corpus folder, data directory, model, limits.
 * @returns Plain JSON: quality, per-query values, efficiency, environment.
 * @throws {InputError} When the corpus is absent (saying what to download) or the files are malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateMiracl } from "./miracl_eval.ts";
 * import { tinyTokenizer, writeTinyDataDir } from "../data/_testing.ts";
 * const dataDir = await writeTinyDataDir();
 * const sw = await evaluateMiracl({
 *   lang: "sw", model: "bm25", dataDir, corpusDir: `${dataDir}/miracl/corpus/miracl-corpus-v1.0-sw`,
 *   tokenizer: await tinyTokenizer(), progress: false, warmupQueries: 0,
 * });
 * assert.equal(sw.quality.num_q, 2);
 * assert(sw.quality.ndcg_cut_10 > 0.5);
 * ```
 */
export async function evaluateMiracl(options: MiraclEvalOptions): Promise<MiraclResult> {
  return (await evaluateMiraclWithRun(options)).result;
}
