/**
 * One comparison of the bench — xlir against its peers on identical work —
 * its ratio, its checksum, and the line it prints:
 *
 * ```
 * ratio train_pairs_per_s = 3.21  (xlir 12345 pairs/s, torch-sparse 3850, torch-dense 256)
 * ```
 *
 * @module
 */

import type { SideTimings } from "./alternate.ts";

/** The check that both sides computed the same thing. */
export interface Check {
  /** Whether it passed. */
  passed: boolean;
  /** What was compared and the figures, one line. */
  summary: string;
  /** The figures, for `bench.json`. */
  [key: string]: unknown;
}

/** A finished comparison. */
export interface Comparison {
  /** `"train_pairs_per_s"`, `"encode_per_s"`, `"search_qps"`. */
  name: string;
  /** Unit of the throughputs (`"pairs/s"`). */
  unit: string;
  /** Items one repetition does. */
  items: number;
  /** The xlir side. */
  xlir: SideTimings;
  /** The peers. */
  peers: SideTimings[];
  /** The fastest peer's name. */
  best: string;
  /** xlir throughput / the fastest peer's (higher is better for xlir). */
  ratio: number;
  /** The ratio the issue asks for at least. */
  goal: number;
  /** The checksum. */
  check: Check;
  /** Everything else worth recording (shapes, threads, kernels). */
  details: Record<string, unknown>;
}

/**
 * Builds a comparison from the sides' timings: the ratio is against the fastest peer.
 *
 * @param fields Name, unit, items, sides, goal, check and details.
 * @returns The comparison.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compare } from "./comparison.ts";
 * import { sideTimings } from "./alternate.ts";
 * const c = compare({
 *   name: "search_qps", unit: "queries/s", items: 1000, goal: 0.5,
 *   xlir: sideTimings("xlir", [[500]], 1000), peers: [sideTimings("faiss", [[250]], 1000)],
 *   check: { passed: true, summary: "ok" }, details: {},
 * });
 * assert(c.ratio === 0.5 && c.best === "faiss");
 * ```
 */
export function compare(fields: Omit<Comparison, "best" | "ratio">): Comparison {
  if (fields.peers.length === 0) throw new RangeError(`compare(${fields.name}): no peer`);
  const best = fields.peers.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  return { ...fields, best: best.name, ratio: fields.xlir.perSecond / best.perSecond };
}

/**
 * A throughput for print: integers from 100 up, three significant digits below.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRate } from "./comparison.ts";
 * assert(formatRate(12345.6) === "12346" && formatRate(25.61) === "25.6");
 * ```
 */
export function formatRate(x: number): string {
  return x >= 100 ? String(Math.round(x)) : x.toPrecision(3);
}

/**
 * The comparison's line: `ratio NAME = R  (xlir X unit, peer Y, …; goal ≥ G: met)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compare, formatComparison } from "./comparison.ts";
 * import { sideTimings } from "./alternate.ts";
 * const c = compare({
 *   name: "train_pairs_per_s", unit: "pairs/s", items: 64, goal: 1,
 *   xlir: sideTimings("xlir", [[20]], 64),
 *   peers: [sideTimings("torch-sparse", [[40]], 64), sideTimings("torch-dense", [[250]], 64)],
 *   check: { passed: true, summary: "" }, details: {},
 * });
 * assert(formatComparison(c) ===
 *   "ratio train_pairs_per_s = 2.00  (xlir 3200 pairs/s, torch-sparse 1600, torch-dense 256; goal >= 1.0: met)");
 * ```
 */
export function formatComparison(c: Comparison): string {
  const sides = [
    `xlir ${formatRate(c.xlir.perSecond)} ${c.unit}`,
    ...c.peers.map((p) => `${p.name} ${formatRate(p.perSecond)}`),
  ];
  const verdict = c.ratio >= c.goal ? "met" : "MISSED";
  return `ratio ${c.name} = ${c.ratio.toFixed(2)}  (${sides.join(", ")}; goal >= ${
    c.goal.toFixed(1)
  }: ${verdict})`;
}
