/**
 * MIRACL v1.0 dev sets from the data directory: topics
 * (`miracl/topics/topics.miracl-v1.0-{lang}-dev.tsv`, `qid<TAB>text`), qrels
 * (`miracl/qrels/qrels.miracl-v1.0-{lang}-dev.tsv`, TREC `qid Q0 docid rel`)
 * and, when downloaded, the passage corpus
 * (`miracl/corpus/miracl-corpus-v1.0-{lang}/docs-{i}.jsonl.gz`, one
 * `{"docid", "title", "text"}` per line).
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { readLines } from "./archive.ts";
import { resolveDataDir } from "./data_dir.ts";
import { MIRACL_CORPUS_HF, MIRACL_CORPUS_SHARDS, miraclCorpusDir } from "./sources.ts";

/** Languages with MIRACL v1.0 dev topics and qrels, sorted. */
export const MIRACL_LANGUAGES: readonly string[] = Object.keys(MIRACL_CORPUS_SHARDS).sort();

/** One MIRACL passage. */
export interface MiraclDoc {
  /** Wikipedia article title. */
  title: string;
  /** Passage text. */
  text: string;
}

/** One language of MIRACL dev. */
export interface MiraclDataset {
  /** Language code. */
  lang: string;
  /** Query text by id, in file order. */
  topics: Map<string, string>;
  /** Relevance judgements: query id → docid → grade (0 or 1). */
  qrels: Map<string, Map<string, number>>;
  /** Passages by docid (`"{article}#{passage}"`). */
  corpus: Map<string, MiraclDoc>;
}

/** Options of the MIRACL loaders. */
export interface MiraclOptions {
  /** Data directory (default: `XLIR_DATA`, else `data/`). */
  dataDir?: string;
  /** Folder of the corpus shards (default: `miracl/corpus/miracl-corpus-v1.0-{lang}` in the data directory). */
  corpusDir?: string;
}

function checkLang(lang: string): void {
  if (!MIRACL_LANGUAGES.includes(lang)) {
    throw new InputError(
      `Unknown MIRACL language "${lang}", expected one of: ${MIRACL_LANGUAGES.join(", ")}`,
    );
  }
}

async function* numbered(path: string, what: string): AsyncGenerator<[number, string]> {
  try {
    await Deno.stat(path);
  } catch (err) {
    throw new InputError(
      `Cannot read ${what}: ${path} does not exist. Download it with \`deno task download miracl\`.`,
      { cause: err },
    );
  }
  let n = 0;
  for await (const line of readLines(path)) {
    n++;
    if (line.trim() !== "") yield [n, line];
  }
}

/**
 * Loads one language's MIRACL dev topics.
 *
 * @param lang A code of {@linkcode MIRACL_LANGUAGES}.
 * @param options Data directory.
 * @returns Query text by id, in file order.
 * @throws {InputError} On an unknown language, a missing file, or a line without a tab.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMiraclTopics } from "./miracl.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const topics = await loadMiraclTopics("sw", { dataDir: await writeTinyDataDir() });
 * assert.equal(topics.get("2"), "where is paris?"); // 482 topics in the real sw dev set
 * ```
 */
export async function loadMiraclTopics(
  lang: string,
  options: MiraclOptions = {},
): Promise<Map<string, string>> {
  checkLang(lang);
  const dataDir = options.dataDir ?? resolveDataDir();
  const path = join(dataDir, "miracl/topics", `topics.miracl-v1.0-${lang}-dev.tsv`);
  const what = "MIRACL topics";
  const topics = new Map<string, string>();
  for await (const [n, line] of numbered(path, what)) {
    const tab = line.indexOf("\t");
    if (tab <= 0) {
      throw new InputError(
        `Cannot read ${what}: line ${n} of ${path} has no tab, expected "qid<TAB>text"`,
      );
    }
    const qid = line.slice(0, tab);
    if (topics.has(qid)) {
      throw new InputError(`Cannot read ${what}: line ${n} of ${path} repeats query id ${qid}`);
    }
    topics.set(qid, line.slice(tab + 1));
  }
  return topics;
}

/**
 * Loads one language's MIRACL dev qrels (TREC format).
 *
 * @param lang A code of {@linkcode MIRACL_LANGUAGES}.
 * @param options Data directory.
 * @returns Judgements: query id → docid → grade.
 * @throws {InputError} On an unknown language, a missing file, or a line without 4 fields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMiraclQrels } from "./miracl.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const qrels = await loadMiraclQrels("sw", { dataDir: await writeTinyDataDir() });
 * assert.deepEqual([...qrels.get("1")!], [["7#0", 1], ["7#1", 0]]);
 * ```
 */
export async function loadMiraclQrels(
  lang: string,
  options: MiraclOptions = {},
): Promise<Map<string, Map<string, number>>> {
  checkLang(lang);
  const dataDir = options.dataDir ?? resolveDataDir();
  const path = join(dataDir, "miracl/qrels", `qrels.miracl-v1.0-${lang}-dev.tsv`);
  const what = "MIRACL qrels";
  const qrels = new Map<string, Map<string, number>>();
  for await (const [n, line] of numbered(path, what)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 4) {
      throw new InputError(
        `Cannot read ${what}: line ${n} of ${path} has ${fields.length} fields, expected 4 (qid Q0 docid rel)`,
      );
    }
    const [qid, , docid, rel] = fields;
    const grade = Number(rel);
    if (!Number.isInteger(grade)) {
      throw new InputError(
        `Cannot read ${what}: line ${n} of ${path} has relevance "${rel}", expected an integer`,
      );
    }
    let judged = qrels.get(qid);
    if (!judged) qrels.set(qid, judged = new Map());
    judged.set(docid, grade);
  }
  return qrels;
}

/**
 * Finds the corpus shards of one language and checks that all of them are
 * there, before anything is read.
 *
 * @param lang A code of {@linkcode MIRACL_LANGUAGES}.
 * @param options Data directory or corpus folder.
 * @returns Shard paths, in shard order.
 * @throws {InputError} When shards are missing, saying what to download and where it goes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { miraclCorpusShards } from "./miracl.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const shards = await miraclCorpusShards("sw", { dataDir: await writeTinyDataDir() });
 * assert(shards.length === 1 && shards[0].endsWith("miracl-corpus-v1.0-sw/docs-0.jsonl.gz"));
 * ```
 */
export async function miraclCorpusShards(
  lang: string,
  options: MiraclOptions = {},
): Promise<string[]> {
  checkLang(lang);
  const expected = MIRACL_CORPUS_SHARDS[lang];
  const dir = options.corpusDir ?? join(options.dataDir ?? resolveDataDir(), miraclCorpusDir(lang));
  const found = new Map<number, string>();
  try {
    for await (const entry of Deno.readDir(dir)) {
      const m = entry.name.match(/^docs-(\d+)\.jsonl(\.gz)?$/);
      if (m && entry.isFile) found.set(Number(m[1]), join(dir, entry.name));
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const missing: number[] = [];
  for (let i = 0; i < expected; i++) if (!found.has(i)) missing.push(i);
  if (missing.length > 0) {
    const which = found.size === 0
      ? `no shards are there`
      : `shards ${missing.map((i) => `docs-${i}`).join(", ")} are missing`;
    throw new InputError(
      `The MIRACL corpus for "${lang}" is not complete in ${dir}: expected ${expected} shard${
        expected === 1 ? "" : "s"
      } docs-0..${expected - 1}.jsonl.gz, ${which}. ` +
        `Download it with \`deno task download miracl-corpus-${lang}\` ` +
        `(from ${MIRACL_CORPUS_HF}, folder miracl-corpus-v1.0-${lang}/), ` +
        `or pass corpusDir pointing at the shards.`,
    );
  }
  return [...found.keys()].sort((a, b) => a - b).map((i) => found.get(i)!);
}

/**
 * Reads MIRACL corpus shards (`.jsonl` or `.jsonl.gz`), streaming.
 *
 * @param shards Shard paths.
 * @returns Passages by docid.
 * @throws {InputError} Naming the shard and line on bad JSON or a missing field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readMiraclCorpus } from "./miracl.ts";
 * const p = await Deno.makeTempFile({ suffix: ".jsonl" });
 * await Deno.writeTextFile(p, '{"docid": "1#0", "title": "T", "text": "x"}\n');
 * assert((await readMiraclCorpus([p])).get("1#0")?.title === "T");
 * ```
 */
export async function readMiraclCorpus(shards: string[]): Promise<Map<string, MiraclDoc>> {
  const what = "MIRACL corpus";
  const corpus = new Map<string, MiraclDoc>();
  for (const path of shards) {
    let n = 0;
    for await (const line of readLines(path)) {
      n++;
      if (line.trim() === "") continue;
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(line);
      } catch (err) {
        throw new InputError(
          `Cannot read ${what}: line ${n} of ${path} is not valid JSON (${(err as Error).message})`,
        );
      }
      const { docid, title, text } = obj ?? {};
      if (typeof docid !== "string" || typeof text !== "string") {
        throw new InputError(
          `Cannot read ${what}: line ${n} of ${path} lacks a string "docid" or "text"`,
        );
      }
      corpus.set(docid, { title: typeof title === "string" ? title : "", text });
    }
  }
  return corpus;
}

/**
 * Loads one language of MIRACL dev: topics, qrels and corpus. The corpus is
 * checked first, so a missing download fails at once with what to fetch.
 *
 * @param lang A code of {@linkcode MIRACL_LANGUAGES}.
 * @param options Data directory and corpus folder.
 * @returns Topics, qrels and passages.
 * @throws {InputError} When the corpus (or topics/qrels) is missing or malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMiracl } from "./miracl.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const sw = await loadMiracl("sw", { dataDir: await writeTinyDataDir() });
 * assert.deepEqual([sw.topics.size, sw.corpus.size], [2, 3]);
 * ```
 */
export async function loadMiracl(
  lang: string,
  options: MiraclOptions = {},
): Promise<MiraclDataset> {
  const shards = await miraclCorpusShards(lang, options);
  const topics = await loadMiraclTopics(lang, options);
  const qrels = await loadMiraclQrels(lang, options);
  const corpus = await readMiraclCorpus(shards);
  return { lang, topics, qrels, corpus };
}
