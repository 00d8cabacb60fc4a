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
 * - `summary.tsv` — a header line, then `setting<TAB>metric<TAB>value` for
 *   (mono|cross) × (map|r1) and multi × (map|r10|language_bias), values to
 *   4 decimals as trec_eval prints them (`metrics.json` has them exact);
 * - `per_query.tsv` — the per-query values in trec_eval `-q`'s tidy form, a
 *   header, then `run<TAB>measure<TAB>qid<TAB>value`: `map` (average
 *   precision) of each query in each run (`{X}-{Y}`, `{X}-all`), and its
 *   `language_bias` (rank distance) in the `{X}-all` run; queries the
 *   evaluation skips (no answer in that language) have no line;
 * - `per_query.json` — the same values as arrays aligned with each
 *   language's question ids (what the pipeline caches);
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

/** A value as the TSV files print it: 4 decimals, as trec_eval (integers as they are). */
export function tsvValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

/**
 * The summary: a header, then `setting<TAB>metric<TAB>value` lines (values
 * to 4 decimals).
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
 * const [header, ...lines] = summaryTsv(result).trimEnd().split("\n");
 * assert.equal(header, "setting\tmetric\tvalue");
 * assert.equal(lines[0], "mono\tmap\t1");
 * assert.deepEqual(lines.map((l) => l.split("\t").slice(0, 2).join(" ")), [
 *   "mono map", "mono r1", "cross map", "cross r1", "multi map", "multi r10", "multi language_bias",
 * ]);
 * assert.ok(lines.every((l) => /\t(\d+|\d+\.\d{4})$/.test(l)));
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
  return "setting\tmetric\tvalue\n" +
    rows.map(([s, m, v]) => `${s}\t${m}\t${tsvValue(v)}\n`).join("");
}

/**
 * The per-query values in trec_eval `-q`'s tidy form: a header, then
 * `run<TAB>measure<TAB>qid<TAB>value` (`map` per run, `language_bias` in the
 * `{X}-all` runs), skipped queries left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perQueryTsv } from "./lareqa_export.ts";
 * import { evaluateLareqa } from "./lareqa.ts";
 * import { Bm25Scorer } from "./scorers.ts";
 * import { loadXquadR } from "../data/xquad_r.ts";
 * import { tinyTokenizer, writeTinyDataDir } from "../data/_testing.ts";
 * const ds = await loadXquadR({ dataDir: await writeTinyDataDir(), langs: ["de", "en"] });
 * const result = evaluateLareqa(ds, new Bm25Scorer(await tinyTokenizer()), { progress: false });
 * const [header, first, ...rest] = perQueryTsv(result).trimEnd().split("\n");
 * assert.equal(header, "run\tmeasure\tqid\tvalue");
 * assert.equal(first, "de-de\tmap\tde:q1\t1");
 * assert.ok(rest.some((l) => l.startsWith("en-all\tlanguage_bias\ten:")));
 * ```
 */
export function perQueryTsv(r: LareqaResult): string {
  const lines = ["run\tmeasure\tqid\tvalue"];
  const add = (run: string, measure: string, lang: string, values: Float64Array) => {
    const qids = r.perQuery.qids[lang];
    values.forEach((v, i) => {
      if (!Number.isNaN(v)) lines.push(`${run}\t${measure}\t${lang}:${qids[i]}\t${tsvValue(v)}`);
    });
  };
  for (const x of r.langs) {
    for (const y of r.langs) {
      const values = x === y ? r.perQuery.mono[x] : r.perQuery.cross[`${x}-${y}`];
      if (values) add(`${x}-${y}`, "map", x, values);
    }
    if (r.perQuery.multi[x]) add(`${x}-all`, "map", x, r.perQuery.multi[x]);
    if (r.perQuery.bias[x]) add(`${x}-all`, "language_bias", x, r.perQuery.bias[x]);
  }
  return lines.join("\n") + "\n";
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
 * Writes runs, qrels, `summary.tsv`, `metrics.json`, `per_query.tsv` and
 * `per_query.json` into `dir` (each file atomically). Returns the paths
 * written.
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
  const perQueryTable = join(dir, "per_query.tsv");
  await writeTextFileAtomic(perQueryTable, perQueryTsv(r));
  written.push(summary, metrics, perQuery, perQueryTable);
  return written;
}
