/**
 * Runs and qrels in TREC format, read as trec_eval reads them.
 *
 * - qrels: `qid iter docid rel`, exactly 4 whitespace-separated fields; `iter`
 *   is ignored; `rel` read as C `atol` reads it (`1.0` and `2.7` read as 1
 *   and 2).
 * - run: `qid Q0 docid rank score runid`, at least 6 fields (more are
 *   ignored); `Q0` and `rank` are ignored (the ranking comes from the scores,
 *   see `ranking.ts`); `score` read as C `atof` reads a decimal number,
 *   `inf`/`infinity`/`nan` included (any case, signed); the run id is the
 *   last line's.
 *
 * Whitespace is C `isspace` (space, tab, CR, LF, VT, FF). Blank lines and
 * lines whose first non-blank character is `#` are skipped (trec_eval's
 * comment lines; a `#` inside a field, as in MS MARCO v2.1 docids, is data).
 * A UTF-8 byte-order mark is data, as for trec_eval (it becomes part of the
 * first query id); {@linkcode readRun} and {@linkcode readQrels} report it.
 *
 * Where trec_eval 10.0 would read something other than what the file says,
 * or crash, this reader stops with an `InputError` naming the file, the line
 * and what was expected (deliberate differences, each tested):
 * - a score or relevance that C would read only in part (`1e3` as a
 *   relevance is 1 for `atol`; `0x1p3`, `1.5abc`, `high` as a score are
 *   8, 1.5 and 0 for `atof`) is refused;
 * - a relevance above 1,000,000 is refused (trec_eval allocates one counter
 *   per level and fails: `Can't calculate measure`);
 * - bytes that are not UTF-8 are refused (trec_eval compares raw bytes;
 *   this reader works on text and would otherwise merge distinct ids);
 * - a blank line in a qrels file is skipped (trec_eval stops);
 * - a (qid, docid) judged twice is refused before anything is printed
 *   (trec_eval prints the queries before it, then stops).
 * A document retrieved twice for one query is caught when the run is
 * evaluated (`ranking.ts`), since trec_eval only rejects it within the top
 * `-M`. A missing file, a directory or an unreadable file is an `InputError`
 * naming it.
 *
 * @module
 */

import { writeFileAtomic } from "../util/atomic.ts";
import { InputError } from "../util/errors.ts";
import { forEachLine } from "../util/text_lines.ts";
import { rankOrder } from "./ranking.ts";
import type { Qrels, Ranking, Run } from "./types.ts";

/** A run in column form, as read from a file. */
export interface RunColumns {
  /** Document ids, in file order. */
  docids: string[];
  /** Scores, parallel to `docids`. */
  scores: number[];
}

/** A run file's contents. */
export interface ParsedRun {
  /** Query id → retrieved documents (file order), queries in first-seen order. */
  run: Map<string, RunColumns>;
  /** The run id of the last line (`""` for an empty run). */
  runid: string;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Splits a line into at most `max` whitespace-separated fields.
 *
 * @returns The number of fields found (up to `max`; `max + 1` means "more").
 */
function splitFields(line: string, out: string[], max: number): number {
  const len = line.length;
  let n = 0;
  let i = 0;
  for (;;) {
    while (i < len && isSpace(line.charCodeAt(i))) i++;
    if (i >= len) return n;
    if (n === max) return n + 1;
    const start = i;
    while (i < len && !isSpace(line.charCodeAt(i))) i++;
    out[n++] = line.slice(start, i);
  }
}

/** True for a blank line or one whose first non-blank character is `#`. */
function isSkipped(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (!isSpace(c)) return c === 35;
  }
  return true;
}

/** Parses qrels line by line. */
class QrelsParser {
  qrels: Qrels = new Map();
  #f: string[] = [];
  constructor(private source: string) {}

  line(line: string, lineNo: number): void {
    if (isSkipped(line)) return;
    const f = this.#f;
    const n = splitFields(line, f, 4);
    if (n !== 4) {
      throw new InputError(
        `Cannot read qrels: line ${lineNo} of ${this.source} has ${
          n > 4 ? "more than 4" : n
        } fields, expected 4 (qid iter docid rel)`,
      );
    }
    const rel = parseRel(f[3]);
    if (typeof rel === "string") {
      throw new InputError(
        `Cannot read qrels: line ${lineNo} of ${this.source} has relevance "${f[3]}", ${rel}`,
      );
    }
    let q = this.qrels.get(f[0]);
    if (!q) this.qrels.set(f[0], q = new Map());
    if (q.has(f[2])) {
      throw new InputError(
        `Cannot read qrels: line ${lineNo} of ${this.source} judges document ${f[2]} for query ${
          f[0]
        } a second time, expected one judgement per (query, document)`,
      );
    }
    q.set(f[2], rel);
  }
}

/** The largest relevance accepted (trec_eval allocates `max_rel + 1` counters). */
export const MAX_RELEVANCE = 1_000_000;

/**
 * A relevance as C `atol` reads it, for text that `atol` reads whole (an
 * integer, or a decimal whose fraction `atol` drops); otherwise what was
 * expected, in words.
 */
function parseRel(text: string): number | string {
  const m = /^([+-]?\d+)(\.\d*)?$/.exec(text);
  if (!m) {
    const prefix = /^[+-]?\d+/.exec(text);
    return prefix
      ? `expected an integer (trec_eval's atol would read only its first part, ${prefix[0]})`
      : "expected an integer";
  }
  const n = Number(m[1]);
  if (n > MAX_RELEVANCE) {
    return `expected an integer ≤ ${MAX_RELEVANCE} (trec_eval allocates one counter per level)`;
  }
  return n === 0 ? 0 : n; // no -0
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(?:(inf|infinity)|(nan(?:\([0-9A-Za-z_]*\))?))$/i;

/**
 * A score as C `atof` reads it, for text `atof` reads whole: a decimal
 * number, or `inf`, `infinity`, `nan`, `nan(…)` in any case, signed.
 * `undefined` for anything else (hex floats, trailing characters, words).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseScore } from "./trec_io.ts";
 * assert.equal(parseScore("2.5e-1"), 0.25);
 * assert.equal(parseScore("-INF"), -Infinity);
 * assert(Number.isNaN(parseScore("nan")!));
 * assert.equal(parseScore("0x1p3"), undefined);
 * ```
 */
export function parseScore(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  const m = SPECIAL.exec(text);
  if (!m) return undefined;
  if (m[2]) return m[1] === "-" ? -Infinity : Infinity;
  return NaN;
}

/** Parses run lines. */
class RunParser {
  run = new Map<string, RunColumns>();
  runid = "";
  #f: string[] = [];
  #lastQid = "";
  #last: RunColumns | undefined;
  constructor(private source: string) {}

  line(line: string, lineNo: number): void {
    if (isSkipped(line)) return;
    const f = this.#f;
    const n = splitFields(line, f, 6);
    if (n < 6) {
      throw new InputError(
        `Cannot read run: line ${lineNo} of ${this.source} has ${n} fields, expected 6 (qid Q0 docid rank score runid)`,
      );
    }
    const score = parseScore(f[4]);
    if (score === undefined) {
      throw new InputError(
        `Cannot read run: line ${lineNo} of ${this.source} has score "${f[4]}", expected a number`,
      );
    }
    let cols = this.#last;
    if (cols === undefined || this.#lastQid !== f[0]) {
      cols = this.run.get(f[0]);
      if (!cols) this.run.set(f[0], cols = { docids: [], scores: [] });
      this.#last = cols;
      this.#lastQid = f[0];
    }
    cols.docids.push(f[2]);
    cols.scores.push(score);
    this.runid = f[5];
  }
}

function forEachLineOf(text: string, fn: (line: string, lineNo: number) => void): void {
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let nl = text.indexOf("\n", start);
    if (nl < 0) nl = text.length;
    fn(text.slice(start, nl), ++lineNo);
    start = nl + 1;
  }
}

/** Options of {@linkcode readQrels} and {@linkcode readRun}. */
export interface ReadOptions {
  /** Receives warnings (a byte-order mark at the start of the file). */
  onWarning?: (message: string) => void;
}

function forEachLineIn(
  path: string,
  what: string,
  fn: (line: string, lineNo: number) => void,
  options: ReadOptions,
): Promise<void> {
  return forEachLine(path, what, fn, {
    keepBom: true,
    onBom: (first) =>
      options.onWarning?.(
        `${path} starts with a UTF-8 byte-order mark; as for trec_eval it is part of the ` +
          `first query id, which therefore is not "${/^\S*/.exec(first)![0]}"`,
      ),
  });
}

/**
 * Parses qrels text.
 *
 * @param text The file's contents.
 * @param source Name for error messages.
 * @returns query → docid → relevance.
 * @throws {InputError} On a malformed line or a repeated judgement.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseQrels } from "./trec_io.ts";
 * const q = parseQrels("# judged by NIST\n301 0 FT-1 1\n301 0 FT-2 0\n");
 * assert(q.get("301")!.get("FT-1") === 1);
 * ```
 */
export function parseQrels(text: string, source = "qrels"): Qrels {
  const p = new QrelsParser(source);
  forEachLineOf(text, (l, n) => p.line(l, n));
  return p.qrels;
}

/**
 * Reads a qrels file (streamed).
 *
 * @param path The file.
 * @returns query → docid → relevance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readQrels } from "./trec_io.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/qrels.test`, "q1 0 d1 1\nq1 0 d2 0\nq1 0 d3 1\n");
 * await Deno.writeTextFile(`${dir}/results.test`, "q1 Q0 d1 1 0.9 run1\nq1 Q0 d2 2 0.8 run1\nq1 Q0 d3 3 0.7 run1\n");
 * const qrels = await readQrels(`${dir}/qrels.test`);
 * assert.deepEqual([...qrels.get("q1")!], [["d1", 1], ["d2", 0], ["d3", 1]]);
 * ```
 */
export async function readQrels(path: string, options: ReadOptions = {}): Promise<Qrels> {
  const p = new QrelsParser(path);
  await forEachLineIn(path, "qrels", (l, n) => p.line(l, n), options);
  return p.qrels;
}

/**
 * Parses run text.
 *
 * @param text The file's contents.
 * @param source Name for error messages.
 * @returns The run (column form) and its run id.
 * @throws {InputError} On a malformed line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRun } from "./trec_io.ts";
 * const { run, runid } = parseRun("301 Q0 FT-1 1 2.5 bm25\n301 Q0 FT-2 2 1.5 bm25\n");
 * assert(runid === "bm25" && run.get("301")!.docids.length === 2);
 * ```
 */
export function parseRun(text: string, source = "run"): ParsedRun {
  const p = new RunParser(source);
  forEachLineOf(text, (l, n) => p.line(l, n));
  return { run: p.run, runid: p.runid };
}

/**
 * Reads a run file, streamed in 4 MiB chunks (a 15k-query × 1000-document
 * run never sits in memory as one string).
 *
 * @param path The file.
 * @returns The run (column form) and its run id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRun } from "./trec_io.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/qrels.test`, "q1 0 d1 1\nq1 0 d2 0\nq1 0 d3 1\n");
 * await Deno.writeTextFile(`${dir}/results.test`, "q1 Q0 d1 1 0.9 run1\nq1 Q0 d2 2 0.8 run1\nq1 Q0 d3 3 0.7 run1\n");
 * const { run, runid } = await readRun(`${dir}/results.test`);
 * assert.equal(runid, "run1");
 * assert.deepEqual(run.get("q1")?.docids, ["d1", "d2", "d3"]);
 * ```
 */
export async function readRun(path: string, options: ReadOptions = {}): Promise<ParsedRun> {
  const p = new RunParser(path);
  await forEachLineIn(path, "run", (l, n) => p.line(l, n), options);
  return { run: p.run, runid: p.runid };
}

/** Options of {@linkcode formatRun} / {@linkcode writeRun}. */
export interface FormatRunOptions {
  /** Keep the top N documents of each query. Default: all. */
  depth?: number;
}

function columnsOf(r: Ranking | readonly { docid: string; score: number }[]): Ranking {
  if (!Array.isArray(r)) return r as Ranking;
  const rows = r as readonly { docid: string; score: number }[];
  return { docids: rows.map((e) => e.docid), scores: rows.map((e) => e.score) };
}

/** Yields the run's lines one query at a time. */
function* runChunks(run: Run, runid: string, options: FormatRunOptions): Generator<string> {
  for (const [qid, retrieved] of run) {
    const { docids, scores } = columnsOf(retrieved);
    const order = rankOrder(docids, scores);
    const n = Math.min(order.length, options.depth ?? Infinity);
    let single = true;
    for (let k = 0; k < n && single; k++) {
      single = Math.fround(scores[order[k]]) === scores[order[k]];
    }
    const format = single ? float32String : String;
    let chunk = "";
    for (let k = 0; k < n; k++) {
      const i = order[k];
      chunk += `${qid} Q0 ${docids[i]} ${k + 1} ${format(scores[i])} ${runid}\n`;
    }
    yield chunk;
  }
}

/**
 * The shortest decimal that reads back (rounded to float32) as the float32
 * `x`: `0.37940985` rather than the double form `0.3794098496437073`. Rounding
 * to float32 is monotone, so distinct float32 scores print as decimals in the
 * same order and equal ones print identically: a query's ranking and ties are
 * unchanged when all of its scores are float32 values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { float32String } from "./trec_io.ts";
 * assert(float32String(Math.fround(0.37940985)) === "0.37940985");
 * ```
 */
export function float32String(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  for (let p = 1; p < 9; p++) {
    const s = Number(x.toPrecision(p));
    if (Math.fround(s) === x) return String(s);
  }
  return String(Number(x.toPrecision(9)));
}

/**
 * Formats a run as TREC run text: per query (in the run's order) the
 * documents in trec_eval's ranking, rank from 1, the score printed
 * exactly: in the shortest round-trip form of the double, or, when every
 * score of the query is a float32 value (dense retrieval's scores), of the
 * float32 ({@linkcode float32String}) — about half the bytes, and trec_eval
 * ranks the query identically.
 *
 * @param run The run.
 * @param runid The run id (6th column; no whitespace).
 * @param options Depth.
 * @returns The text.
 * @throws {InputError} When the run id contains whitespace.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRun } from "./trec_io.ts";
 * const text = formatRun(new Map([["q1", { docids: ["a", "b"], scores: [0.1, 0.7] }]]), "dense");
 * assert(text === "q1 Q0 b 1 0.7 dense\nq1 Q0 a 2 0.1 dense\n");
 * ```
 */
export function formatRun(run: Run, runid: string, options: FormatRunOptions = {}): string {
  checkRunid(runid);
  let text = "";
  for (const chunk of runChunks(run, runid, options)) text += chunk;
  return text;
}

/**
 * Writes a run file atomically (see {@linkcode formatRun} for the format).
 *
 * @param path Target file.
 * @param run The run.
 * @param runid The run id.
 * @param options Depth.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRun, writeRun } from "./trec_io.ts";
 * const dir = await Deno.makeTempDir();
 * await writeRun(`${dir}/run.txt`, new Map([["q1", [{ docid: "a", score: 1 }]]]), "x");
 * assert((await readRun(`${dir}/run.txt`)).runid === "x");
 * ```
 */
export async function writeRun(
  path: string,
  run: Run,
  runid: string,
  options: FormatRunOptions = {},
): Promise<void> {
  checkRunid(runid);
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const chunk of runChunks(run, runid, options)) {
    const bytes = enc.encode(chunk);
    parts.push(bytes);
    size += bytes.length;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  await writeFileAtomic(path, all);
}

function checkRunid(runid: string): void {
  if (runid === "" || /[\s]/.test(runid)) {
    throw new InputError(`run id "${runid}" must be one non-empty word without whitespace`);
  }
}
