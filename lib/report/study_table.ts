/**
 * Reading the stand-in study's committed table (`deno task study` →
 * `results/study/`), without the study's training code, for notebook 06 and
 * `deno task readme`.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { readOptionalJson } from "../util/json.ts";
import { fromRoot } from "../util/root.ts";
import type { Row } from "../util/row.ts";

/**
 * The committed study table (`deno task study` → `results/study/`), or `null`
 * when the study has not been run.
 *
 * @param dir The study's output directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readStudyTable } from "./study_table.ts";
 * assert.equal(await readStudyTable(await Deno.makeTempDir()), null);
 * ```
 */
export async function readStudyTable(
  dir: string = fromRoot("results/study"),
): Promise<Row[] | null> {
  const path = `${dir}/standin_study.json`;
  const rows = await readOptionalJson(path, "study table");
  if (rows === undefined) return null;
  if (!Array.isArray(rows) || !rows.every((r) => r && typeof r === "object" && "model" in r)) {
    throw new InputError(`${path} is not a study table (a list of rows with a "model" field)`);
  }
  return rows as Row[];
}
