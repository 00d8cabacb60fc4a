/**
 * Notebook 00's findings in words, from the rows of its tables
 * (`data_stats.ts`): whether the evaluation sets match LAReQA's published
 * counts, how close the MLQA-R rebuild comes to LAReQA's files, and what the
 * training sets hold.
 *
 * @module
 */

import type { Row } from "../util/row.ts";

const n = (x: unknown) => (typeof x === "number" ? x.toLocaleString("en-US") : String(x));

/**
 * Whether the loaded questions and candidates equal LAReQA's table, per
 * language (`statsTable` rows).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statsFinding } from "./data_findings.ts";
 * const rows = [
 *   { dataset: "xquad-r", lang: "de", questions: 1190, candidates: 1276, lareqa_questions: 1190, lareqa_candidates: 1276, match: true },
 *   { dataset: "xquad-r", lang: "en", questions: 1190, candidates: 1179, lareqa_questions: 1190, lareqa_candidates: 1180, match: false },
 * ];
 * assert.match(statsFinding(rows), /1 of 2 languages match.*en: 1,179 candidates against 1,180/);
 * ```
 */
export function statsFinding(rows: readonly Row[]): string {
  if (rows.length === 0) return "No languages loaded.";
  const name = String(rows[0].dataset);
  const q = rows.reduce((t, r) => t + (r.questions as number), 0);
  const c = rows.reduce((t, r) => t + (r.candidates as number), 0);
  const bad = rows.filter((r) => r.match === false);
  const unknown = rows.filter((r) => r.match === null).length;
  const head = `**${name}**: ${n(q)} questions and ${
    n(c)
  } candidate sentences in ${rows.length} languages;`;
  if (bad.length === 0) {
    return `${head} every count equals LAReQA's published table (${
      rows.length - unknown
    } of ${rows.length} languages match${
      unknown ? `, ${unknown} without a published count` : ""
    }).`;
  }
  const diffs = bad.map((r) =>
    r.questions !== r.lareqa_questions
      ? `${r.lang}: ${n(r.questions)} questions against ${n(r.lareqa_questions)}`
      : `${r.lang}: ${n(r.candidates)} candidates against ${n(r.lareqa_candidates)}`
  );
  return `${head} ${
    rows.length - bad.length - unknown
  } of ${rows.length} languages match LAReQA's table (${diffs.join("; ")}).`;
}

/**
 * How close the MLQA-R rebuilt from the MLQA dev split is to LAReQA's files
 * (`rebuildTable` rows).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rebuildFinding } from "./data_findings.ts";
 * const rows = [
 *   { lang: "ar", difference: -1, overlap: 0.976, within_tolerance: true, same_answer_sentence: "515/517" },
 *   { lang: "en", difference: 2, overlap: 0.993, within_tolerance: true, same_answer_sentence: "1142/1148" },
 * ];
 * assert.match(rebuildFinding(rows), /within the tolerance in 2 of 2 languages.*−1 … \+2.*97\.6–99\.3%.*1,657 of 1,665/);
 * ```
 */
export function rebuildFinding(rows: readonly Row[]): string {
  if (rows.length === 0) return "Nothing was rebuilt.";
  const ok = rows.filter((r) => r.within_tolerance === true).length;
  const d = rows.map((r) => r.difference as number);
  const o = rows.map((r) => 100 * (r.overlap as number));
  const [same, all] = rows.map((r) => String(r.same_answer_sentence).split("/").map(Number))
    .reduce(([a, b], [x, y]) => [a + x, b + y], [0, 0]);
  const sign = (x: number) => (x > 0 ? `+${x}` : x < 0 ? `−${-x}` : "0");
  const lo = Math.min(...d), hi = Math.max(...d);
  return `**The rebuild** is within the tolerance in ${ok} of ${rows.length} languages: candidates differ by ${
    lo === hi ? sign(lo) : `${sign(lo)} … ${sign(hi)}`
  } sentences per language, ${Math.min(...o).toFixed(1)}–${
    Math.max(...o).toFixed(1)
  }% of LAReQA's sentences are found identical, and ${n(same)} of ${
    n(all)
  } questions get the same answer sentence${
    ok === rows.length
      ? ": a user with only MLQA gets nearly the same pools (the experiments read LAReQA's files)."
      : "."
  }`;
}

/**
 * What the training sets hold (`trainingDataTable` rows), each with the
 * languages of the other sets it lacks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainingSetsFinding } from "./data_findings.ts";
 * const rows = [
 *   { set: "P1 (ICT)", languages: "ar de en", train_examples: 2692, valid_examples: 316, groups: 376 },
 *   { set: "base", languages: "ar de el en vi", train_examples: 100, valid_examples: 10, groups: 90 },
 * ];
 * assert.match(trainingSetsFinding(rows), /P1 \(ICT\) 2,692 training and 316 validation examples in 376 groups \(3 languages; not el, vi\)/);
 * ```
 */
export function trainingSetsFinding(rows: readonly Row[]): string {
  const langs = (r: Row) => String(r.languages).split(/\s+/).filter(Boolean);
  const all = [...new Set(rows.flatMap(langs))].sort();
  const sets = rows.map((r) => {
    const missing = all.filter((l) => !langs(r).includes(l));
    return `${r.set} ${n(r.train_examples)} training and ${
      n(r.valid_examples)
    } validation examples in ${n(r.groups)} groups (${langs(r).length} languages${
      missing.length ? `; not ${missing.join(", ")}` : ""
    })`;
  });
  return `**Training sets**: ${
    sets.join("; ")
  }. Notebook 06 checks that no training text occurs in an evaluated set.`;
}
