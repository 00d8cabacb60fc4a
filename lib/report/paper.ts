/**
 * The paper's own numbers (Elmahdy, Lin & Ahmad 2024, arXiv 2408.10536):
 * Tables 1–3 and the setup of section 3.1, kept as data in
 * `data/paper/elmahdy2024.json` (committed, imported with the module, so a
 * fresh clone has it), validated here, and looked up by the tables that print
 * them beside the measured values. The stand-in bases map to the paper's:
 * `unaligned` → XLM-R, `aligned` → LaBSE.
 *
 * Effects are differences between strategies (`a − b`), computed from
 * Table 1 (mAP) and Table 2 (rank distance), never stored.
 *
 * @module
 */

import RAW from "../../data/paper/elmahdy2024.json" with { type: "json" };
import { InputError } from "../util/errors.ts";

/** Where the paper's data lives in the checkout. */
export const PAPER_PATH = "data/paper/elmahdy2024.json";

/** The paper's base models. */
export type PaperBase = "XLM-R" | "LaBSE";

/**
 * The paper's base each stand-in replaces; the real checkpoints
 * (`configs/experiment.real.json`) are named as the paper names them.
 */
export const STAND_IN: Readonly<Record<string, PaperBase>> = {
  unaligned: "XLM-R",
  aligned: "LaBSE",
  "XLM-R": "XLM-R",
  LaBSE: "LaBSE",
};

/** The settings and the bias, as the paper's tables name them here. */
export type PaperSetting = "mono" | "cross" | "multi" | "bias";

/** One row of Table 1 (mAP). */
export interface PaperMapRow {
  base: PaperBase;
  strategy: string;
  dataset: string;
  mono: number;
  cross: number;
  multi: number;
}

/** One row of Table 2 (mean rank distance). */
export interface PaperBiasRow {
  base: PaperBase;
  strategy: string;
  dataset: string;
  bias: number;
}

/** One row of Table 3 (XLM-R on XQuAD-R, means over source languages). */
export interface PaperTable3Row {
  strategy: string;
  map_mono: number;
  map_cross: number;
  map_multi: number;
  r1_mono: number;
  r1_cross: number;
  r1_multi: number;
}

/** The paper as data. */
export interface Paper {
  citation: { authors: string; year: number; title: string; arxiv: string; url: string };
  setup: Record<string, unknown> & { datasetsInTables: string[]; unseenLanguages: string[] };
  table1: { caption: string; rows: PaperMapRow[] };
  table2: { caption: string; rows: PaperBiasRow[] };
  table3: {
    caption: string;
    note?: string;
    base: PaperBase;
    dataset: string;
    rows: PaperTable3Row[];
  };
}

const STRATEGIES = ["X-X", "X-Y", "hybrid"];
const DATASETS = ["xquad-r", "mlqa-r"];

function need(ok: boolean, source: string, where: string, expected: string, value: unknown): void {
  if (!ok) {
    throw new InputError(
      `${source}: ${where} is ${JSON.stringify(value)}, expected ${expected}`,
    );
  }
}

function checkRow(
  row: Record<string, unknown>,
  where: string,
  source: string,
  numbers: readonly string[],
  keys: readonly string[] = ["base", "strategy", "dataset"],
): void {
  if (keys.includes("base")) {
    need(
      row.base === "XLM-R" || row.base === "LaBSE",
      source,
      `${where}.base`,
      "XLM-R or LaBSE",
      row.base,
    );
  }
  need(
    STRATEGIES.includes(row.strategy as string),
    source,
    `${where}.strategy`,
    STRATEGIES.join(", "),
    row.strategy,
  );
  if (keys.includes("dataset")) {
    need(
      DATASETS.includes(row.dataset as string),
      source,
      `${where}.dataset`,
      DATASETS.join(" or "),
      row.dataset,
    );
  }
  for (const k of numbers) {
    need(
      typeof row[k] === "number" && Number.isFinite(row[k]),
      source,
      `${where}.${k}`,
      "a number",
      row[k],
    );
  }
}

/**
 * Validates the paper's data (every table row has its base, strategy, dataset
 * and finite numbers; Tables 1 and 2 cover every base × strategy × dataset).
 *
 * @param raw The parsed JSON (default: the committed file).
 * @param source Named in errors.
 * @throws {InputError} naming the file, the field and its value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./paper.ts";
 * const paper = loadPaper();
 * assert.equal(paper.table1.rows.length, 12);
 * assert.equal(paper.citation.arxiv, "2408.10536");
 * ```
 */
export function loadPaper(raw: unknown = RAW, source = PAPER_PATH): Paper {
  need(raw !== null && typeof raw === "object", source, "the file", "a JSON object", typeof raw);
  const p = raw as Record<string, Record<string, unknown>>;
  for (const k of ["citation", "setup", "table1", "table2", "table3"]) {
    need(p[k] !== undefined && typeof p[k] === "object", source, `"${k}"`, "an object", p[k]);
  }
  const rows = (t: string) => {
    const r = p[t].rows;
    need(Array.isArray(r) && r.length > 0, source, `${t}.rows`, "a non-empty array", r);
    return r as Record<string, unknown>[];
  };
  rows("table1").forEach((r, i) =>
    checkRow(r, `table1.rows[${i}]`, source, ["mono", "cross", "multi"])
  );
  rows("table2").forEach((r, i) => checkRow(r, `table2.rows[${i}]`, source, ["bias"]));
  rows("table3").forEach((r, i) =>
    checkRow(
      r,
      `table3.rows[${i}]`,
      source,
      ["map_mono", "map_cross", "map_multi", "r1_mono", "r1_cross", "r1_multi"],
      ["strategy"],
    )
  );
  for (const t of ["table1", "table2"]) {
    for (const base of ["XLM-R", "LaBSE"]) {
      for (const dataset of DATASETS) {
        for (const strategy of STRATEGIES) {
          const n = rows(t).filter((r) =>
            r.base === base && r.dataset === dataset && r.strategy === strategy
          ).length;
          need(n === 1, source, `${t}'s rows for ${base} ${strategy} ${dataset}`, "exactly one", n);
        }
      }
    }
  }
  return raw as Paper;
}

/** The paper, validated once. */
export const PAPER: Paper = loadPaper();

/**
 * The paper's base for a stand-in name (`"aligned"` → LaBSE,
 * `"unaligned"` → XLM-R); `undefined` for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paperBaseOf } from "./paper.ts";
 * assert.equal(paperBaseOf("aligned"), "LaBSE");
 * assert.equal(paperBaseOf("—"), undefined);
 * ```
 */
export function paperBaseOf(standIn: string): PaperBase | undefined {
  return STAND_IN[standIn];
}

/**
 * The paper's value for a stand-in base, dataset, strategy and setting
 * (Table 1 mAP, or Table 2 rank distance for `bias`); `null` when the paper
 * has none (a strategy or base it did not run).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paperValue } from "./paper.ts";
 * assert.equal(paperValue("unaligned", "xquad-r", "X-X", "mono"), 0.792);
 * assert.equal(paperValue("aligned", "mlqa-r", "hybrid", "bias"), 195);
 * assert.equal(paperValue("aligned", "xquad-r", "BM25", "mono"), null);
 * ```
 */
export function paperValue(
  standIn: string,
  dataset: string,
  strategy: string,
  setting: PaperSetting,
  paper: Paper = PAPER,
): number | null {
  const base = paperBaseOf(standIn);
  if (!base) return null;
  if (setting === "bias") {
    const r = paper.table2.rows.find((r) =>
      r.base === base && r.dataset === dataset && r.strategy === strategy
    );
    return r ? r.bias : null;
  }
  const r = paper.table1.rows.find((r) =>
    r.base === base && r.dataset === dataset && r.strategy === strategy
  );
  return r ? r[setting] : null;
}

/**
 * The paper's effect `a − b` (strategies) for a stand-in base, dataset and
 * setting; `null` when either side has no paper value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paperEffect } from "./paper.ts";
 * // X-Y costs .037 monolingual mAP against X-X (XLM-R, XQuAD-R)
 * assert.equal(paperEffect("unaligned", "xquad-r", "X-Y", "X-X", "mono"), -0.037);
 * ```
 */
export function paperEffect(
  standIn: string,
  dataset: string,
  a: string,
  b: string,
  setting: PaperSetting,
  paper: Paper = PAPER,
): number | null {
  const va = paperValue(standIn, dataset, a, setting, paper);
  const vb = paperValue(standIn, dataset, b, setting, paper);
  if (va === null || vb === null) return null;
  return Math.round((va - vb) * 1e6) / 1e6;
}

/**
 * A one-line citation for captions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { citationText } from "./paper.ts";
 * assert.match(citationText(), /Elmahdy, Lin & Ahmad \(2024\), arXiv:2408\.10536/);
 * ```
 */
export function citationText(paper: Paper = PAPER): string {
  const c = paper.citation;
  return `${c.authors} (${c.year}), arXiv:${c.arxiv}`;
}
