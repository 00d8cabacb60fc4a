/**
 * `num_rel`: documents in the qrels with `rel >= relevanceLevel`; the summary
 * is the sum over queries — except under `-c`, where trec_eval counts the
 * judgements with `rel > 0` over every qrels query, whatever `-l` says
 * (`m_num_rel.c`, `te_calc_avg_num_rel`).
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * trec_eval's `num_rel` = |relevant| (R).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numRel } from "./num_rel.ts";
 * assert(numRel.valueType === "long");
 * ```
 */
export const numRel: MeasureDef = {
  name: "num_rel",
  paramKind: "none",
  valueType: "long",
  summary: "sum",
  perQuery: true,
  completeSummary(qrels) {
    let n = 0;
    for (const judged of qrels.values()) for (const rel of judged.values()) if (rel > 0) n++;
    return n;
  },
  compute(rr, _p, _ctx, out, at) {
    out[at] = rr.numRel;
  },
};
