/**
 * `gm_map`: geometric mean of per-query average precision (summary only).
 *
 *     gm_map = exp( (1/Q) · Σ_q log(max(AP_q, 0.00001)) )
 *
 * @module
 */

import { averagePrecision } from "./map.ts";
import { type MeasureDef, MIN_GEO_MEAN } from "./measure.ts";

/**
 * trec_eval's `gm_map`; its per-query value is log(max(AP, 0.00001)).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gmMap } from "./gm_map.ts";
 * assert(gmMap.summary === "geometric");
 * ```
 */
export const gmMap: MeasureDef = {
  name: "gm_map",
  paramKind: "none",
  valueType: "float",
  summary: "geometric",
  perQuery: false,
  compute(rr, _p, ctx, out, at) {
    out[at] = Math.log(
      Math.max(averagePrecision(rr.rels, rr.numRel, ctx.relevanceLevel), MIN_GEO_MEAN),
    );
  },
};
