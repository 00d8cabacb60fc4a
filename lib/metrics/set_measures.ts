/**
 * The unranked set measures over all retrieved documents:
 *
 *     set_P          = num_rel_ret / num_ret
 *     set_relative_P = num_rel_ret / min(num_ret, R)
 *     set_recall     = num_rel_ret / R
 *     set_map        = num_rel_ret² / (num_ret · R)
 *     set_F          = (x + 1) · P · R' / (x · P + R')   (P = set_P, R' = set_recall, x default 1)
 *
 * each 0 when its denominator is 0 (set_F: when num_rel_ret is 0).
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * Set F measure.
 *
 * @param numRet Documents retrieved.
 * @param numRel R.
 * @param numRelRet Relevant retrieved.
 * @param x Weight of recall relative to precision. Default 1.
 * @returns F_x.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setF } from "./set_measures.ts";
 * assert(setF(4, 4, 2) === 0.5);
 * ```
 */
export function setF(numRet: number, numRel: number, numRelRet: number, x = 1.0): number {
  if (!numRelRet) return 0;
  const p = numRelRet / numRet;
  const r = numRelRet / numRel;
  return (x + 1.0) * p * r / (x * p + r);
}

function single(name: string, f: MeasureDef["compute"]): MeasureDef {
  return {
    name,
    paramKind: "none",
    valueType: "float",
    summary: "mean",
    perQuery: true,
    compute: f,
  };
}

/**
 * trec_eval's `set_P`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setP } from "./set_measures.ts";
 * assert(setP.name === "set_P");
 * ```
 */
export const setP: MeasureDef = single("set_P", (rr, _p, _c, out, at) => {
  if (rr.numRet) out[at] = rr.numRelRet / rr.numRet;
});

/**
 * trec_eval's `set_relative_P`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setRelativeP } from "./set_measures.ts";
 * assert(setRelativeP.name === "set_relative_P");
 * ```
 */
export const setRelativeP: MeasureDef = single("set_relative_P", (rr, _p, _c, out, at) => {
  if (rr.numRet && rr.numRel) out[at] = rr.numRelRet / Math.min(rr.numRet, rr.numRel);
});

/**
 * trec_eval's `set_recall`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setRecall } from "./set_measures.ts";
 * assert(setRecall.name === "set_recall");
 * ```
 */
export const setRecall: MeasureDef = single("set_recall", (rr, _p, _c, out, at) => {
  if (rr.numRel) out[at] = rr.numRelRet / rr.numRel;
});

/**
 * trec_eval's `set_map`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setMap } from "./set_measures.ts";
 * assert(setMap.name === "set_map");
 * ```
 */
export const setMap: MeasureDef = single("set_map", (rr, _p, _c, out, at) => {
  if (rr.numRet && rr.numRel) out[at] = (rr.numRelRet * rr.numRelRet) / (rr.numRet * rr.numRel);
});

/**
 * trec_eval's `set_F` (`-m set_F.0.5` for F_0.5).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setFMeasure } from "./set_measures.ts";
 * assert(setFMeasure.defaults?.join() === "1");
 * ```
 */
export const setFMeasure: MeasureDef = {
  name: "set_F",
  paramKind: "doubleParams",
  defaults: [1.0],
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, _c, out, at) {
    out[at] = setF(rr.numRet, rr.numRel, rr.numRelRet, p.values[0]);
  },
};
