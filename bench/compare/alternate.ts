/**
 * Alternating measurement: round 1 of every contender, then round 2 of
 * every contender, and so on, so that a machine getting busier or quieter
 * during the bench (other processes, thermal state) weighs on all sides alike.
 * A contender's figure is the median of all its timed repetitions.
 *
 * @module
 */

import { median, perSecond } from "../../lib/util/stats.ts";

/** One side of a comparison: runs a round and returns its timed repetitions (ms). */
export interface Contender {
  /** Name in the output (`"xlir"`, `"torch-sparse"`, `"faiss"`). */
  name: string;
  /**
   * Runs round `index` (from 0; warm-up, when any, belongs in round 0 and is not returned).
   *
   * @returns The milliseconds of each timed repetition.
   */
  round(index: number): Promise<number[]> | number[];
}

/** A contender's timings and the throughput they give. */
export interface SideTimings {
  /** The contender's name. */
  name: string;
  /** Milliseconds of each timed repetition, per round. */
  rounds: number[][];
  /** Median milliseconds of one repetition, over all rounds. */
  medianMs: number;
  /** Items per second at the median. */
  perSecond: number;
}

/**
 * Runs `rounds` rounds, each contender in turn within a round.
 *
 * @param contenders The sides, in the order they run within a round.
 * @param rounds Number of rounds (≥ 1).
 * @param options `pauseMs`: an idle pause before each contender's round, so
 *   that threads the previous one left spinning (OpenMP, OpenBLAS) go to
 *   sleep first (default 0); `onRound`: called after each contender's round.
 * @returns Per contender (same order), the timed repetitions of each round.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alternate } from "./alternate.ts";
 * const order: string[] = [];
 * const sides = ["a", "b"].map((name) => ({ name, round: (i: number) => (order.push(name + i), [1]) }));
 * await alternate(sides, 2);
 * assert(order.join() === "a0,b0,a1,b1");
 * ```
 */
export async function alternate(
  contenders: readonly Contender[],
  rounds: number,
  options: {
    pauseMs?: number;
    onRound?: (name: string, index: number, ms: number[]) => void;
  } = {},
): Promise<number[][][]> {
  const pause = options.pauseMs ?? 0;
  if (!(Number.isInteger(rounds) && rounds >= 1)) {
    throw new RangeError(`alternate(): rounds must be an integer >= 1, got ${rounds}`);
  }
  const out: number[][][] = contenders.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let c = 0; c < contenders.length; c++) {
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      const ms = await contenders[c].round(r);
      if (ms.length === 0) {
        throw new Error(`${contenders[c].name} timed no repetition in round ${r + 1}`);
      }
      out[c].push(ms);
      options.onRound?.(contenders[c].name, r, ms);
    }
  }
  return out;
}

/**
 * A side's figure from its rounds: median milliseconds over all timed
 * repetitions, and the throughput for `items` per repetition.
 *
 * @param name The contender.
 * @param rounds Timed repetitions per round.
 * @param items Items one repetition does (pairs, texts, queries).
 * @returns The timings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sideTimings } from "./alternate.ts";
 * const t = sideTimings("xlir", [[10, 30], [20]], 64);
 * assert(t.medianMs === 20 && t.perSecond === 3200);
 * ```
 */
export function sideTimings(name: string, rounds: number[][], items: number): SideTimings {
  const medianMs = median(rounds.flat());
  return { name, rounds, medianMs, perSecond: perSecond(items, medianMs) };
}
