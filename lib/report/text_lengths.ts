/**
 * How long the evaluation texts are in tokens, and how many a length limit
 * would cut: a dense model encodes at most `max_length` tokens of a text
 * (its prefix and special tokens included), while BM25 reads it whole.
 *
 * @module
 */

import type { LareqaDataset } from "../data/types.ts";
import type { TextTokenizer } from "../data/tokenizer.ts";
import { type Prompts, STANDIN_PROMPTS } from "../model/encoder.ts";
import type { Row } from "../util/row.ts";

/** The `q`-quantile of sorted `values` (nearest rank: the ⌈q·n⌉-th smallest). */
function nearestRank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/**
 * One row per dataset and role (questions encoded as queries, candidates as
 * passages, each with its prompt): texts, median / 95th-percentile / longest
 * length in tokens (nearest rank), and for each limit `L` in `limits` the
 * share of texts longer than `L` (`over_L`), which an encoder cutting at `L`
 * would truncate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textLengthTable } from "./text_lengths.ts";
 * import { loadXquadR } from "../data/xquad_r.ts";
 * import { tinyTokenizer, writeTinyDataDir } from "../data/_testing.ts";
 * const ds = await loadXquadR({ dataDir: await writeTinyDataDir(), langs: ["de", "en"] });
 * const rows = textLengthTable([ds], await tinyTokenizer(), [4, 512]);
 * assert.deepEqual(rows.map((r) => r.texts), ["questions", "candidates"]);
 * assert.equal(rows[1].over_512, 0); // no tiny sentence is that long
 * assert.ok((rows[1].over_4 as number) > 0 && (rows[1].max_tokens as number) > 4);
 * ```
 */
export function textLengthTable(
  datasets: readonly LareqaDataset[],
  tokenizer: TextTokenizer,
  limits: readonly number[],
  prompts: Prompts = STANDIN_PROMPTS,
): Row[] {
  const rows: Row[] = [];
  for (const ds of datasets) {
    for (const role of ["query", "passage"] as const) {
      const lengths: number[] = [];
      for (const lang of ds.languages) {
        const texts = role === "query"
          ? ds.byLang[lang].questions.map((q) => q.text)
          : ds.byLang[lang].candidates.map((c) => c.text);
        for (const t of texts) lengths.push(tokenizer.encode(prompts[role] + t).length);
      }
      lengths.sort((a, b) => a - b);
      const row: Row = {
        dataset: ds.name,
        texts: role === "query" ? "questions" : "candidates",
        n: lengths.length,
        median_tokens: lengths.length ? nearestRank(lengths, 0.5) : null,
        p95_tokens: lengths.length ? nearestRank(lengths, 0.95) : null,
        max_tokens: lengths.length ? lengths[lengths.length - 1] : null,
      };
      for (const limit of limits) {
        const over = lengths.filter((n) => n > limit).length;
        row[`over_${limit}`] = lengths.length ? over / lengths.length : null;
      }
      rows.push(row);
    }
  }
  return rows;
}

/** A share as a percentage: one decimal, or two significant digits below 1% (not a false 0.0%). */
function pct(x: unknown): string {
  const p = 100 * (x as number);
  return p === 0 ? "0%" : p < 1 ? `${p.toPrecision(2)}%` : `${p.toFixed(1)}%`;
}

/**
 * The finding of {@linkcode textLengthTable}: per dataset, the share of
 * candidates each limit cuts, named by what the limit is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textLengthFinding } from "./text_lengths.ts";
 * const rows = [{ dataset: "xquad-r", texts: "candidates", n: 10, over_64: 0.3, over_512: 0.00046 }];
 * assert.equal(
 *   textLengthFinding(rows, { 64: "the training length", 512: "the evaluation length" }),
 *   "Candidates longer than the training length (64 tokens): xquad-r 30.0%; " +
 *     "longer than the evaluation length (512 tokens): xquad-r 0.046%.",
 * );
 * ```
 */
export function textLengthFinding(
  rows: readonly Row[],
  limits: Record<number, string>,
): string {
  const candidates = rows.filter((r) => r.texts === "candidates");
  const parts = Object.entries(limits).map(([limit, what]) => {
    const shares = candidates.map((r) => `${r.dataset} ${pct(r[`over_${limit}`])}`).join(", ");
    return `longer than ${what} (${limit} tokens): ${shares}`;
  });
  if (!parts.length) return "No length limits to compare.";
  const text = parts.join("; ");
  return `Candidates ${text}.`;
}
