/**
 * Reads BEIR SciFact (`corpus.jsonl`, `queries.jsonl`, `qrels/test.tsv`) for
 * the BM25 check and benchmark, and scores a run with nDCG@10 (trec_eval's
 * `ndcg_cut_10`: gain = relevance, discount log2(rank + 1), averaged over the
 * queries with relevance judgements). Kept local so retrieval does not depend
 * on `lib/data` loaders or `lib/metrics`.
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";

/** SciFact as the BM25 check needs it. */
export interface SciFact {
  docIds: string[];
  docTexts: string[];
  queryIds: string[];
  queryTexts: string[];
  /** query id → doc id → relevance. */
  qrels: Map<string, Map<string, number>>;
}

function readJsonl(path: string): Record<string, unknown>[] {
  const lines = Deno.readTextFileSync(path).split("\n");
  const out: Record<string, unknown>[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      out.push(JSON.parse(line));
    } catch (err) {
      throw new InputError(
        `Cannot read ${path}: line ${i + 1} is not JSON (${(err as Error).message})`,
      );
    }
  });
  return out;
}

/**
 * Loads BEIR SciFact: documents as `title + " " + text`, the test queries.
 *
 * @param dir The `beir/scifact` folder.
 */
export function loadSciFact(dir: string): SciFact {
  const corpus = readJsonl(join(dir, "corpus.jsonl"));
  const queries = readJsonl(join(dir, "queries.jsonl"));
  const qrels = new Map<string, Map<string, number>>();
  const qrelPath = join(dir, "qrels", "test.tsv");
  Deno.readTextFileSync(qrelPath).split("\n").forEach((line, i) => {
    if (i === 0 || line.trim() === "") return; // header
    const fields = line.split("\t");
    if (fields.length !== 3) {
      throw new InputError(
        `Cannot read qrels: line ${i + 1} of ${qrelPath} has ${fields.length} fields, expected 3`,
      );
    }
    const [q, d, rel] = fields;
    if (!qrels.has(q)) qrels.set(q, new Map());
    qrels.get(q)!.set(d, Number(rel));
  });
  const tested = queries.filter((q) => qrels.has(String(q._id)));
  return {
    docIds: corpus.map((d) => String(d._id)),
    docTexts: corpus.map((d) => `${d.title ?? ""} ${d.text ?? ""}`),
    queryIds: tested.map((q) => String(q._id)),
    queryTexts: tested.map((q) => String(q.text)),
    qrels,
  };
}

/**
 * Mean nDCG@10 of ranked lists (trec_eval's `ndcg_cut_10`).
 *
 * @param ranked Per query id, the ranked doc ids.
 * @param qrels Relevance judgements.
 */
export function meanNdcg10(
  ranked: Map<string, string[]>,
  qrels: Map<string, Map<string, number>>,
): number {
  let sum = 0, n = 0;
  for (const [q, rels] of qrels) {
    const list = ranked.get(q) ?? [];
    let dcg = 0;
    list.slice(0, 10).forEach((d, i) => (dcg += (rels.get(d) ?? 0) / Math.log2(i + 2)));
    const ideal = [...rels.values()].filter((r) => r > 0).sort((a, b) => b - a).slice(0, 10);
    const idcg = ideal.reduce((s, r, i) => s + r / Math.log2(i + 2), 0);
    if (idcg > 0) {
      sum += dcg / idcg;
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}
