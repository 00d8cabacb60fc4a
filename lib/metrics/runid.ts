/**
 * `runid`: the run's name (the 6th field of the run's last line), printed
 * once as `runid  all  NAME`.
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/**
 * trec_eval's `runid`: no per-query value; the summary line prints the run id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runid } from "./runid.ts";
 * assert(runid.summary === "runid");
 * ```
 */
export const runid: MeasureDef = {
  name: "runid",
  paramKind: "none",
  valueType: "long",
  summary: "runid",
  perQuery: false,
  compute() {},
};
