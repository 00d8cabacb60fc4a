/**
 * The XQuAD-R / MLQA-R pools in BEIR's layout, so that BEIR, pyserini or
 * any tool that reads BEIR datasets scores exactly the collections
 * `deno task eval` scores: one BEIR dataset per retrieval problem —
 *
 * - `mono/{X}/` and `cross/{X}-{Y}/`: the questions of language X against the
 *   candidate sentences of language Y;
 * - `multi/{X}/`: the questions of X against the pool of every language's
 *   candidates, every translation of the answer relevant —
 *
 * each with `corpus.jsonl` (`{"_id", "title": "", "text"}`, the candidates in
 * file order), `queries.jsonl` (`{"_id", "text"}`) and `qrels/test.tsv`
 * (`query-id<TAB>corpus-id<TAB>score` after a header line). Ids are the
 * evaluation's (`{lang}:{qid}`, `{lang}:{p}:{s}`), so TREC runs of either side
 * compare line by line. The paper's macro-averages are means over these
 * datasets' mAP (mono over X, cross over X ≠ Y, multi over X).
 *
 * @module
 */

import { join } from "node:path";
import { relevantCandidates } from "../data/lareqa.ts";
import type { LareqaDataset, Question } from "../data/types.ts";
import { writeTextFileAtomic } from "../util/atomic.ts";
import { InputError } from "../util/errors.ts";

/** One retrieval problem of the evaluation as a BEIR dataset. */
export interface BeirPool {
  /** `mono/{X}`, `cross/{X}-{Y}` or `multi/{X}`. */
  path: string;
  corpus: { _id: string; title: string; text: string }[];
  queries: { _id: string; text: string }[];
  qrels: [string, string, number][];
}

/** Options of {@linkcode lareqaBeirPools}. */
export interface BeirPoolOptions {
  /** Languages (default: all of the dataset). */
  langs?: readonly string[];
  /** The first N questions of each language (0: all). */
  maxQueries?: number;
}

/**
 * Every retrieval problem of the evaluation (mono, cross, multi) as a BEIR
 * dataset; a question is in a problem only when it has an answer there (as
 * the evaluation skips the others).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lareqaBeirPools } from "./lareqa_beir.ts";
 * import { loadXquadR } from "../data/xquad_r.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * const ds = await loadXquadR({ dataDir: await writeTinyDataDir(), langs: ["de", "en"] });
 * const pools = lareqaBeirPools(ds);
 * assert.deepEqual(pools.map((p) => p.path), ["mono/de", "cross/de-en", "multi/de", "cross/en-de", "mono/en", "multi/en"]);
 * const multi = pools.find((p) => p.path === "multi/de")!;
 * assert.equal(multi.corpus.length, ds.byLang.de.candidates.length + ds.byLang.en.candidates.length);
 * assert.deepEqual(multi.qrels.filter(([q]) => q === "de:q1").map(([, d]) => d), ["de:0:0", "en:0:0"]);
 * ```
 */
export function lareqaBeirPools(ds: LareqaDataset, options: BeirPoolOptions = {}): BeirPool[] {
  const langs = [...(options.langs ?? ds.languages)];
  for (const l of langs) {
    if (!ds.byLang[l]) {
      throw new InputError(
        `Unknown language "${l}" for ${ds.name}; expected one of ${ds.languages.join(", ")}`,
      );
    }
  }
  const max = options.maxQueries ?? 0;
  const corpusOf = (ls: readonly string[]) =>
    ls.flatMap((l) => ds.byLang[l].candidates.map((c) => ({ _id: c.id, title: "", text: c.text })));
  const inLangs = (id: string, ls: readonly string[]) => ls.some((l) => id.startsWith(`${l}:`));
  const problem = (path: string, qs: Question[], ls: readonly string[]): BeirPool => {
    const qrels: [string, string, number][] = [];
    const queries: BeirPool["queries"] = [];
    for (const q of qs) {
      const rel = relevantCandidates(ds, q.qid).filter((d) => inLangs(d, ls));
      if (rel.length === 0) continue;
      queries.push({ _id: q.id, text: q.text });
      for (const d of rel) qrels.push([q.id, d, 1]);
    }
    return { path, corpus: corpusOf(ls), queries, qrels };
  };
  const out: BeirPool[] = [];
  for (const x of langs) {
    const qs = max > 0 ? ds.byLang[x].questions.slice(0, max) : ds.byLang[x].questions;
    for (const y of langs) {
      out.push(problem(x === y ? `mono/${x}` : `cross/${x}-${y}`, qs, [y]));
    }
    out.push(problem(`multi/${x}`, qs, langs));
  }
  return out;
}

const jsonl = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r) + "\n").join("");

/**
 * Writes {@linkcode lareqaBeirPools} under `dir` (`{path}/corpus.jsonl`,
 * `queries.jsonl`, `qrels/test.tsv`), each file atomically. Returns the
 * paths written.
 */
export async function writeLareqaBeir(
  dir: string,
  ds: LareqaDataset,
  options: BeirPoolOptions = {},
): Promise<string[]> {
  const written: string[] = [];
  for (const p of lareqaBeirPools(ds, options)) {
    const base = join(dir, p.path);
    const files: [string, string][] = [
      [join(base, "corpus.jsonl"), jsonl(p.corpus)],
      [join(base, "queries.jsonl"), jsonl(p.queries)],
      [
        join(base, "qrels", "test.tsv"),
        "query-id\tcorpus-id\tscore\n" + p.qrels.map((r) => r.join("\t") + "\n").join(""),
      ],
    ];
    for (const [path, text] of files) {
      await writeTextFileAtomic(path, text);
      written.push(path);
    }
  }
  return written;
}
