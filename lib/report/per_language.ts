/**
 * The per-language results in the shape of the paper's Tables 3–6 — one row
 * per query language, one column per setting and strategy, with the means
 * over languages (all, seen, unseen) under each block — and their finding in
 * words, from the same per-language means (`perLanguageTable`).
 *
 * @module
 */

import { STRATEGY_ORDER } from "./_figure_common.ts";
import { type Row, signed } from "./tables.ts";

/** The measures of the pivot: mAP, or R@1 (mono, cross) and R@10 (multi) as the paper's tables give them. */
export type PivotMeasure = "map" | "recall";

const COLUMNS: Record<PivotMeasure, [string, string][]> = {
  map: [["mono", "mono_map"], ["cross", "cross_map"], ["multi", "multi_map"]],
  recall: [["mono R@1", "mono_r1"], ["cross R@1", "cross_r1"], ["multi R@10", "multi_r10"]],
};

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Pivots `perLanguageTable` rows to language × (setting, strategy): per
 * (protocol, base) a block of one row per query language, then the means over
 * all, the seen and the unseen languages (`lang` = `mean`, `mean seen`,
 * `mean unseen`).
 *
 * @param rows `perLanguageTable` rows of one evaluation set.
 * @param measure `map` or `recall`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perLanguagePivot } from "./per_language.ts";
 * const rows = ["X-X", "hybrid"].flatMap((strategy, i) => ["de", "el"].map((lang) => ({
 *   finetune: "P1", dataset: "xquad-r", base: "aligned", strategy, lang, unseen: lang === "el",
 *   mono_map: 0.5 + i / 10, cross_map: 0.1, multi_map: 0.2, mono_r1: 0.4, cross_r1: 0.05, multi_r10: 0.3,
 * })));
 * const pivot = perLanguagePivot(rows, "map");
 * assert.deepEqual(pivot.map((r) => r.lang), ["de", "el", "mean", "mean seen", "mean unseen"]);
 * assert.equal(pivot[0]["mono hybrid"], 0.6);
 * assert.equal(pivot[0]["mono X-Y"], null);
 * ```
 */
export function perLanguagePivot(rows: readonly Row[], measure: PivotMeasure): Row[] {
  const out: Row[] = [];
  const blocks = [...new Set(rows.map((r) => `${r.finetune}|${r.base}`))];
  const strategies = STRATEGY_ORDER;
  for (const block of blocks) {
    const [finetune, base] = block.split("|");
    const inBlock = rows.filter((r) => r.finetune === finetune && r.base === base);
    const langs = [...new Set(inBlock.map((r) => String(r.lang)))];
    const lines: Row[] = langs.map((lang) => {
      const row: Row = {
        finetune,
        base,
        lang,
        unseen: inBlock.find((r) => r.lang === lang)?.unseen ?? null,
      };
      for (const [label, key] of COLUMNS[measure]) {
        for (const s of strategies) {
          const v = inBlock.find((r) => r.lang === lang && r.strategy === s)?.[key];
          row[`${label} ${s}`] = typeof v === "number" ? v : null;
        }
      }
      return row;
    });
    out.push(...lines);
    const mean = (label: string, sel: Row[]) => {
      if (sel.length === 0) return;
      const row: Row = { finetune, base, lang: label, unseen: null };
      for (const k of Object.keys(lines[0]).slice(4)) {
        const v = sel.map((r) => r[k]).filter((x): x is number => typeof x === "number");
        row[k] = v.length === sel.length ? r4(v.reduce((a, b) => a + b, 0) / v.length) : null;
      }
      out.push(row);
    };
    mean("mean", lines);
    mean("mean seen", lines.filter((r) => r.unseen === false));
    mean("mean unseen", lines.filter((r) => r.unseen === true));
  }
  return out;
}

/** "a … b" of signed differences. */
function _span(xs: readonly number[]): string {
  const lo = signed(Math.min(...xs)), hi = signed(Math.max(...xs));
  return lo === hi ? lo : `${lo} … ${hi}`;
}

/**
 * The per-language finding of one evaluation set: per comparison the paper
 * makes (hybrid against X-X monolingually, against X-Y cross-lingually,
 * against both multilingually), the range of the per-language differences
 * of the means over seeds and in how many languages hybrid is ahead, for seen
 * and unseen languages apart.
 *
 * @param rows `perLanguageTable` rows of one evaluation set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perLanguageFinding } from "./per_language.ts";
 * const rows = ["X-X", "X-Y", "hybrid"].flatMap((strategy, i) => ["de", "el"].map((lang) => ({
 *   finetune: "P1", dataset: "xquad-r", base: "aligned", strategy, lang, unseen: lang === "el",
 *   mono_map: 0.5, cross_map: 0.1 + i / 100, multi_map: 0.2 + i / 100,
 * })));
 * assert.match(perLanguageFinding(rows), /multilingual mAP, hybrid − X-X: seen languages \+0\.020 \(hybrid ahead in 1 of 1\)/);
 * ```
 */
export function perLanguageFinding(rows: readonly Row[]): string {
  if (rows.length === 0) return "No per-language results.";
  const dataset = String(rows[0].dataset);
  const comparisons: [string, string, string][] = [
    ["monolingual", "mono_map", "X-X"],
    ["cross-lingual", "cross_map", "X-Y"],
    ["multilingual", "multi_map", "X-X"],
    ["multilingual", "multi_map", "X-Y"],
  ];
  const key = (r: Row) => `${r.finetune}|${r.base}|${r.lang}`;
  const parts = comparisons.map(([name, col, other]) => {
    const hybrid = new Map(rows.filter((r) => r.strategy === "hybrid").map((r) => [key(r), r]));
    const diffs = rows.filter((r) => r.strategy === other && hybrid.has(key(r))).map((r) => ({
      unseen: r.unseen === true,
      d: (hybrid.get(key(r))![col] as number) - (r[col] as number),
    })).filter((x) => Number.isFinite(x.d));
    const groups = [["seen", diffs.filter((x) => !x.unseen)], [
      "unseen",
      diffs.filter((x) => x.unseen),
    ]]
      .filter(([, g]) => (g as unknown[]).length > 0)
      .map(([label, g]) => {
        const ds = (g as { d: number }[]).map((x) => x.d);
        const ahead = ds.filter((d) => d > 0).length;
        return `${label} languages ${_span(ds)} (hybrid ahead in ${ahead} of ${ds.length})`;
      });
    return `${name} mAP, hybrid − ${other}: ${groups.join("; ")}`;
  });
  return `**${dataset}, per language** (differences of means over seeds, per protocol, base and query language; no per-language test): ${
    parts.join(". ")
  }. The paper expects hybrid to match X-X monolingually and X-Y cross-lingually, and to lead multilingually.`;
}
