/**
 * `gm_bpref`: geometric mean of per-query bpref (summary only).
 *
 *     gm_bpref = exp( (1/Q) · Σ_q log(max(bpref_q, 0.00001)) )
 *
 * @module
 */

import { bpref, numJudgedNonrel } from "./bpref.ts";
import { type MeasureDef, MIN_GEO_MEAN } from "./measure.ts";

/**
 * trec_eval's `gm_bpref`; its per-query value is log(max(bpref, 0.00001)).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gmBpref } from "./gm_bpref.ts";
 * assert(gmBpref.perQuery === false);
 * ```
 */
export const gmBpref: MeasureDef = {
  name: "gm_bpref",
  paramKind: "none",
  valueType: "float",
  summary: "geometric",
  perQuery: false,
  compute(rr, _p, ctx, out, at) {
    const n = numJudgedNonrel(rr.relLevels, ctx.relevanceLevel);
    const b = bpref(rr.rels, rr.numRel, n, ctx.relevanceLevel);
    out[at] = Math.log(Math.max(b, MIN_GEO_MEAN));
  },
};
