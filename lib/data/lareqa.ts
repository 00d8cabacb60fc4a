/**
 * The shared core of the LAReQA-style loaders (XQuAD-R, MLQA-R and its rebuild):
 * reading SQuAD-layout JSON with precise errors, turning paragraphs split into
 * sentences into questions and candidates, relevance and statistics.
 *
 * What a candidate is (as in LAReQA's own evaluation code, whose candidate uid
 * is `{lang}_{paragraph}_{sentence position}`): one sentence *position*, never
 * deduplicated. Two identical sentences in different paragraphs are two
 * candidates, and only the one in the question's paragraph is relevant; two
 * identical sentences in the *same* paragraph are both relevant when one of
 * them holds the answer (LAReQA marks every sentence of the paragraph equal to
 * the answer sentence). The answer sentence is the one whose `[start, end)`
 * range holds `answer_start`.
 *
 * @module
 */

import type { Candidate, LareqaDataset, LareqaLanguage, Question } from "./types.ts";
import { InputError } from "../util/errors.ts";

/** Question and candidate counts of one language. */
export interface LanguageStats {
  questions: number;
  candidates: number;
}

/** One question of a paragraph, as read from the file. */
export interface RawQuestion {
  /** The question id shared by its translations. */
  qid: string;
  text: string;
  /** `answer_start` of each answer. */
  answerStarts: number[];
  /** JSON path of the question (`data[0].paragraphs[2].qas[1]`), for messages. */
  path: string;
}

/** One paragraph split into sentences, as read from the file (or split here). */
export interface RawParagraph {
  context: string;
  /** Sentence ranges `[start, end)` into `context`. */
  spans: Array<[number, number]>;
  /** Sentence texts (one per span). */
  sentences: string[];
  questions: RawQuestion[];
  /** JSON path of the paragraph (`data[0].paragraphs[2]`). */
  path: string;
}

/**
 * Reads and parses a JSON file of a dataset.
 *
 * @param path The file.
 * @param what The dataset's name, for messages (`"XQuAD-R"`).
 * @param download The `deno task download` argument that fetches it (`"xquad-r"`).
 * @returns The parsed JSON.
 * @throws {InputError} When the file is missing (saying where it looked and how
 *   to fetch it) or is not valid JSON (e.g. truncated).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJsonFile } from "./lareqa.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/en.json`, '{"data": []}');
 * const json = await readJsonFile(`${dir}/en.json`, "XQuAD-R", "xquad-r");
 * assert(Array.isArray((json as { data: unknown[] }).data));
 * ```
 */
export async function readJsonFile(path: string, what: string, download: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new InputError(
        `Cannot read ${what}: ${path} does not exist; \`deno task download ${download}\` fetches it ` +
          `(the data directory is --data, else $XLIR_DATA, else data/)`,
        { cause: err },
      );
    }
    throw new InputError(`Cannot read ${what}: ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(
      `Cannot read ${what}: ${path} is not valid JSON (${(err as Error).message}); ` +
        `expected a SQuAD-layout object, the file may be truncated`,
      { cause: err },
    );
  }
}

type Obj = Record<string, unknown>;

/** Reads SQuAD-layout JSON field by field, throwing InputErrors that name the file and JSON path. */
class Reader {
  constructor(readonly what: string, readonly file: string) {}

  fail(path: string, expected: string, got?: unknown): never {
    const found = got === undefined ? "is missing" : `is ${describe(got)}`;
    throw new InputError(
      `Cannot read ${this.what}: ${this.file}: ${path} ${found}, expected ${expected}`,
    );
  }

  object(value: unknown, path: string): Obj {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(path, "an object", value);
    }
    return value as Obj;
  }

  array(parent: Obj, key: string, path: string): unknown[] {
    const v = parent[key];
    if (!Array.isArray(v)) this.fail(join(path, key), "an array", v);
    return v;
  }

  string(parent: Obj, key: string, path: string): string {
    const v = parent[key];
    if (typeof v !== "string") this.fail(join(path, key), "a string", v);
    return v;
  }

  int(value: unknown, path: string, expected = "an integer"): number {
    if (typeof value !== "number" || !Number.isInteger(value)) this.fail(path, expected, value);
    return value;
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) {
    const small = v.length <= 4 && v.every((x) => typeof x === "number");
    return small ? JSON.stringify(v) : `an array of ${v.length}`;
  }
  if (typeof v === "string") {
    return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  }
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

/**
 * Walks SQuAD-layout JSON (`data[].paragraphs[].{context, qas[]}`) into
 * paragraphs. With `split` absent, each paragraph must carry LAReQA's
 * `sentences` and `sentence_breaks`; with it, sentences come from `split`.
 *
 * @param json The parsed file.
 * @param what The dataset's name, for messages.
 * @param file The file's path, for messages.
 * @param split Splits a context into sentence ranges (for plain SQuAD files).
 * @returns The paragraphs in file order (across all articles).
 * @throws {InputError} Naming the file and JSON path of a missing or ill-typed field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSquadParagraphs } from "./lareqa.ts";
 * const json = { data: [{ paragraphs: [{
 *   context: "A b. C d.", sentences: ["A b.", "C d."], sentence_breaks: [[0, 4], [5, 9]],
 *   qas: [{ id: "q1", question: "C?", answers: [{ text: "C", answer_start: 5 }] }],
 * }] }] };
 * const [p] = readSquadParagraphs(json, "XQuAD-R", "en.json");
 * assert(p.sentences[1] === "C d." && p.questions[0].answerStarts[0] === 5);
 * ```
 */
export function readSquadParagraphs(
  json: unknown,
  what: string,
  file: string,
  split?: (context: string) => Array<[number, number]>,
): RawParagraph[] {
  const r: Reader = new Reader(what, file);
  const root = r.object(json, "the top level");
  const out: RawParagraph[] = [];
  const data = r.array(root, "data", "");
  for (let a = 0; a < data.length; a++) {
    const aPath = `data[${a}]`;
    const article = r.object(data[a], aPath);
    const paragraphs = r.array(article, "paragraphs", aPath);
    for (let p = 0; p < paragraphs.length; p++) {
      const pPath = `${aPath}.paragraphs[${p}]`;
      const para = r.object(paragraphs[p], pPath);
      const context = r.string(para, "context", pPath);
      let spans: Array<[number, number]>;
      let sentences: string[];
      if (split) {
        spans = split(context);
        sentences = spans.map(([s, e]) => context.slice(s, e));
      } else {
        const breaks = r.array(para, "sentence_breaks", pPath);
        const sents = r.array(para, "sentences", pPath);
        if (sents.length !== breaks.length) {
          r.fail(
            join(pPath, "sentences"),
            `${breaks.length} sentences (one per sentence_breaks entry)`,
            sents,
          );
        }
        spans = breaks.map((b, i) => {
          const bPath = `${pPath}.sentence_breaks[${i}]`;
          const expected = `[start, end] with 0 <= start <= end <= ${context.length}`;
          if (!Array.isArray(b) || b.length !== 2) r.fail(bPath, expected, b);
          const s = r.int(b[0], `${bPath}[0]`, expected);
          const e = r.int(b[1], `${bPath}[1]`, expected);
          if (s < 0 || s > e || e > context.length) r.fail(bPath, expected, [s, e]);
          return [s, e] as [number, number];
        });
        sentences = sents.map((s, i) => {
          if (typeof s !== "string") r.fail(`${pPath}.sentences[${i}]`, "a string", s);
          return s;
        });
      }
      const qas = r.array(para, "qas", pPath);
      const questions: RawQuestion[] = qas.map((q, k) => {
        const qPath = `${pPath}.qas[${k}]`;
        const qa = r.object(q, qPath);
        const qid = r.string(qa, "id", qPath);
        const text = r.string(qa, "question", qPath);
        const answers = r.array(qa, "answers", qPath);
        if (answers.length === 0) r.fail(join(qPath, "answers"), "at least one answer", answers);
        const answerStarts = answers.map((ans, n) => {
          const ansPath = `${qPath}.answers[${n}]`;
          const start = r.object(ans, ansPath).answer_start;
          return r.int(start, `${ansPath}.answer_start`, `an integer offset into the context`);
        });
        return { qid, text, answerStarts, path: qPath };
      });
      out.push({ context, spans, sentences, questions, path: pPath });
    }
  }
  return out;
}

/** A language built from its paragraphs, with the JSON path of each question. */
export interface BuiltLanguage {
  language: LareqaLanguage;
  /** JSON path of each question, parallel to `language.questions`. */
  questionPaths: string[];
}

/**
 * Turns paragraphs into a language's questions, candidates and contexts.
 *
 * Candidate ids are `"{lang}:{p}:{s}"` (paragraph ordinal in file order,
 * sentence index); question ids `"{lang}:{qid}"`. Each question's answers are
 * the sentence whose range holds `answer_start`, plus any sentence of the same
 * paragraph with identical text.
 *
 * @param lang The language code.
 * @param paragraphs The paragraphs, in file order.
 * @param what The dataset's name, for messages.
 * @param file The file's path, for messages.
 * @returns The language and the JSON path of each question.
 * @throws {InputError} When an `answer_start` lies outside every sentence, or a
 *   question id repeats.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildLanguage } from "./lareqa.ts";
 * const { language } = buildLanguage("en", [{
 *   context: "A b. C d.", spans: [[0, 4], [5, 9]], sentences: ["A b.", "C d."], path: "data[0].paragraphs[0]",
 *   questions: [{ qid: "q1", text: "C?", answerStarts: [5], path: "data[0].paragraphs[0].qas[0]" }],
 * }], "XQuAD-R", "en.json");
 * assert(language.questions[0].answers[0] === "en:0:1");
 * ```
 */
export function buildLanguage(
  lang: string,
  paragraphs: readonly RawParagraph[],
  what: string,
  file: string,
): BuiltLanguage {
  const questions: Question[] = [];
  const questionPaths: string[] = [];
  const candidates: Candidate[] = [];
  const contexts: string[] = [];
  const seen = new Map<string, string>();
  paragraphs.forEach((para, p) => {
    contexts.push(para.context);
    para.sentences.forEach((text, s) => {
      candidates.push({ id: `${lang}:${p}:${s}`, lang, paragraph: p, sentence: s, text });
    });
    for (const q of para.questions) {
      const first = seen.get(q.qid);
      if (first !== undefined) {
        throw new InputError(
          `Cannot read ${what}: ${file}: ${q.path}.id "${q.qid}" repeats the id of ${first}, expected unique question ids`,
        );
      }
      seen.set(q.qid, q.path);
      const answers = new Set<string>();
      q.answerStarts.forEach((start, n) => {
        const s = para.spans.findIndex(([b, e]) => b <= start && start < e);
        if (s < 0) {
          throw new InputError(
            `Cannot read ${what}: ${file}: ${q.path}.answers[${n}].answer_start is ${start}, ` +
              `outside every sentence of ${para.path} (${para.spans.length} sentences over ` +
              `${para.context.length} characters), expected an offset inside a sentence`,
          );
        }
        para.sentences.forEach((text, i) => {
          if (i === s || text === para.sentences[s]) answers.add(`${lang}:${p}:${i}`);
        });
      });
      questions.push({
        id: `${lang}:${q.qid}`,
        qid: q.qid,
        lang,
        text: q.text,
        answers: [...answers],
      });
      questionPaths.push(q.path);
    }
  });
  return { language: { lang, questions, candidates, contexts }, questionPaths };
}

/**
 * The candidates relevant to a question id, in every language of the dataset
 * (relevance crosses languages by question id).
 *
 * @param ds The dataset.
 * @param qid The question id shared by the translations (`Question.qid`).
 * @returns Candidate ids, by language order then file order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadXquadR } from "./xquad_r.ts";
 * import { relevantCandidates } from "./lareqa.ts";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const ds = await loadXquadR({ dataDir: await writeTinyDataDir(), langs: ["de", "en"] });
 * assert.deepEqual(relevantCandidates(ds, "q1"), ["de:0:0", "en:0:0"]);
 * ```
 */
export function relevantCandidates(ds: LareqaDataset, qid: string): string[] {
  const out: string[] = [];
  for (const lang of ds.languages) {
    const q = questionIndex(ds.byLang[lang]).get(qid);
    if (q) out.push(...q.answers);
  }
  return out;
}

const indexes = new WeakMap<LareqaLanguage, Map<string, Question>>();
function questionIndex(l: LareqaLanguage): Map<string, Question> {
  let m = indexes.get(l);
  if (!m) {
    m = new Map(l.questions.map((q) => [q.qid, q]));
    indexes.set(l, m);
  }
  return m;
}

/**
 * Per-language question and candidate counts, to compare with the published
 * tables (`XQUAD_R_REFERENCE`, `MLQA_R_REFERENCE`).
 *
 * @param ds The dataset.
 * @returns Counts by language code, in `ds.languages` order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetStats } from "./lareqa.ts";
 * const ds = { name: "x", languages: ["en"], byLang: { en: { lang: "en", questions: [], candidates: [], contexts: [] } } };
 * assert(datasetStats(ds).en.candidates === 0);
 * ```
 */
export function datasetStats(ds: LareqaDataset): Record<string, LanguageStats> {
  const out: Record<string, LanguageStats> = {};
  for (const lang of ds.languages) {
    const l = ds.byLang[lang];
    out[lang] = { questions: l.questions.length, candidates: l.candidates.length };
  }
  return out;
}
