/**
 * `num_ret`: documents retrieved for the query (after `-M`/`-J`); the
 * summary is the sum over queries, not an average.
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * trec_eval's `num_ret` = |retrieved|.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numRet } from "./num_ret.ts";
 * assert(numRet.summary === "sum");
 * ```
 */
export const numRet: MeasureDef = {
  name: "num_ret",
  paramKind: "none",
  valueType: "long",
  summary: "sum",
  perQuery: true,
  zeroWhenMissing: true,
  compute(rr, _p, _ctx, out, at) {
    out[at] = rr.numRet;
  },
};
