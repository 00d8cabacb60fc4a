/**
 * IR evaluation measures with trec_eval's exact semantics, and a trec_eval
 * command line.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluate, readQrels, readRun } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/qrels.test`, "q1 0 d1 1\nq1 0 d2 0\nq1 0 d3 1\n");
 * await Deno.writeTextFile(`${dir}/results.test`, "q1 Q0 d1 1 0.9 run1\nq1 Q0 d2 2 0.8 run1\nq1 Q0 d3 3 0.7 run1\n");
 * const qrels = await readQrels(`${dir}/qrels.test`);
 * const { run } = await readRun(`${dir}/results.test`);
 * const { aggregate, perQuery } = evaluate(qrels, run, ["map", "ndcg_cut_10", "recall_100"]);
 * // d1 and d3 relevant at ranks 1 and 3: AP = (1/1 + 2/3) / 2.
 * assert(Math.abs(aggregate.map - 5 / 6) < 1e-12 && perQuery.get("q1")!.recall_100 === 1);
 * ```
 *
 * @module
 */

export type { EvalOptions, Qrels, Ranking, Run, RunEntry } from "./types.ts";
export { type EvalResult, evaluate, evaluateMeasures, type Evaluation } from "./evaluate.ts";
export {
  formatRun,
  type FormatRunOptions,
  type ParsedRun,
  parseQrels,
  parseRun,
  readQrels,
  readRun,
  type RunColumns,
  writeRun,
} from "./trec_io.ts";
export { qrelsStats, type RankOptions, rankOrder, rankQuery } from "./ranking.ts";
export {
  measureByName,
  MEASURES,
  NICKNAMES,
  type ResolvedMeasures,
  resolveMeasures,
  UNSUPPORTED_MEASURES,
} from "./registry.ts";
export type {
  EvalContext,
  MeasureDef,
  MeasureInstance,
  MeasureParams,
  ParamKind,
  RankedRels,
} from "./measure.ts";
export { averagePrecision, averagePrecisionFromRanks } from "./map.ts";
export { rPrecision } from "./r_prec.ts";
export { bpref } from "./bpref.ts";
export { reciprocalRank } from "./recip_rank.ts";
export { interpolatedPrecisionAtRecall } from "./iprec_at_recall.ts";
export { precisionAtCutoffs } from "./precision.ts";
export { recallAtCutoffs } from "./recall.ts";
export { successAtCutoffs } from "./success.ts";
export { ndcgAtCutoffs } from "./ndcg_cut.ts";
export { ndcgOf } from "./ndcg.ts";
export { formatTrecEval, parseTrecEvalArgs, trecEval, type TrecEvalArgs } from "./trec_eval.ts";
