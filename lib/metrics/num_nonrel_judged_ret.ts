/**
 * `num_nonrel_judged_ret`: retrieved documents judged non-relevant
 * (`0 <= rel < relevanceLevel`); the summary is the sum over queries.
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * trec_eval's `num_nonrel_judged_ret` = num_ret − not-in-qrels − judged-negative − num_rel_ret.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numNonrelJudgedRet } from "./num_nonrel_judged_ret.ts";
 * assert(numNonrelJudgedRet.summary === "sum");
 * ```
 */
export const numNonrelJudgedRet: MeasureDef = {
  name: "num_nonrel_judged_ret",
  paramKind: "none",
  valueType: "long",
  summary: "sum",
  perQuery: true,
  compute(rr, _p, _ctx, out, at) {
    out[at] = rr.numRet - rr.numNonpool - rr.numUnjudgedInPool - rr.numRelRet;
  },
};
