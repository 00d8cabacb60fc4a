/**
 * Evaluation of a run against qrels with trec_eval's semantics: which queries
 * count, how each measure is computed, and how per-query values are
 * summarised. The programmatic face of `trec_eval`.
 *
 * @module
 */

import { compareUtf8 } from "../util/strcmp.ts";
import type { MeasureInstance } from "./measure.ts";
import { rankQuery } from "./ranking.ts";
import { resolveMeasures } from "./registry.ts";
import type { EvalOptions, Qrels, Ranking, Run } from "./types.ts";

/** trec_eval's stand-in ranking for a query missing from the run under `-c`. */
const MISSING_RANKING: Ranking = { docids: ["ceci_nest_pas_un_docno"], scores: [1.0] };

/** Full result of {@linkcode evaluateMeasures}: values in trec_eval's layout. */
export interface Evaluation {
  /** The measures, in trec_eval order. */
  instances: MeasureInstance[];
  /** Start of each instance's values within a value vector. */
  offsets: number[];
  /** Every value name, in order (`"map"`, `"P_5"`, …). */
  names: string[];
  /** Evaluated query ids, in trec_eval order (qrels ids in `strcmp` order). */
  qids: string[];
  /** Values of each evaluated query, parallel to `qids`. */
  values: Float64Array[];
  /** The summary (`all`) values. */
  summary: Float64Array;
  /** Queries averaged over. */
  numQueries: number;
}

/**
 * Evaluates resolved measures. Queries are those of the qrels, in `strcmp`
 * order; without `complete` a query missing from the run is skipped, with it
 * the query scores as trec_eval's `-c` makes it (0 for every standard
 * measure). Queries only in the run are ignored.
 *
 * @param qrels Relevance judgements.
 * @param run Retrieved documents per query.
 * @param instances Measures (from `resolveMeasures`).
 * @param options trec_eval options.
 * @returns Per-query and summary values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluateMeasures } from "./evaluate.ts";
 * import { resolveMeasures } from "./registry.ts";
 * const qrels = new Map([["q1", new Map([["d1", 1]])]]);
 * const run = new Map([["q1", { docids: ["d0", "d1"], scores: [2, 1] }]]);
 * const ev = evaluateMeasures(qrels, run, resolveMeasures(["map"]).instances);
 * assert(ev.summary[0] === 0.5);
 * ```
 */
export function evaluateMeasures(
  qrels: Qrels,
  run: Run,
  instances: readonly MeasureInstance[],
  options: EvalOptions = {},
): Evaluation {
  const ctx = {
    relevanceLevel: options.relevanceLevel ?? 1,
    numDocsInColl: options.numDocsInColl ?? 0,
  };
  const rankOptions = {
    relevanceLevel: ctx.relevanceLevel,
    maxRetrieved: options.maxRetrieved,
    judgedOnly: options.judgedOnly,
    runName: options.runName,
    acceptNaN: options.acceptNaN,
  };
  const offsets: number[] = [];
  const names: string[] = [];
  for (const inst of instances) {
    offsets.push(names.length);
    names.push(...inst.names);
  }
  const zeroed: number[] = [];
  instances.forEach((inst, k) => {
    if (inst.def.zeroWhenMissing) {
      for (let i = 0; i < inst.names.length; i++) zeroed.push(offsets[k] + i);
    }
  });

  const qids: string[] = [];
  const values: Float64Array[] = [];
  const sums = new Float64Array(names.length);
  for (const qid of [...qrels.keys()].sort(compareUtf8)) {
    let retrieved = run.get(qid);
    const missing = retrieved === undefined;
    if (missing) {
      if (!options.complete) continue;
      retrieved = MISSING_RANKING;
    }
    const rr = rankQuery(qid, retrieved!, qrels.get(qid)!, rankOptions);
    const out = new Float64Array(names.length);
    instances.forEach((inst, k) => inst.def.compute(rr, inst.params, ctx, out, offsets[k]));
    if (missing) { for (const i of zeroed) out[i] = 0; }
    for (let i = 0; i < out.length; i++) sums[i] += out[i];
    qids.push(qid);
    values.push(out);
  }

  const numQueries = qids.length;
  const summary = new Float64Array(names.length);
  instances.forEach((inst, k) => {
    for (let i = offsets[k]; i < offsets[k] + inst.names.length; i++) {
      if (options.complete && inst.def.completeSummary) {
        summary[i] = inst.def.completeSummary(qrels);
        continue;
      }
      switch (inst.def.summary) {
        case "sum":
          summary[i] = sums[i];
          break;
        case "mean":
          summary[i] = numQueries ? sums[i] / numQueries : sums[i];
          break;
        case "geometric":
          summary[i] = numQueries ? Math.exp(sums[i] / numQueries) : sums[i];
          break;
        case "numQueries":
          summary[i] = numQueries;
          break;
        case "runid":
          break;
      }
    }
  });
  return { instances: [...instances], offsets, names, qids, values, summary, numQueries };
}

/** Result of {@linkcode evaluate}. */
export interface EvalResult {
  /** Value names in trec_eval order (`"map"`, `"P_5"`, `"ndcg_cut_10"`, …). */
  names: string[];
  /**
   * Per-query values, queries in trec_eval order; the measures trec_eval
   * prints per query (not num_q, gm_map, gm_bpref).
   */
  perQuery: Map<string, Record<string, number>>;
  /** Summary values (trec_eval's `all` lines, without `runid`). */
  aggregate: Record<string, number>;
}

/**
 * Evaluates a run against qrels, exactly as trec_eval.
 *
 * @param qrels Relevance judgements (query → docid → relevance).
 * @param run Retrieved documents with scores (query → documents, any order).
 * @param measures trec_eval measure names, with parameters or as value names
 *   (`"map"`, `"P.5,10"`, `"ndcg_cut_10"`, `"recall_1000"`), or nicknames
 *   (`"official"`, `"all_trec"`). Default `["official"]`.
 * @param options trec_eval options (`relevanceLevel`, `maxRetrieved`, `complete`, …).
 * @returns Per-query and summary values keyed by value name.
 * @throws {InputError} For an unknown measure, bad parameters, or a document
 *   retrieved twice for one query.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluate } from "./evaluate.ts";
 * const qrels = new Map([["q1", new Map([["d1", 1], ["d2", 0]])]]);
 * const run = new Map([["q1", [{ docid: "d2", score: 0.9 }, { docid: "d1", score: 0.5 }]]]);
 * const { perQuery, aggregate } = evaluate(qrels, run, ["map", "P_1", "ndcg_cut_10"]);
 * assert(aggregate.map === 0.5 && perQuery.get("q1")!.P_1 === 0);
 * ```
 */
export function evaluate(
  qrels: Qrels,
  run: Run,
  measures: readonly string[] = ["official"],
  options: EvalOptions = {},
): EvalResult {
  const { instances } = resolveMeasures(measures, true);
  const ev = evaluateMeasures(
    qrels,
    run,
    instances.filter((i) => i.def.summary !== "runid"),
    options,
  );
  const perQueryNames: [string, number][] = [];
  ev.instances.forEach((inst, k) => {
    if (inst.def.perQuery) inst.names.forEach((n, i) => perQueryNames.push([n, ev.offsets[k] + i]));
  });
  const perQuery = new Map<string, Record<string, number>>();
  ev.qids.forEach((qid, q) => {
    const rec: Record<string, number> = {};
    for (const [n, i] of perQueryNames) rec[n] = ev.values[q][i];
    perQuery.set(qid, rec);
  });
  const aggregate: Record<string, number> = {};
  ev.names.forEach((n, i) => (aggregate[n] = ev.summary[i]));
  return { names: ev.names, perQuery, aggregate };
}
