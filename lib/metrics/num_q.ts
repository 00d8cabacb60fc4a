/**
 * `num_q`: the number of queries averaged over (with `-c`, every query in the
 * qrels). Summary only.
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * trec_eval's `num_q`: 1 per evaluated query; the summary is their count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { numQ } from "./num_q.ts";
 * const out = new Float64Array(1);
 * numQ.compute({} as never, { values: [], pairs: [] }, {} as never, out, 0);
 * assert(out[0] === 1);
 * ```
 */
export const numQ: MeasureDef = {
  name: "num_q",
  paramKind: "none",
  valueType: "long",
  summary: "numQueries",
  perQuery: false,
  compute(_rr, _p, _ctx, out, at) {
    out[at] = 1;
  },
};
