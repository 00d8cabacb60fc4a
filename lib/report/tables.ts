/**
 * Tables: rows of plain objects, written as CSV, JSON and Markdown (arquero),
 * atomically, side by side (`name.csv`, `name.json`, `name.md`).
 *
 * @module
 */

import * as aq from "arquero";
import { join } from "node:path";
import { writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";

/** A table row: column name → value. */
export type Row = Record<string, string | number | boolean | null>;

/**
 * Formats numbers for display: `digits` decimals, `""` for null/NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmt } from "./tables.ts";
 * assert(fmt(0.12345) === "0.123" && fmt(null) === "");
 * ```
 */
export function fmt(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || Number.isNaN(value) ? "" : value.toFixed(digits);
}

/**
 * Formats a difference with its sign (`+`, or a true minus `−`); a value
 * that rounds to zero gets none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { signed } from "./tables.ts";
 * assert.deepEqual([signed(0.0123), signed(-0.0123, 2), signed(-0.0001)], ["+0.012", "−0.01", "0.000"]);
 * ```
 */
export function signed(x: number, digits = 3): string {
  const s = Math.abs(x).toFixed(digits);
  if (Number(s) === 0) return s;
  return (x > 0 ? "+" : "−") + s;
}

/**
 * Renders rows as a Markdown table (numbers rounded to `digits`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toMarkdown } from "./tables.ts";
 * assert(toMarkdown([{ a: 1.23456, b: "x" }]).includes("|1.235|x|"));
 * ```
 */
export function toMarkdown(rows: Row[], digits = 3): string {
  if (rows.length === 0) return "(empty)\n";
  return aq.from(rows).toMarkdown({
    format: Object.fromEntries(
      Object.keys(rows[0]).map((k) => [
        k,
        (v: unknown) =>
          typeof v === "number"
            ? (Number.isInteger(v) ? String(v) : v.toFixed(digits))
            : String(v ?? ""),
      ]),
    ),
  });
}

/**
 * Writes `rows` as `dir/name.csv`, `dir/name.json` and `dir/name.md`; returns the paths written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeTable } from "./tables.ts";
 * const dir = await Deno.makeTempDir();
 * const paths = await writeTable(dir, "t", [{ a: 1 }]);
 * assert(paths.length === 3);
 * ```
 */
export async function writeTable(dir: string, name: string, rows: Row[]): Promise<string[]> {
  const csv = join(dir, `${name}.csv`);
  const json = join(dir, `${name}.json`);
  const md = join(dir, `${name}.md`);
  await writeTextFileAtomic(csv, rows.length ? aq.from(rows).toCSV() + "\n" : "");
  await writeJsonAtomic(json, rows);
  await writeTextFileAtomic(md, toMarkdown(rows));
  return [csv, json, md];
}
