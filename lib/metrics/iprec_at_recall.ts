/**
 * `iprec_at_recall_x`: interpolated precision at recall x, the points of the
 * standard recall–precision graph.
 *
 *     iprec(x) = max { P@k : k >= k_x },  k_x = rank where ⌊x·R + 0.5⌋ relevant are retrieved
 *
 * 0 when fewer than ⌊x·R + 0.5⌋ relevant documents are retrieved. Default
 * points 0.0, 0.1, …, 1.0 (`-m iprec_at_recall..10,.20`).
 *
 * The number of relevant documents for recall x is x·R rounded half up:
 * trec_eval's `m_iprec_at_recall.c` in the searchable source still adds 0.9
 * (`(long) (x * num_rel + 0.9)`), but trec_eval's own expected outputs at
 * f425365 (`test/out.test*`) are reproduced only with rounding (e.g. R = 77,
 * x = 0.5 needs the 39th relevant document, x = 0.6 the 46th); the fixtures win.
 * `Rprec_mult` keeps `+ 0.9`, which its fixture rows confirm.
 *
 * @module
 */

import type { MeasureDef } from "./measure.ts";

/** The 11 standard recall points. */
export const ELEVEN_POINTS: readonly number[] = [
  0.0,
  0.1,
  0.2,
  0.3,
  0.4,
  0.5,
  0.6,
  0.7,
  0.8,
  0.9,
  1.0,
];

/**
 * Relevant documents needed for each recall point: ⌊x·R + 0.5⌋.
 *
 * @param points Recall points.
 * @param numRel R.
 * @returns The counts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recallCutoffs } from "./iprec_at_recall.ts";
 * assert(recallCutoffs([0.5, 0.6], 77).join() === "39,46");
 * ```
 */
export function recallCutoffs(points: readonly number[], numRel: number): number[] {
  return points.map((x) => Math.trunc(x * numRel + 0.5));
}

/**
 * Interpolated precision at increasing recall points (trec_eval's kernel,
 * reverse scan keeping the running maximum precision).
 *
 * @param rels Relevance at ranks 1..n.
 * @param numRel R.
 * @param numRelRet Relevant documents in `rels`.
 * @param points Increasing recall points in [0, 1].
 * @param relevanceLevel `rel >= relevanceLevel` is relevant. Default 1.
 * @returns Interpolated precision at each point.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { interpolatedPrecisionAtRecall } from "./iprec_at_recall.ts";
 * // relevant at ranks 2 and 3 of 4, R = 2
 * const v = interpolatedPrecisionAtRecall([0, 1, 1, 0], 2, 2, [0, 0.5, 1]);
 * assert(v.join() === [2 / 3, 2 / 3, 2 / 3].join());
 * ```
 */
export function interpolatedPrecisionAtRecall(
  rels: ArrayLike<number>,
  numRel: number,
  numRelRet: number,
  points: readonly number[],
  relevanceLevel = 1,
): number[] {
  const numRet = rels.length;
  const v = new Array<number>(points.length).fill(0);
  const cutoffs = recallCutoffs(points, numRel);
  let cut = points.length - 1;
  while (cut >= 0 && cutoffs[cut] > numRelRet) cut--;
  let intPrecis = numRelRet / numRet;
  let relSoFar = numRelRet;
  for (let i = numRet; i > 0 && relSoFar > 0; i--) {
    const precis = relSoFar / i;
    if (intPrecis < precis) intPrecis = precis;
    if (rels[i - 1] >= relevanceLevel) {
      while (cut >= 0 && relSoFar === cutoffs[cut]) v[cut--] = intPrecis;
      relSoFar--;
    }
  }
  while (cut >= 0) v[cut--] = intPrecis;
  return v;
}

/**
 * trec_eval's `iprec_at_recall` (values `iprec_at_recall_0.00`, …).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { iprecAtRecall } from "./iprec_at_recall.ts";
 * assert(iprecAtRecall.defaults?.length === 11);
 * ```
 */
export const iprecAtRecall: MeasureDef = {
  name: "iprec_at_recall",
  paramKind: "doubleCutoffs",
  defaults: ELEVEN_POINTS,
  valueType: "float",
  summary: "mean",
  perQuery: true,
  compute(rr, p, ctx, out, at) {
    const v = interpolatedPrecisionAtRecall(
      rr.rels,
      rr.numRel,
      rr.numRelRet,
      p.values,
      ctx.relevanceLevel,
    );
    for (let i = 0; i < v.length; i++) out[at + i] = v[i];
  },
};
