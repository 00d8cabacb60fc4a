/**
 * What `deno task eval` writes for reviewers to re-check with their own tools:
 *
 * - `runs/{X}-{Y}.trec` (mono and cross) and `runs/{X}-all.trec` (multi) —
 *   TREC runs (`qid Q0 docid rank score runid`) with the dataset ids (query
 *   `{lang}:{qid}`, candidate `{lang}:{p}:{s}`), at the chosen depth (0 = the
 *   full ranking); scores are printed so that they read back as the exact
 *   float32 values, so trec_eval breaks ties as the evaluation did;
 * - `qrels/{X}-{Y}.qrels` and `qrels/{X}-all.qrels` — the relevance of each
 *   run's queries (only the collection's candidates), so that
 *   `trec_eval -m map -m recall.1 qrels/X-Y.qrels runs/X-Y.trec` reproduces
 *   the pair's values (with `--depth 0`);
 * - `summary.tsv` — `setting<TAB>metric<TAB>value` for (mono|cross) ×
 *   (map|r1) and multi × (map|r10|language_bias);
 * - `metrics.json` — everything, per language and per pair, with the config,
 *   model and git revision.
 *
 * @module
 */

import { join } from "node:path";
import { writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import type { KeptRun, LareqaResult } from "./lareqa.ts";

/**
 * Formats a kept ranking as TREC run lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatKeptRun } from "./lareqa_export.ts";
 * const run = { name: "en-de", queries: [{ id: "en:q1", docs: ["de:0:1"], scores: [0.5] }], qrels: new Map() };
 * assert(formatKeptRun(run, "x") === "en:q1 Q0 de:0:1 1 0.5 x\n");
 * ```
 */
export function formatKeptRun(run: KeptRun, runid: string): string {
  const lines: string[] = [];
  for (const q of run.queries) {
    for (let i = 0; i < q.docs.length; i++) {
      lines.push(`${q.id} Q0 ${q.docs[i]} ${i + 1} ${q.scores[i]} ${runid}`);
    }
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/**
 * Formats a kept ranking's relevance judgements as TREC qrels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatKeptQrels } from "./lareqa_export.ts";
 * const run = { name: "en-de", queries: [], qrels: new Map([["en:q1", ["de:0:1"]]]) };
 * assert(formatKeptQrels(run) === "en:q1 0 de:0:1 1\n");
 * ```
 */
export function formatKeptQrels(run: KeptRun): string {
  const lines: string[] = [];
  for (const [qid, docs] of run.qrels) for (const d of docs) lines.push(`${qid} 0 ${d} 1`);
  return lines.length ? lines.join("\n") + "\n" : "";
}

/**
 * The summary lines: `setting<TAB>metric<TAB>value`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryTsv } from "./lareqa_export.ts";
 * import { evaluateLareqa } from "./lareqa.ts";
 * import { Bm25Scorer } from "./scorers.ts";
 * import { loadXquadR } from "../data/xquad_r.ts";
 * import { tinyTokenizer, writeTinyDataDir } from "../data/_testing.ts";
 * const ds = await loadXquadR({ dataDir: await writeTinyDataDir(), langs: ["de", "en"] });
 * const result = evaluateLareqa(ds, new Bm25Scorer(await tinyTokenizer()), { progress: false });
 * const lines = summaryTsv(result).trimEnd().split("\n");
 * assert.deepEqual(lines[0], "mono\tmap\t1");
 * assert.deepEqual(lines.map((l) => l.split("\t").slice(0, 2).join(" ")), [
 *   "mono map", "mono r1", "cross map", "cross r1", "multi map", "multi r10", "multi language_bias",
 * ]);
 * ```
 */
export function summaryTsv(r: LareqaResult): string {
  const rows: [string, string, number][] = [
    ["mono", "map", r.mono.map],
    ["mono", "r1", r.mono.r1],
    ["cross", "map", r.cross.map],
    ["cross", "r1", r.cross.r1],
    ["multi", "map", r.multi.map],
    ["multi", "r10", r.multi.r10],
    ["multi", "language_bias", r.multi.languageBias],
  ];
  return rows.map(([s, m, v]) => `${s}\t${m}\t${v}`).join("\n") + "\n";
}

/** The JSON-able summary of a result (no per-query arrays, no runs). */
export type LareqaSummary = Pick<
  LareqaResult,
  "dataset" | "scorer" | "langs" | "queries" | "mono" | "cross" | "multi"
>;

/** Per-query values as JSON: arrays aligned with `qids[X]`, `null` where a query was skipped. */
export interface PerQueryValues {
  qids: Record<string, string[]>;
  mono: Record<string, (number | null)[]>;
  cross: Record<string, (number | null)[]>;
  multi: Record<string, (number | null)[]>;
  bias: Record<string, (number | null)[]>;
}

/** The JSON-able part of a result (no per-query arrays, no runs). */
export function resultSummary(r: LareqaResult): LareqaSummary {
  return {
    dataset: r.dataset,
    scorer: r.scorer,
    langs: r.langs,
    queries: r.queries,
    mono: r.mono,
    cross: r.cross,
    multi: r.multi,
  };
}

/** Per-query arrays as JSON (NaN → null). */
export function perQueryJson(r: LareqaResult): PerQueryValues {
  const conv = (rec: Record<string, Float64Array>) =>
    Object.fromEntries(
      Object.entries(rec).map(([k, v]) => [k, Array.from(v, (x) => (Number.isNaN(x) ? null : x))]),
    );
  return {
    qids: r.perQuery.qids,
    mono: conv(r.perQuery.mono),
    cross: conv(r.perQuery.cross),
    multi: conv(r.perQuery.multi),
    bias: conv(r.perQuery.bias),
  };
}

/**
 * Writes runs, qrels, `summary.tsv`, `metrics.json` and `per_query.json` into
 * `dir` (each file atomically). Returns the paths written.
 */
export async function writeLareqaOutputs(
  dir: string,
  r: LareqaResult,
  meta: Record<string, unknown>,
): Promise<string[]> {
  const written: string[] = [];
  const runid = String(meta.runid ?? r.scorer).replace(/\s+/g, "_");
  for (const run of r.runs) {
    const runPath = join(dir, "runs", `${run.name}.trec`);
    const qrelsPath = join(dir, "qrels", `${run.name}.qrels`);
    await writeTextFileAtomic(runPath, formatKeptRun(run, runid));
    await writeTextFileAtomic(qrelsPath, formatKeptQrels(run));
    written.push(runPath, qrelsPath);
  }
  const summary = join(dir, "summary.tsv");
  await writeTextFileAtomic(summary, summaryTsv(r));
  const metrics = join(dir, "metrics.json");
  await writeJsonAtomic(metrics, { ...meta, ...resultSummary(r) });
  const perQuery = join(dir, "per_query.json");
  await writeJsonAtomic(perQuery, perQueryJson(r));
  written.push(summary, metrics, perQuery);
  return written;
}
