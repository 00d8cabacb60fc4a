/**
 * BEIR datasets in the standard BEIR layout, read from the data directory:
 * `beir/<name>/corpus.jsonl` (`{"_id", "title", "text"}` per line),
 * `queries.jsonl` (`{"_id", "text"}`) and `qrels/<split>.tsv`
 * (`query-id<TAB>corpus-id<TAB>score` after a header line). Files are read
 * line by line, so large corpora are never held as one string.
 *
 * Like BEIR's `GenericDataLoader`, only the queries that have qrels in the
 * split are kept: those are the queries that are evaluated.
 *
 * Unlike it, nothing is dropped silently: a document or query id given twice
 * with different contents, and a (query, document) pair judged twice (which
 * trec_eval rejects too), are errors naming both lines; an exact repeat of a
 * document or query is kept once. Bytes that are not UTF-8 are an error
 * naming the file and the line (BEIR's loader would replace them).
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { forEachLine } from "../util/text_lines.ts";
import { datasetPath, resolveDataDir } from "./data_dir.ts";

/** One BEIR document. */
export interface BeirDoc {
  /** Title (`""` when the corpus has none). */
  title: string;
  /** Body text. */
  text: string;
}

/** A BEIR dataset for one split. */
export interface BeirDataset {
  /** Dataset name, e.g. `"scifact"`. */
  name: string;
  /** The qrels split read, e.g. `"test"`. */
  split: string;
  /** Every document, by id. */
  corpus: Map<string, BeirDoc>;
  /** The evaluated queries: those with qrels in the split, by id, in queries.jsonl order. */
  queries: Map<string, string>;
  /** Relevance judgements: query id → doc id → grade. */
  qrels: Map<string, Map<string, number>>;
  /** Number of queries in queries.jsonl (all splits). */
  queriesInFile: number;
  /** Number of judgement lines in the qrels file. */
  qrelsLines: number;
}

/** Options of {@linkcode loadBeir}. */
export interface BeirOptions {
  /** Data directory (default: `XLIR_DATA`, else `data/`). */
  dataDir?: string;
  /** Qrels split (`qrels/<split>.tsv`). Default `"test"`. */
  split?: string;
}

/** Calls `fn` with each non-blank line of `path` (UTF-8, `\r\n` or `\n`) and its number. */
function eachLine(path: string, what: string, fn: (n: number, line: string) => void) {
  return forEachLine(path, what, (line, n) => {
    if (line.trim() !== "") fn(n, line);
  }, { stripCR: true });
}

/** Where each id was first seen, to name both lines of a conflict. */
class FirstSeen {
  #lines = new Map<string, number>();
  constructor(readonly path: string, readonly what: string) {}
  record(key: string, n: number): void {
    if (!this.#lines.has(key)) this.#lines.set(key, n);
  }
  /** An error for line `n`; `detail(first)` says what conflicts with line `first`. */
  conflict(key: string, n: number, detail: (first: number) => string): InputError {
    return new InputError(
      `Cannot read ${this.what}: line ${n} of ${this.path} ${detail(this.#lines.get(key)!)}`,
    );
  }
}

function parseJsonLine(
  line: string,
  n: number,
  path: string,
  what: string,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new InputError(
      `Cannot read ${what}: line ${n} of ${path} is not valid JSON (${(err as Error).message})`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(`Cannot read ${what}: line ${n} of ${path} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function idOf(obj: Record<string, unknown>, n: number, path: string, what: string): string {
  const id = obj._id;
  if (typeof id === "string" && id !== "") return id;
  if (typeof id === "number") return String(id);
  throw new InputError(
    `Cannot read ${what}: line ${n} of ${path} has no "_id", expected a non-empty string`,
  );
}

function textOf(
  obj: Record<string, unknown>,
  key: string,
  n: number,
  path: string,
  what: string,
  optional: boolean,
): string {
  const v = obj[key];
  if (typeof v === "string") return v;
  if ((v === undefined || v === null) && optional) return "";
  throw new InputError(
    `Cannot read ${what}: line ${n} of ${path} has no string "${key}"` +
      (v === undefined ? "" : ` (got ${typeof v})`),
  );
}

/**
 * Reads a BEIR `corpus.jsonl`, streaming.
 *
 * @param path The file.
 * @returns Documents by id.
 * @throws {InputError} Naming the file and line on bad JSON, a missing `_id`
 *   or `text`, an id given twice with different contents, or bytes that are not UTF-8.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBeirCorpus } from "./beir.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"_id": "d1", "title": "T", "text": "body"}\n');
 * assert((await readBeirCorpus(p)).get("d1")?.text === "body");
 * ```
 */
export async function readBeirCorpus(path: string): Promise<Map<string, BeirDoc>> {
  const what = "BEIR corpus";
  const corpus = new Map<string, BeirDoc>();
  const seen = new FirstSeen(path, what);
  await eachLine(path, what, (n, line) => {
    const obj = parseJsonLine(line, n, path, what);
    const id = idOf(obj, n, path, what);
    const doc = {
      title: textOf(obj, "title", n, path, what, true),
      text: textOf(obj, "text", n, path, what, false),
    };
    const before = corpus.get(id);
    if (before && (before.title !== doc.title || before.text !== doc.text)) {
      throw seen.conflict(
        id,
        n,
        (first) =>
          `gives document "${id}" another title or text than line ${first} does; ` +
          `expected one document per _id`,
      );
    }
    seen.record(id, n);
    corpus.set(id, doc);
  });
  return corpus;
}

/**
 * Reads a BEIR `queries.jsonl`, streaming.
 *
 * @param path The file.
 * @returns Query text by id, in file order.
 * @throws {InputError} Naming the file and line on bad JSON, a missing `_id`
 *   or `text`, an id given twice with different texts, or bytes that are not UTF-8.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBeirQueries } from "./beir.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"_id": "q1", "text": "what?"}\n');
 * assert((await readBeirQueries(p)).get("q1") === "what?");
 * ```
 */
export async function readBeirQueries(path: string): Promise<Map<string, string>> {
  const what = "BEIR queries";
  const queries = new Map<string, string>();
  const seen = new FirstSeen(path, what);
  await eachLine(path, what, (n, line) => {
    const obj = parseJsonLine(line, n, path, what);
    const id = idOf(obj, n, path, what);
    const text = textOf(obj, "text", n, path, what, false);
    const before = queries.get(id);
    if (before !== undefined && before !== text) {
      throw seen.conflict(
        id,
        n,
        (first) =>
          `gives query "${id}" another text than line ${first} does; expected one text per _id`,
      );
    }
    seen.record(id, n);
    queries.set(id, text);
  });
  return queries;
}

/**
 * Reads a BEIR qrels file (`query-id<TAB>corpus-id<TAB>score`, first line a
 * header, which is skipped when its score column is not a number).
 *
 * @param path The file.
 * @returns Judgements (query id → doc id → grade) and the number of judgement lines.
 * @throws {InputError} Naming the file and line on a line without 3 fields, a
 *   non-integer score, a (query, document) judged twice, or bytes that are not UTF-8.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBeirQrels } from "./beir.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
 * assert((await readBeirQrels(p)).qrels.get("q1")?.get("d1") === 1);
 * ```
 */
export async function readBeirQrels(
  path: string,
): Promise<{ qrels: Map<string, Map<string, number>>; lines: number }> {
  const what = "BEIR qrels";
  const qrels = new Map<string, Map<string, number>>();
  let lines = 0;
  const seen = new FirstSeen(path, what);
  await eachLine(path, what, (n, line) => {
    const fields = line.split("\t");
    if (fields.length !== 3) {
      throw new InputError(
        `Cannot read ${what}: line ${n} of ${path} has ${fields.length} field${
          fields.length === 1 ? "" : "s"
        }, expected 3 (query-id, corpus-id, score)`,
      );
    }
    const [qid, docid, score] = fields;
    if (n === 1 && !/^-?\d+$/.test(score.trim())) return; // header
    const grade = Number(score);
    if (!Number.isInteger(grade) || score.trim() === "") {
      throw new InputError(
        `Cannot read ${what}: line ${n} of ${path} has score "${score}", expected an integer`,
      );
    }
    let judged = qrels.get(qid);
    if (!judged) qrels.set(qid, judged = new Map());
    const key = `${qid}\u0000${docid}`;
    if (judged.has(docid)) {
      throw seen.conflict(
        key,
        n,
        (first) =>
          `judges document "${docid}" for query "${qid}" a second time (first on line ${first}); ` +
          `expected one judgement per (query, document), as trec_eval`,
      );
    }
    seen.record(key, n);
    judged.set(docid, grade);
    lines++;
  });
  return { qrels, lines };
}

/**
 * Loads a BEIR dataset from `beir/<name>/` in the data directory.
 *
 * @param name Dataset folder name, e.g. `"scifact"`.
 * @param options Data directory and split.
 * @returns Corpus, evaluated queries (those with qrels in the split) and qrels.
 * @throws {InputError} When a file is missing (saying what to download) or malformed, or
 * when the qrels name a query that queries.jsonl lacks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadBeir } from "./beir.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const ds = await loadBeir("toy", { dataDir: await writeTinyDataDir() });
 * assert.deepEqual([ds.corpus.size, ds.queries.size], [3, 2]); // SciFact: 5,183 and 300
 * assert.equal(ds.qrels.get("q2")?.get("d3"), 1);
 * ```
 */
export async function loadBeir(name: string, options: BeirOptions = {}): Promise<BeirDataset> {
  const split = options.split ?? "test";
  const dir = datasetPath(`beir/${name}`, options.dataDir ?? resolveDataDir());
  const corpusPath = join(dir, "corpus.jsonl");
  const queriesPath = join(dir, "queries.jsonl");
  const qrelsPath = join(dir, "qrels", `${split}.tsv`);
  const missing: string[] = [];
  for (const p of [corpusPath, queriesPath, qrelsPath]) {
    try {
      await Deno.stat(p);
    } catch {
      missing.push(p);
    }
  }
  if (missing.length > 0) {
    throw new InputError(
      `Cannot load BEIR ${name} (${split}): missing ${missing.join(", ")}. ` +
        `Download it with \`deno task download beir/${name}\`.`,
    );
  }
  const { qrels, lines } = await readBeirQrels(qrelsPath);
  const allQueries = await readBeirQueries(queriesPath);
  const queries = new Map<string, string>();
  for (const [qid, text] of allQueries) if (qrels.has(qid)) queries.set(qid, text);
  for (const qid of qrels.keys()) {
    if (!allQueries.has(qid)) {
      throw new InputError(
        `Cannot load BEIR ${name}: ${qrelsPath} judges query "${qid}", which ${queriesPath} lacks`,
      );
    }
  }
  const corpus = await readBeirCorpus(corpusPath);
  return { name, split, corpus, queries, qrels, queriesInFile: allQueries.size, qrelsLines: lines };
}
