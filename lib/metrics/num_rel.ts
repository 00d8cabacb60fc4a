/**
 * `num_rel`: documents in the qrels with `rel >= relevanceLevel`; the summary
 * is the sum over queries.
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
  compute(rr, _p, _ctx, out, at) {
    out[at] = rr.numRel;
  },
};
