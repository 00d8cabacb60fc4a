/**
 * `num_rel_ret`: relevant documents retrieved; the summary is the sum over
 * queries.
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * trec_eval's `num_rel_ret` = |relevant ∩ retrieved|.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numRelRet } from "./num_rel_ret.ts";
 * assert(numRelRet.name === "num_rel_ret");
 * ```
 */
export const numRelRet: MeasureDef = {
  name: "num_rel_ret",
  paramKind: "none",
  valueType: "long",
  summary: "sum",
  perQuery: true,
  compute(rr, _p, _ctx, out, at) {
    out[at] = rr.numRelRet;
  },
};
