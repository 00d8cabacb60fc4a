/**
 * Gains per relevance value for ndcg and its relatives, as trec_eval's
 * `setup_gains`: the gain of relevance j is j unless a `j=gain` parameter
 * says otherwise; levels are sorted by increasing gain.
 *
 * @module
 */

import type { ParamPair } from "./measure.ts";

/** One relevance value's gain and how many qrels documents have it. */
export interface RelGain {
  /** Relevance value. */
  relLevel: number;
  /** Its gain. */
  gain: number;
  /** Documents in the qrels with this relevance. */
  numAtLevel: number;
}

const VALID_INT = /^[+-]?\d+$/;

/**
 * Builds the gain table for one query.
 *
 * @param pairs `level=gain` parameters (others, like `p=0.9`, are ignored).
 * @param relLevels Documents per relevance value 0..numRelLevels-1.
 * @param numRelLevels 1 + the highest relevance with a document.
 * @returns Gains sorted by increasing gain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setupGains } from "./_gains.ts";
 * const g = setupGains([{ name: "1", value: 3 }], [4, 2], 2);
 * assert(g.map((x) => x.gain).join() === "0,3");
 * ```
 */
export function setupGains(
  pairs: readonly ParamPair[],
  relLevels: readonly number[],
  numRelLevels: number,
): RelGain[] {
  const gains: RelGain[] = [];
  for (const p of pairs) {
    if (!VALID_INT.test(p.name)) continue;
    gains.push({ relLevel: Number.parseInt(p.name, 10), gain: p.value, numAtLevel: 0 });
  }
  const given = gains.length;
  for (let i = 0; i < numRelLevels; i++) {
    let j = 0;
    while (j < given && gains[j].relLevel !== i) j++;
    if (j < given) gains[j].numAtLevel = relLevels[i] ?? 0;
    else gains.push({ relLevel: i, gain: i, numAtLevel: relLevels[i] ?? 0 });
  }
  // trec_eval compares (int)(gain1 - gain2); the sort is stable for these sizes.
  gains.sort((a, b) => Math.trunc(a.gain - b.gain));
  return gains;
}

/**
 * The gain of a relevance value (0 when it has none).
 *
 * @param rel The relevance value.
 * @param gains Table from {@linkcode setupGains}.
 * @returns The gain.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getGain, setupGains } from "./_gains.ts";
 * assert(getGain(1, setupGains([], [4, 2], 2)) === 1);
 * ```
 */
export function getGain(rel: number, gains: readonly RelGain[]): number {
  for (let i = 0; i < gains.length; i++) if (gains[i].relLevel === rel) return gains[i].gain;
  return 0.0;
}

/**
 * Walks the ideal ranking's gains: each call to `next()` returns the gain at
 * the next ideal rank (highest gains first), 0 once the positive gains are
 * used up — trec_eval's `cur_level`/`num_at_level` loop.
 */
export class IdealGains {
  #gains: readonly RelGain[];
  #level: number;
  #numAtLevel = 0;
  /** Gain at the current ideal rank (before the first `next()`: the top gain). */
  gain: number;

  /** @param gains Table from {@linkcode setupGains}. */
  constructor(gains: readonly RelGain[]) {
    this.#gains = gains;
    this.#level = gains.length - 1;
    this.gain = this.#level >= 0 ? gains[this.#level].gain : 0.0;
  }

  /** Advances one ideal rank and returns its gain. */
  next(): number {
    this.#numAtLevel++;
    while (this.#level >= 0 && this.#numAtLevel > this.#gains[this.#level].numAtLevel) {
      this.#numAtLevel = 1;
      this.#level--;
      this.gain = this.#level >= 0 ? this.#gains[this.#level].gain : 0.0;
    }
    return this.gain;
  }
}
