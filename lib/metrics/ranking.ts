/**
 * The one ranking every measure uses: a query's retrieved documents sorted by
 * score descending, ties broken by document id descending in C `strcmp`
 * order — exactly as trec_eval's `form_res_rels` sorts (`comp_sim_docno`:
 * sim compared as doubles, then `strcmp(docno2, docno1)`); the input's rank
 * column is ignored. Then `-M` keeps the top N, a document id twice among
 * them is an error (trec_eval stops with `form_res_qrels: duplicate docs
 * DOCNO`; duplicates below the top N pass, as there), and each document gets
 * its qrels relevance.
 *
 * NaN scores are refused unless `acceptNaN` is set (the `trec_eval` command);
 * then they are ranked as trec_eval ranks them: its comparator finds a NaN
 * neither greater nor smaller than any score, so the order depends on the
 * sort algorithm, which is replayed exactly — the run's lines in (qid, docno)
 * order (`get_trec_results.c`), then glibc's `qsort` (a top-down merge sort,
 * `msort.c`, glibc ≤ 2.36 as in Debian bookworm) with `comp_sim_docno`.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { compareUtf8 } from "../util/strcmp.ts";
import { type RankedRels, RELVALUE_NONPOOL, RELVALUE_UNJUDGED } from "./measure.ts";
import type { Ranking, RunEntry } from "./types.ts";

/** Options of {@linkcode rankQuery}. */
export interface RankOptions {
  /** `rel >= relevanceLevel` is relevant. Default 1. */
  relevanceLevel?: number;
  /** Keep only the top N (`-M`). Default: all. */
  maxRetrieved?: number;
  /** Drop documents not judged (`-J`). Default false. */
  judgedOnly?: boolean;
  /** Name of the run for error messages. */
  runName?: string;
  /** Rank NaN scores as trec_eval does instead of refusing them. Default false. */
  acceptNaN?: boolean;
}

/** Per-query qrels statistics every ranking of the query shares. */
export interface QrelsStats {
  /** `relLevels[j]`: documents with relevance j >= 0. */
  relLevels: number[];
  /** 1 + the highest relevance with a document, 0 when none. */
  numRelLevels: number;
}

const statsCache = new WeakMap<ReadonlyMap<string, number>, QrelsStats>();

/**
 * Counts a query's judged documents per relevance value (cached per Map).
 *
 * @param judgments docid → relevance for one query.
 * @returns The counts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { qrelsStats } from "./ranking.ts";
 * const s = qrelsStats(new Map([["a", 0], ["b", 2], ["c", -1]]));
 * assert(s.relLevels.join() === "1,0,1" && s.numRelLevels === 3);
 * ```
 */
export function qrelsStats(judgments: ReadonlyMap<string, number>): QrelsStats {
  let s = statsCache.get(judgments);
  if (s) return s;
  let maxRel = -1;
  for (const r of judgments.values()) if (r > maxRel) maxRel = r;
  const relLevels = new Array<number>(maxRel + 1).fill(0);
  for (const r of judgments.values()) if (r >= 0) relLevels[r]++;
  let numRelLevels = 0;
  for (let i = 0; i < relLevels.length; i++) if (relLevels[i]) numRelLevels = i + 1;
  s = { relLevels, numRelLevels };
  statsCache.set(judgments, s);
  return s;
}

/**
 * Sorts a query's documents into trec_eval's ranking.
 *
 * @param docids Document ids.
 * @param scores Scores, parallel to `docids`.
 * @returns Indices into `docids`, best first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankOrder } from "./ranking.ts";
 * // equal scores: "b" before "a" (docid descending)
 * assert([...rankOrder(["a", "b", "c"], [1, 1, 2])].join() === "2,1,0");
 * ```
 */
export function rankOrder(docids: readonly string[], scores: ArrayLike<number>): Uint32Array {
  const n = docids.length;
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i])) return rankOrderWithNaN(docids, scores);
  const order = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (sorted && i > 0) {
      const a = scores[i - 1];
      const b = scores[i];
      if (a < b || (a === b && compareUtf8(docids[i], docids[i - 1]) > 0)) sorted = false;
    }
  }
  if (!sorted) {
    order.sort((i, j) => {
      const a = scores[i];
      const b = scores[j];
      if (a > b) return -1;
      if (a < b) return 1;
      return compareUtf8(docids[j], docids[i]);
    });
  }
  return order;
}

/** trec_eval's `comp_sim_docno`: sim descending, then docno descending (NaN: neither). */
function compSimDocno(docids: readonly string[], scores: ArrayLike<number>, i: number, j: number) {
  const a = scores[i];
  const b = scores[j];
  if (a > b) return -1;
  if (a < b) return 1;
  return compareUtf8(docids[j], docids[i]);
}

/**
 * trec_eval's ranking of a query with NaN scores, replayed step by step:
 * lines in docno order, then glibc's merge sort (`msort_with_tmp`: halves
 * of `n >> 1` and the rest, merged taking the left one when `cmp <= 0`).
 */
function rankOrderWithNaN(docids: readonly string[], scores: ArrayLike<number>): Uint32Array {
  const n = docids.length;
  const a = Array.from({ length: n }, (_, i) => i)
    .sort((i, j) => compareUtf8(docids[i], docids[j]) || i - j);
  const tmp = new Array<number>(n);
  const msort = (lo: number, len: number) => {
    if (len <= 1) return;
    const n1 = len >> 1;
    msort(lo, n1);
    msort(lo + n1, len - n1);
    let i = lo, j = lo + n1, k = 0, r1 = n1, r2 = len - n1;
    while (r1 > 0 && r2 > 0) {
      if (compSimDocno(docids, scores, a[i], a[j]) <= 0) {
        tmp[k++] = a[i++];
        r1--;
      } else {
        tmp[k++] = a[j++];
        r2--;
      }
    }
    while (r1-- > 0) tmp[k++] = a[i++];
    for (let t = 0; t < len - r2; t++) a[lo + t] = tmp[t];
  };
  msort(0, n);
  return Uint32Array.from(a);
}

/**
 * Ranks one query's retrieved documents and looks up their relevance: the
 * input of every measure.
 *
 * @param qid Query id (for errors).
 * @param retrieved The query's documents (columns or rows), any order.
 * @param judgments docid → relevance for the query.
 * @param options Relevance level, `-M`, `-J`.
 * @returns The ranked relevance list and its counts.
 * @throws {InputError} When a document appears twice in the top N, or a score is NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankQuery } from "./ranking.ts";
 * const rr = rankQuery("q1", { docids: ["a", "b", "c"], scores: [0.5, 0.9, 0.1] },
 *   new Map([["a", 1], ["c", 0]]));
 * assert([...rr.rels].join() === "-1,1,0" && rr.numRel === 1 && rr.numRelRet === 1);
 * ```
 */
export function rankQuery(
  qid: string,
  retrieved: Ranking | readonly RunEntry[],
  judgments: ReadonlyMap<string, number>,
  options: RankOptions = {},
): RankedRels {
  const level = options.relevanceLevel ?? 1;
  let docids: readonly string[];
  let scores: ArrayLike<number>;
  if (Array.isArray(retrieved)) {
    const rows = retrieved as readonly RunEntry[];
    docids = rows.map((e) => e.docid);
    scores = rows.map((e) => e.score);
  } else {
    ({ docids, scores } = retrieved as Ranking);
  }
  if (docids.length !== scores.length) {
    throw new InputError(
      `Cannot evaluate ${
        options.runName ?? "run"
      }: query ${qid} has ${docids.length} docids but ${scores.length} scores`,
    );
  }
  for (let i = 0; i < scores.length && !options.acceptNaN; i++) {
    if (Number.isNaN(scores[i])) {
      throw new InputError(
        `Cannot evaluate ${options.runName ?? "run"}: query ${qid}, document ${
          docids[i]
        } has score NaN, expected a number`,
      );
    }
  }
  const order = rankOrder(docids, scores);
  const n = Math.max(0, Math.min(docids.length, options.maxRetrieved ?? Infinity));
  const seen = new Set<string>();
  let rels = new Int32Array(n);
  let numRelRet = 0;
  let numNonpool = 0;
  let numUnjudged = 0;
  let numJudged = 0;
  for (let k = 0; k < n; k++) {
    const docid = docids[order[k]];
    const before = seen.size;
    if (seen.add(docid).size === before) {
      throw new InputError(
        `Cannot evaluate ${
          options.runName ?? "run"
        }: query ${qid} retrieves document ${docid} twice, expected each document once per query`,
      );
    }
    const r = judgments.get(docid);
    let v: number;
    if (r === undefined) {
      v = RELVALUE_NONPOOL;
      numNonpool++;
    } else if (r < 0) {
      v = RELVALUE_UNJUDGED;
      numUnjudged++;
    } else {
      v = r;
      numJudged++;
      if (v >= level) numRelRet++;
    }
    rels[k] = v;
  }
  if (options.judgedOnly) {
    const judged = new Int32Array(numJudged);
    let j = 0;
    for (let k = 0; k < n; k++) if (rels[k] >= 0) judged[j++] = rels[k];
    rels = judged;
    numNonpool = 0;
    numUnjudged = 0;
  }
  const { relLevels, numRelLevels } = qrelsStats(judgments);
  let numRel = 0;
  for (let i = Math.max(0, level); i < relLevels.length; i++) numRel += relLevels[i];
  return {
    rels,
    numRet: rels.length,
    numRelRet,
    numNonpool,
    numUnjudgedInPool: numUnjudged,
    numRel,
    relLevels,
    numRelLevels,
  };
}
