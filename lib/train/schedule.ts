/**
 * Learning-rate schedules: linear warm-up, then constant or linear decay to 0
 * (the sentence-transformers / Hugging Face `get_linear_schedule_with_warmup`).
 *
 * @module
 */

/** A schedule's settings. */
export interface ScheduleOptions {
  /** Peak learning rate. */
  lr: number;
  /** Steps of linear warm-up from 0 to `lr`. */
  warmupSteps: number;
  /** Total steps (for the decay). */
  totalSteps: number;
  /** `"linear"`: decay to 0 at `totalSteps`; `"constant"`: stay at `lr`. */
  kind: "linear" | "constant";
}

/**
 * The learning rate of 0-based step `step`:
 * `lr · (step+1)/warmup` during warm-up, then `lr` (constant) or
 * `lr · max(0, (total − step)/(total − warmup))` (linear).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { learningRate } from "./schedule.ts";
 * const o = { lr: 1, warmupSteps: 2, totalSteps: 6, kind: "linear" as const };
 * assert([0, 1, 2, 5].map((s) => learningRate(s, o)).join() === "0.5,1,1,0.25");
 * ```
 */
export function learningRate(step: number, o: ScheduleOptions): number {
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  if (o.kind === "constant") return o.lr;
  const span = Math.max(1, o.totalSteps - o.warmupSteps);
  return o.lr * Math.max(0, (o.totalSteps - step) / span);
}
