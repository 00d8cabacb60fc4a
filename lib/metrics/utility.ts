/**
 * `utility`: a weighted count over the retrieved/relevant contingency table.
 *
 *     utility = p1·a + p2·b + p3·c + p4·d
 *
 * with a = relevant retrieved, b = non-relevant retrieved, c = relevant not
 * retrieved, d = non-relevant not retrieved (needs `-N`). Default
 * coefficients 1, −1, 0, 0 (`-m utility.2,-1,0,0`).
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import type { MeasureDef } from "./measure.ts";

/**
 * Set utility.
 *
 * @param coef The four coefficients p1..p4.
 * @param numRet Documents retrieved.
 * @param numRel R.
 * @param numRelRet Relevant retrieved.
 * @param numDocsInColl Documents in the collection (for d).
 * @returns The utility.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setUtility } from "./utility.ts";
 * assert(setUtility([1, -1, 0, 0], 10, 5, 3, 0) === -4);
 * ```
 */
export function setUtility(
  coef: readonly number[],
  numRet: number,
  numRel: number,
  numRelRet: number,
  numDocsInColl: number,
): number {
  if (coef.length !== 4) {
    throw new InputError(`measure utility needs 4 coefficients, got ${coef.length}`);
  }
  return coef[0] * numRelRet + coef[1] * (numRet - numRelRet) + coef[2] * (numRel - numRelRet) +
    coef[3] * (numDocsInColl + numRelRet - numRet - numRel);
}

/**
 * trec_eval's `utility`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { utility } from "./utility.ts";
 * assert(utility.defaults?.join() === "1,-1,0,0");
 * ```
 */
export const utility: MeasureDef = {
  name: "utility",
  paramKind: "doubleParams",
  defaults: [1.0, -1.0, 0.0, 0.0],
  valueType: "float",
  summary: "mean",
  perQuery: true,
  zeroWhenMissing: true,
  compute(rr, p, ctx, out, at) {
    out[at] = setUtility(p.values, rr.numRet, rr.numRel, rr.numRelRet, ctx.numDocsInColl);
  },
};
