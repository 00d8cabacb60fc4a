/**
 * Tables: rows of plain objects, written as CSV, JSON and Markdown (arquero),
 * atomically, side by side (`name.csv`, `name.json`, `name.md`).
 *
 * @module
 */

import * as aq from "arquero";
import { join } from "node:path";
import { writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import type { Row } from "../util/row.ts";

export type { Row };

/**
 * Rounds to `digits` significant digits, so that a small value (a p-value of
 * 1e-12) keeps its size instead of printing as 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roundSignificant } from "./tables.ts";
 * assert.deepEqual([roundSignificant(1.23456e-12), roundSignificant(0.045678), roundSignificant(0)], [1.23e-12, 0.0457, 0]);
 * ```
 */
export function roundSignificant(x: number, digits = 3): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits));
}

/** A number for a Markdown cell: `digits` decimals; a non-zero value that would show as zero in exponent form. */
function _cell(v: number, digits: number): string {
  if (Number.isInteger(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 0.5 * 10 ** -digits) return v.toExponential(1);
  return v.toFixed(digits);
}

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
 * assert(toMarkdown([{ p: 2.5e-9 }]).includes("|2.5e-9|")); // not 0.000
 * ```
 */
export function toMarkdown(rows: Row[], digits = 3): string {
  if (rows.length === 0) return "(empty)\n";
  return aq.from(rows).toMarkdown({
    format: Object.fromEntries(
      Object.keys(rows[0]).map((k) => [
        k,
        (v: unknown) => typeof v === "number" ? _cell(v, digits) : String(v ?? ""),
      ]),
    ),
  });
}

/** What the tables write as "not applicable" (e.g. the protocol of BM25); an empty field in CSV. */
export const NOT_APPLICABLE = "—";

/**
 * Writes `rows` as `dir/name.csv`, `dir/name.json` and `dir/name.md`; returns
 * the paths written. In the CSV a missing value is an empty field, as pandas,
 * R and spreadsheets read it (also where the other files show
 * {@linkcode NOT_APPLICABLE}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeTable } from "./tables.ts";
 * const dir = await Deno.makeTempDir();
 * const paths = await writeTable(dir, "t", [{ a: 1, b: "—" }, { a: null, b: "x" }]);
 * assert(paths.length === 3);
 * assert.equal(await Deno.readTextFile(`${dir}/t.csv`), "a,b\n1,\n,x\n");
 * ```
 */
export async function writeTable(dir: string, name: string, rows: Row[]): Promise<string[]> {
  const csv = join(dir, `${name}.csv`);
  const json = join(dir, `${name}.json`);
  const md = join(dir, `${name}.md`);
  const csvRows = rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === NOT_APPLICABLE ? null : v]))
  );
  await writeTextFileAtomic(csv, rows.length ? aq.from(csvRows).toCSV().trimEnd() + "\n" : "");
  await writeJsonAtomic(json, rows);
  await writeTextFileAtomic(md, toMarkdown(rows));
  return [csv, json, md];
}
