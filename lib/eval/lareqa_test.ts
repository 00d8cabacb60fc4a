import assert from "node:assert/strict";
import { join } from "node:path";
import type { LareqaDataset } from "../data/types.ts";
import { evaluateLareqa } from "./lareqa.ts";
import { writeLareqaOutputs } from "./lareqa_export.ts";
import type { Collection, QuerySet, RowsCallback, RowScorer } from "./scorers.ts";
import { Bm25Scorer } from "./scorers.ts";
import { evaluate, readQrels, readRun } from "../metrics/mod.ts";
import { loadXquadR } from "../data/xquad_r.ts";
import { loadMbertTokenizer, MBERT_VOCAB } from "../data/tokenizer.ts";
import { datasetPath } from "../data/data_dir.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { rankDistance } from "./language_bias.ts";
import { InputError } from "../util/errors.ts";

/**
 * Two languages, MLQA-like: q1 is in en and de, q2 only in en.
 * en candidates: en:0:0 (answer of q1), en:0:1 (answer of q2), en:0:2.
 * de candidates: de:0:0 (answer of q1), de:0:1.
 */
function tinyDataset(): LareqaDataset {
  const cand = (lang: string, s: number, text: string) => ({
    id: `${lang}:0:${s}`,
    lang,
    paragraph: 0,
    sentence: s,
    text,
  });
  return {
    name: "tiny",
    languages: ["de", "en"],
    byLang: {
      en: {
        lang: "en",
        contexts: ["…"],
        candidates: [cand("en", 0, "a"), cand("en", 1, "b"), cand("en", 2, "c")],
        questions: [
          { id: "en:q1", qid: "q1", lang: "en", text: "Q1", answers: ["en:0:0"] },
          { id: "en:q2", qid: "q2", lang: "en", text: "Q2", answers: ["en:0:1"] },
        ],
      },
      de: {
        lang: "de",
        contexts: ["…"],
        candidates: [cand("de", 0, "x"), cand("de", 1, "y")],
        questions: [{ id: "de:q1", qid: "q1", lang: "de", text: "F1", answers: ["de:0:0"] }],
      },
    },
  };
}

/** Scores from a table: score(queryId, candidateId); collection-independent. */
class TableScorer implements RowScorer {
  readonly name = "table";
  readonly collectionIndependent = true;
  constructor(readonly table: Record<string, Record<string, number>>) {}
  scoreQueries(queries: QuerySet, c: Collection, onRows: RowsCallback): void {
    const rows = new Float32Array(queries.ids.length * c.ids.length);
    queries.ids.forEach((q, j) =>
      c.ids.forEach((d, i) => (rows[j * c.ids.length + i] = this.table[q]?.[d] ?? 0))
    );
    onRows(0, queries.ids.length, rows);
  }
}

Deno.test("evaluateLareqa() skips a query for a language without its answer, as LAReQA does", () => {
  const scorer = new TableScorer({
    // en:q1 → pool order: de:0:0 (0.9), en:0:1 (0.8), en:0:0 (0.7), …
    "en:q1": { "de:0:0": 0.9, "en:0:1": 0.8, "en:0:0": 0.7 },
    // en:q2 → en:0:1 first.
    "en:q2": { "en:0:1": 0.9 },
    // de:q1 → en:0:0 (0.9), de:0:1 (0.5), de:0:0 (0.4)
    "de:q1": { "en:0:0": 0.9, "de:0:1": 0.5, "de:0:0": 0.4 },
  });
  const r = evaluateLareqa(tinyDataset(), scorer, { progress: false });
  // mono en: q1's answer at rank 2 within en (en:0:1 0.8 first) → AP 0.5; q2 → 1. mean 0.75.
  assert.equal(r.mono.perLang.en.map, 0.75);
  assert.equal(r.mono.perLang.en.recall, 0.5);
  // mono de: de:q1's answer below de:0:1 → AP 0.5.
  assert.equal(r.mono.perLang.de.map, 0.5);
  // cross en→de: only q1 (q2 has no German answer: skipped) → de:0:0 rank 1 → AP 1.
  assert.deepEqual(r.cross.perPair["en-de"], { map: 1, recall: 1, n: 1 });
  assert.ok(Number.isNaN(r.perQuery.cross["en-de"][1]));
  // cross de→en: en:0:0 rank 1.
  assert.deepEqual(r.cross.perPair["de-en"], { map: 1, recall: 1, n: 1 });
  // multi en:q1: relevant en:0:0 (rank 3) and de:0:0 (rank 1) → AP (1/1 + 2/3)/2; bias 2.
  assert.ok(Math.abs(r.perQuery.multi.en[0] - (1 + 2 / 3) / 2) < 1e-12);
  assert.equal(r.perQuery.bias.en[0], 2);
  // en:q2 exists in one language only: AP 1, no bias.
  assert.equal(r.perQuery.multi.en[1], 1);
  assert.ok(Number.isNaN(r.perQuery.bias.en[1]));
  assert.equal(r.multi.perLang.en.languageBias, 2);
  assert.equal(r.multi.perLang.en.nBias, 1);
  // Macro averages.
  assert.equal(r.mono.map, (0.75 + 0.5) / 2);
  assert.equal(r.cross.map, 1);
  assert.equal(r.multi.languageBias, (2 + r.multi.perLang.de.languageBias) / 2);
});

Deno.test("evaluateLareqa() breaks score ties by candidate id descending", () => {
  // All scores equal: the order is de:0:1, de:0:0 (ids descending) in de.
  const r = evaluateLareqa(tinyDataset(), new TableScorer({}), { progress: false, langs: ["de"] });
  assert.equal(r.mono.perLang.de.map, 0.5);
});

Deno.test("evaluateLareqa() ranks ties by their mean rank for the language measures only", () => {
  // All scores equal: trec_eval's order (ids descending) puts de before en, but the
  // rank distance, own/other ranks and the top-10 share see one tie of 5 candidates.
  const r = evaluateLareqa(tinyDataset(), new TableScorer({}), { progress: false });
  assert.equal(r.multi.perLang.en.languageBias, 0);
  assert.equal(r.multi.perLang.en.ownRank, 3);
  assert.equal(r.multi.perLang.en.otherRank, 3);
  assert.equal(r.multi.perLang.en.top10Own, 3 / 5);
  // mAP keeps trec_eval's docid order: en:q1's answers en:0:0, de:0:0 sit at ranks 3 and 5
  assert.equal(r.perQuery.multi.en[0], (1 / 3 + 2 / 5) / 2);
  assert.equal(r.multi.perLang.en.hit1, 0);
});

Deno.test("evaluateLareqa() names an unknown language", () => {
  assert.throws(
    () => evaluateLareqa(tinyDataset(), new TableScorer({}), { langs: ["fr"], progress: false }),
    (e) =>
      e instanceof InputError &&
      /Unknown language "fr" for tiny; expected one of de, en/.test(e.message),
  );
});

const haveData = exists(join(datasetPath("xquad-r"), "en.json")) &&
  exists(join(datasetPath(MBERT_VOCAB), "tokenizer.json"));

Deno.test({
  name: "summary.tsv agrees with trec_eval's measures on the exported full-depth runs",
  ignore: skipUnless(haveData, "XQuAD-R and the mBERT vocabulary (XLIR_DATA)"),
  async fn() {
    const ds = await loadXquadR({ langs: ["de", "en", "zh"] });
    const scorer = new Bm25Scorer(await loadMbertTokenizer());
    const r = evaluateLareqa(ds, scorer, { maxQueries: 12, runDepth: 0, progress: false });
    const dir = await Deno.makeTempDir();
    await writeLareqaOutputs(dir, r, { runid: "bm25" });
    // metrics.json holds the exact values; summary.tsv the same to 4 decimals (after its header)
    const metrics = JSON.parse(await Deno.readTextFile(join(dir, "metrics.json")));
    const exact: Record<string, number> = {
      "mono.map": metrics.mono.map,
      "mono.r1": metrics.mono.r1,
      "cross.map": metrics.cross.map,
      "cross.r1": metrics.cross.r1,
      "multi.map": metrics.multi.map,
      "multi.r10": metrics.multi.r10,
      "multi.language_bias": metrics.multi.languageBias,
    };
    const summary = new Map(Object.entries(exact));
    const [header, ...lines] = (await Deno.readTextFile(join(dir, "summary.tsv"))).trim().split(
      "\n",
    );
    assert.equal(header, "setting\tmetric\tvalue");
    for (const l of lines) {
      const [s, m, v] = l.split("\t");
      assert.ok(Math.abs(Number(v) - exact[`${s}.${m}`]) <= 5e-5, `${s}.${m}: ${v}`);
    }
    const langs = ["de", "en", "zh"];
    const monoMap: number[] = [],
      monoR1: number[] = [],
      crossMap: number[] = [],
      crossR1: number[] = [];
    const multiMap: number[] = [], multiR10: number[] = [], multiBias: number[] = [];
    for (const x of langs) {
      for (const y of langs) {
        const qrels = await readQrels(join(dir, "qrels", `${x}-${y}.qrels`));
        const { run } = await readRun(join(dir, "runs", `${x}-${y}.trec`));
        const { aggregate } = evaluate(qrels, run, ["map", "recall.1"]);
        (x === y ? monoMap : crossMap).push(aggregate.map);
        (x === y ? monoR1 : crossR1).push(aggregate.recall_1);
      }
      const qrels = await readQrels(join(dir, "qrels", `${x}-all.qrels`));
      const { run } = await readRun(join(dir, "runs", `${x}-all.trec`));
      const { aggregate } = evaluate(qrels, run, ["map", "recall.10"]);
      multiMap.push(aggregate.map);
      multiR10.push(aggregate.recall_10);
      // Language bias from the run: tie-aware ranks (a tie's mean position) of each
      // query's relevant candidates, from the run's scores.
      const biases: number[] = [];
      for (const [qid, rel] of qrels) {
        const { docids, scores } = run.get(qid)!;
        const pos = new Map<string, number>();
        for (let i = 0; i < docids.length;) {
          let j = i;
          while (j < docids.length && scores[j] === scores[i]) j++;
          for (let k = i; k < j; k++) pos.set(docids[k], (i + 1 + j) / 2);
          i = j;
        }
        const docs = [...rel.keys()];
        biases.push(rankDistance(docs.map((d) => pos.get(d)!), docs.map((d) => d.split(":")[0])));
      }
      multiBias.push(biases.reduce((s, v) => s + v, 0) / biases.length);
    }
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const close = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);
    close(summary.get("mono.map")!, mean(monoMap), "mono map");
    close(summary.get("mono.r1")!, mean(monoR1), "mono r1");
    close(summary.get("cross.map")!, mean(crossMap), "cross map");
    close(summary.get("cross.r1")!, mean(crossR1), "cross r1");
    close(summary.get("multi.map")!, mean(multiMap), "multi map");
    close(summary.get("multi.r10")!, mean(multiR10), "multi r10");
    close(summary.get("multi.language_bias")!, mean(multiBias), "language bias");
    // Monolingual BM25 retrieves by lexical overlap: well above chance.
    assert.ok(r.mono.map > 0.3, `BM25 mono mAP ${r.mono.map}`);
  },
});
