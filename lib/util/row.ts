/**
 * A table row: column name → cell. The summaries build rows, the report
 * writes them (CSV, JSON, Markdown) and the README generator reads them back:
 * all with this one type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Row } from "./row.ts";
 * const row: Row = { strategy: "hybrid", map: 0.5123, seeds: 3, significant: true, ci: null };
 * assert.equal(Object.keys(row).length, 5);
 * ```
 *
 * @module
 */

/** A table row: a string, number, boolean or empty cell per column. */
export type Row = Record<string, string | number | boolean | null>;
