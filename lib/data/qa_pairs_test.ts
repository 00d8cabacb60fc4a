import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { loadMlqaR } from "./mlqa_r.ts";
import { buildQaPairs } from "./qa_pairs.ts";
import { loadXquadR } from "./xquad_r.ts";
import type { Candidate, LareqaDataset, LareqaLanguage, Question } from "./types.ts";

/** One language: `sentences[p][s]`, questions as [qid, text, answer ids "p:s"]. */
function language(
  lang: string,
  sentences: string[][],
  questions: [string, string, string[]][],
): LareqaLanguage {
  const candidates: Candidate[] = sentences.flatMap((para, p) =>
    para.map((text, s) => ({ id: `${lang}:${p}:${s}`, lang, paragraph: p, sentence: s, text }))
  );
  const qs: Question[] = questions.map(([qid, text, answers]) => ({
    id: `${lang}:${qid}`,
    qid,
    lang,
    text,
    answers: answers.map((a) => `${lang}:${a}`),
  }));
  return { lang, questions: qs, candidates, contexts: sentences.map((p) => p.join(" ")) };
}

function dataset(...langs: LareqaLanguage[]): LareqaDataset {
  return {
    name: "toy",
    languages: langs.map((l) => l.lang).sort(),
    byLang: Object.fromEntries(langs.map((l) => [l.lang, l])),
  };
}

const EN = language("en", [["A0.", "A1."], ["B0.", "B1."]], [
  ["q1", "Q1?", ["0:1"]],
  ["q2", "Q2?", ["0:1"]],
  ["q3", "Q3?", ["1:0"]],
  ["q4", "Q4?", ["1:1"]],
]);
// German segments B differently: one sentence holds the answers of q3 and q4.
const DE = language("de", [["A0 de.", "A1 de."], ["B de."]], [
  ["q1", "F1?", ["0:1"]],
  ["q3", "F3?", ["1:0"]],
  ["q4", "F4?", ["1:0"]],
]);

Deno.test("buildQaPairs() gives one example per question id with every language that has it", () => {
  const examples = buildQaPairs(dataset(EN, DE));
  assert.deepEqual(examples.map((e) => e.id), ["toy:q1", "toy:q3", "toy:q4", "toy:q2"]);
  assert.deepEqual(examples[0].texts, {
    de: { query: "F1?", passage: "A1 de." },
    en: { query: "Q1?", passage: "A1." },
  });
  assert.deepEqual(Object.keys(examples[3].texts), ["en"]);
});

Deno.test("buildQaPairs() groups questions that share an answer sentence in any language", () => {
  const group = Object.fromEntries(buildQaPairs(dataset(EN, DE)).map((e) => [e.id, e.group]));
  assert.equal(group["toy:q1"], group["toy:q2"]); // same English sentence
  assert.equal(group["toy:q3"], group["toy:q4"]); // same German sentence only
  assert.notEqual(group["toy:q1"], group["toy:q3"]);
  assert.equal(group["toy:q1"], "de:0:1"); // named by the smallest key
});

Deno.test("buildQaPairs() with groupBy paragraph groups questions sharing an answer paragraph", () => {
  const en = language("en", [["A0.", "A1."], ["B0."]], [
    ["q1", "Q1?", ["0:0"]],
    ["q2", "Q2?", ["0:1"]],
    ["q3", "Q3?", ["1:0"]],
  ]);
  const bySentence = buildQaPairs(dataset(en)).map((e) => e.group);
  const byParagraph = buildQaPairs(dataset(en), { groupBy: "paragraph" }).map((e) => e.group);
  assert.deepEqual(bySentence, ["en:0:0", "en:0:1", "en:1:0"]);
  assert.deepEqual(byParagraph, ["en:0", "en:0", "en:1"]);
});

Deno.test("buildQaPairs() takes the first answer as the passage but groups by all answers", () => {
  const en = language("en", [["A0.", "A1.", "A2."]], [
    ["q1", "Q1?", ["0:2", "0:0"]],
    ["q2", "Q2?", ["0:0"]],
  ]);
  const [q1, q2] = buildQaPairs(dataset(en));
  assert.equal(q1.texts.en.passage, "A2.");
  assert.equal(q1.group, q2.group);
});

Deno.test("buildQaPairs() respects languages and minLanguages", () => {
  assert.deepEqual(
    buildQaPairs(dataset(EN, DE), { languages: ["de"] }).map((e) => e.id),
    ["toy:q1", "toy:q3", "toy:q4"],
  );
  assert.equal(buildQaPairs(dataset(EN, DE), { minLanguages: 2 }).length, 3);
});

Deno.test("buildQaPairs() names the question whose answer is not a candidate", () => {
  const bad = language("en", [["A0."]], [["q1", "Q1?", ["0:5"]]]);
  assert.throws(
    () => buildQaPairs(dataset(bad)),
    (e: unknown) =>
      e instanceof InputError &&
      e.message ===
        'Dataset toy: byLang.en.questions[0].answers[0] is "en:0:5", not a candidate id of en',
  );
  assert.throws(
    () => buildQaPairs(dataset(EN), { languages: ["th"] }),
    (e: unknown) => e instanceof InputError && /has no language "th"/.test(e.message),
  );
});

const DATA = Deno.env.get("XLIR_DATA") ?? "";
const HAS_DATA = DATA !== "" && exists(join(DATA, "xquad-r")) && exists(join(DATA, "mlqa-r"));

Deno.test({
  name: "buildQaPairs() gives 1,190 XQuAD-R examples in 11 languages and 1,148 MLQA-R examples",
  ignore: skipUnless(HAS_DATA, "XLIR_DATA with xquad-r/ and mlqa-r/"),
  async fn() {
    const xquad = buildQaPairs(await loadXquadR({ dataDir: DATA }));
    assert.equal(xquad.length, 1190);
    assert.ok(xquad.every((e) => Object.keys(e.texts).length === 11));
    // Shared answer sentences, closed over the 11 segmentations (English alone: 787).
    assert.equal(new Set(xquad.map((e) => e.group)).size, 489);
    const mlqa = buildQaPairs(await loadMlqaR({ dataDir: DATA }));
    assert.equal(mlqa.length, 1148);
    const perExample = mlqa.map((e) => Object.keys(e.texts).length);
    assert.ok(perExample.every((n) => n >= 2 && n <= 4));
    assert.equal(new Set(mlqa.map((e) => e.group)).size, 1140);
  },
});
