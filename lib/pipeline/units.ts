/**
 * From an evaluation's per-query values (`per_query.json`) to the units the
 * statistics resample: one unit per (query language or pair, question), its
 * stratum (the language, or the pair `X-Y`, in sorted key order) and its
 * cluster (the question id, shared by its translations in every language and
 * pair).
 *
 * @module
 */

import type { PerQueryValues } from "../eval/lareqa_export.ts";
import { InputError } from "../util/errors.ts";

/** What the statistics compare: mAP in a setting, or the multilingual rank distance. */
export type StatSetting = "mono" | "cross" | "multi" | "bias";

/** The units of one setting of a dataset's evaluation. */
export interface UnitLayout {
  setting: StatSetting;
  /** Stratum keys in order (`"de"`, or `"de-en"` for cross). */
  keys: string[];
  /** Per unit: stratum index, cluster (question) index. */
  strata: Int32Array;
  clusters: Int32Array;
  /** Question ids by cluster index. */
  questions: string[];
  /** Question ids per query language, as the layout was built from (to check other evaluations against). */
  qids: Record<string, string[]>;
}

function source(pq: PerQueryValues, setting: StatSetting): Record<string, (number | null)[]> {
  return setting === "bias" ? pq.bias : pq[setting];
}

/**
 * The unit layout of a setting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unitLayout } from "./units.ts";
 * const pq = {
 *   qids: { de: ["a", "b"], en: ["a", "c"] },
 *   mono: { de: [0.5, 1], en: [1, 0] }, cross: { "de-en": [1, null], "en-de": [0.5, null] },
 *   multi: { de: [1, 1], en: [1, 1] }, bias: { de: [3, null], en: [2, null] },
 * };
 * const l = unitLayout(pq, "cross");
 * assert.deepEqual(l.keys, ["de-en", "en-de"]);
 * assert.deepEqual([...l.clusters], [0, 1, 0, 2]); // question "a" is one cluster in both pairs
 * ```
 */
export function unitLayout(pq: PerQueryValues, setting: StatSetting): UnitLayout {
  const src = source(pq, setting);
  const keys = Object.keys(src).sort();
  // Clusters numbered by language, then question order: the same numbering in
  // every setting of a dataset (so that a shared resampling fits all of them).
  const questions: string[] = [];
  const index = new Map<string, number>();
  for (const l of Object.keys(pq.qids).sort()) {
    for (const q of pq.qids[l]) {
      if (!index.has(q)) {
        index.set(q, questions.length);
        questions.push(q);
      }
    }
  }
  const strata: number[] = [];
  const clusters: number[] = [];
  keys.forEach((key, k) => {
    const x = key.split("-")[0];
    const qids = pq.qids[x];
    if (!qids || qids.length !== src[key].length) {
      throw new InputError(
        `per-query values: ${setting}.${key} has ${src[key].length} values, but qids.${x} has ${
          qids?.length ?? "none"
        }`,
      );
    }
    for (const q of qids) {
      strata.push(k);
      clusters.push(index.get(q)!);
    }
  });
  return {
    setting,
    keys,
    strata: Int32Array.from(strata),
    clusters: Int32Array.from(clusters),
    questions,
    qids: pq.qids,
  };
}

/**
 * One evaluation's values in a layout's unit order (NaN where a query was
 * skipped).
 *
 * @throws {InputError} when the evaluation has other queries than the layout.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unitLayout, unitValues } from "./units.ts";
 * const pq = { qids: { en: ["a", "b"] }, mono: { en: [0.5, null] }, cross: {}, multi: { en: [1, 1] }, bias: { en: [null, null] } };
 * const v = unitValues(pq, unitLayout(pq, "mono"));
 * assert.equal(v[0], 0.5);
 * assert(Number.isNaN(v[1]));
 * ```
 */
export function unitValues(pq: PerQueryValues, layout: UnitLayout): Float64Array {
  const src = source(pq, layout.setting);
  const out = new Float64Array(layout.strata.length);
  let u = 0;
  for (const key of layout.keys) {
    const x = key.split("-")[0];
    const qids = pq.qids[x];
    const expected = layout.qids[x];
    if (!qids || qids.length !== expected.length || qids.some((q, i) => q !== expected[i])) {
      throw new InputError(
        `per-query values: the queries of ${x} differ between the evaluations compared`,
      );
    }
    const values = src[key];
    if (!values || values.length !== qids.length) {
      throw new InputError(
        `per-query values: ${layout.setting}.${key} has ${
          values?.length ?? "no"
        } values for ${qids.length} queries`,
      );
    }
    for (const v of values) out[u++] = v === null || v === undefined ? NaN : v;
  }
  return out;
}
