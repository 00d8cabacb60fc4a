/**
 * IR evaluation measures with trec_eval's exact semantics, and a trec_eval
 * command line.
 *
 * ```ts ignore
 * import { evaluate, readQrels, readRun } from "./mod.ts";
 * const qrels = await readQrels("qrels.txt");
 * const { run } = await readRun("run.txt");
 * const { aggregate, perQuery } = evaluate(qrels, run, ["map", "ndcg_cut_10", "recall_100"]);
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
