import assert from "node:assert/strict";
import { join } from "node:path";
import { writeTinyDataDir } from "../data/_testing.ts";
import { loadIctExamples } from "../data/ict.ts";
import { loadMlqaR } from "../data/mlqa_r.ts";
import { buildQaPairs } from "../data/qa_pairs.ts";
import { loadMbertTokenizer } from "../data/tokenizer.ts";
import type { LareqaDataset, ParallelExample } from "../data/types.ts";
import { loadXquadR } from "../data/xquad_r.ts";
import { tinyTokenizer } from "../model/_testing.ts";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { resolveConfig } from "./config.ts";
import { ictHardNegatives, mineBm25Negatives, qaHardNegatives } from "./hard_negatives.ts";
import { buildTrainingSet } from "./training_set.ts";

const DATA = Deno.env.get("XLIR_DATA") ?? "";
const HAS_QA = DATA !== "" && exists(join(DATA, "xquad-r")) && exists(join(DATA, "mlqa-r")) &&
  exists(join(DATA, "vocab"));
const HAS_ICT = DATA !== "" && exists(join(DATA, "parallel/ntrex128")) &&
  exists(join(DATA, "parallel/flores200")) && exists(join(DATA, "vocab"));

/**
 * Checks P2 negatives against the dataset: each is a candidate sentence of its own
 * language, and no answer (by id or by text) of its question there.
 */
function checkQa(ds: LareqaDataset, examples: readonly ParallelExample[]): number {
  let checked = 0;
  for (const lang of ds.languages) {
    const data = ds.byLang[lang];
    const textOf = new Map(data.candidates.map((c) => [c.id, c.text]));
    const texts = new Set(textOf.values());
    const answers = new Map(data.questions.map((q) => [q.qid, q.answers]));
    for (const e of examples) {
      const t = e.texts[lang];
      if (t === undefined) continue;
      const answerTexts = new Set(
        answers.get(e.id.slice(ds.name.length + 1))!.map((id) => textOf.get(id)),
      );
      assert.ok(t.negative !== undefined, `${e.id} ${lang}: no negative`);
      assert.ok(!answerTexts.has(t.negative), `${e.id} ${lang}: the negative is an answer`);
      assert.notEqual(t.negative, t.passage, `${e.id} ${lang}: the negative is the passage`);
      assert.ok(texts.has(t.negative), `${e.id} ${lang}: the negative is not a ${lang} candidate`);
      checked++;
    }
  }
  return checked;
}

Deno.test({
  name:
    "qaHardNegatives() on XQuAD-R and MLQA-R: never a positive, always a candidate of the passage's language",
  ignore: skipUnless(HAS_QA, "XLIR_DATA with xquad-r/, mlqa-r/ and vocab/"),
  async fn() {
    const tok = await loadMbertTokenizer(DATA);
    for (const ds of [await loadXquadR({ dataDir: DATA }), await loadMlqaR({ dataDir: DATA })]) {
      const pairs = buildQaPairs(ds);
      const { examples, stats } = qaHardNegatives(pairs, ds, tok);
      const checked = checkQa(ds, examples);
      assert.equal(stats.mined, checked);
      assert.ok(stats.mean_score > 0 && stats.zero_score < checked / 100, JSON.stringify(stats));
      // The inputs are untouched (copies), the ids and groups kept.
      assert.ok(pairs.every((e) => Object.values(e.texts).every((t) => t.negative === undefined)));
      assert.deepEqual(examples.map((e) => [e.id, e.group]), pairs.map((e) => [e.id, e.group]));
    }
  },
});

Deno.test({
  name:
    "ictHardNegatives() on NTREX + FLORES: never from the example's own document, always in its language",
  ignore: skipUnless(HAS_ICT, "XLIR_DATA with parallel/ and vocab/"),
  async fn() {
    const languages = ["de", "en", "zh"];
    const loaded = await loadIctExamples({ dataDir: DATA, languages });
    const { examples, stats } = ictHardNegatives(loaded, await loadMbertTokenizer(DATA));
    const byLang = new Map<string, Map<string, string[]>>(); // lang → passage text → groups
    for (const e of loaded) {
      for (const [lang, t] of Object.entries(e.texts)) {
        const m = byLang.get(lang) ?? new Map<string, string[]>();
        byLang.set(lang, m);
        m.set(t.passage, [...(m.get(t.passage) ?? []), e.group]);
      }
    }
    for (const e of examples) {
      for (const [lang, t] of Object.entries(e.texts)) {
        const groups = byLang.get(lang)!.get(t.negative!);
        assert.ok(groups !== undefined, `${e.id} ${lang}: the negative is not a ${lang} passage`);
        assert.ok(
          !groups.includes(e.group),
          `${e.id} ${lang}: the negative is of its own document`,
        );
      }
    }
    assert.equal(stats.mined, loaded.length * languages.length);
  },
});

Deno.test("mineBm25Negatives() is deterministic and mined once per process for the same inputs", async () => {
  const tok = await tinyTokenizer();
  const pools = {
    en: { ids: ["a", "b", "c", "d"], texts: ["the cat sat.", "the mat.", "the dog.", "paris."] },
  };
  const tasks = [
    {
      example: "x",
      lang: "en",
      query: "the cat sat on the mat",
      passage: "the mat.",
      positives: ["b"],
    },
    { example: "y", lang: "en", query: "zzz", passage: "paris.", positives: ["d"] },
  ];
  const first = mineBm25Negatives(tasks, pools, tok);
  assert.equal(first[0].id, "a");
  // No shared term: the zero-score tail, by docid descending, first non-positive.
  assert.deepEqual(first[1], { id: "c", text: "the dog.", score: 0 });
  assert.equal(mineBm25Negatives(tasks.map((t) => ({ ...t })), { ...pools }, tok), first);
  const other = mineBm25Negatives([tasks[0]], pools, tok);
  assert.notEqual(other, first);
  assert.deepEqual(other, [first[0]]);
});

Deno.test("mineBm25Negatives() leaves out copies of a positive and fails when only positives are left", async () => {
  const tok = await tinyTokenizer();
  const pools = {
    en: { ids: ["a", "b", "c"], texts: ["the cat sat.", "the cat sat.", "the dog."] },
  };
  const task = {
    example: "x",
    lang: "en",
    query: "the cat sat",
    passage: "the cat sat.",
    positives: ["a"],
  };
  assert.equal(mineBm25Negatives([task], pools, tok)[0].id, "c"); // b is a copy of the positive
  assert.throws(
    () => mineBm25Negatives([{ ...task, positives: ["a", "c"] }], pools, tok),
    (e) =>
      e instanceof InputError &&
      /every one of the 3 passages in en is a positive of x/.test(e.message),
  );
  assert.throws(
    () => mineBm25Negatives([{ ...task, lang: "fr" }], pools, tok),
    (e) => e instanceof InputError && /no passages in fr to mine from \(x\)/.test(e.message),
  );
});

Deno.test('buildTrainingSet() with data.hardNegatives "bm25" gives every example a negative per language (qa, ict)', async () => {
  const dataDir = await writeTinyDataDir();
  for (
    const data of [
      { protocol: "qa", dataset: "xquad-r", languages: ["de", "en"], validFraction: 0 },
      { protocol: "ict", languages: ["de", "en"], validFraction: 0 },
    ]
  ) {
    const config = (extra: Record<string, unknown>) =>
      resolveConfig({ data: { ...data, ...extra } }).data;
    const set = await buildTrainingSet(config({ hardNegatives: "bm25" }), 1, dataDir);
    const plain = await buildTrainingSet(config({}), 1, dataDir);
    for (const e of set.train) {
      for (const [lang, t] of Object.entries(e.texts)) {
        assert.ok(typeof t.negative === "string" && t.negative !== t.passage, `${e.id} ${lang}`);
      }
    }
    assert.deepEqual(set.train.map((e) => e.id), plain.train.map((e) => e.id));
    assert.equal((set.description.hard_negatives as { method: string }).method, "bm25");
    assert.equal(plain.description.hard_negatives, undefined);
    assert.ok(plain.train.every((e) => Object.values(e.texts).every((t) => !("negative" in t))));
  }
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("buildTrainingSet() refuses hard negatives for the translation protocol", async () => {
  const data = {
    ...resolveConfig({}).data,
    protocol: "translation" as const,
    hardNegatives: "bm25" as const,
  };
  await assert.rejects(
    () => buildTrainingSet(data, 1, "/nonexistent"),
    (e) =>
      e instanceof InputError &&
      /protocol "translation" has no passages to mine from/.test(e.message),
  );
});
