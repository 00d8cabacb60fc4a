import assert from "node:assert/strict";
import { join } from "node:path";
import { compareCandidates, rebuildMlqaR } from "./mlqa_rebuild.ts";
import { loadMlqaR } from "./mlqa_r.ts";
import { datasetPath } from "./data_dir.ts";
import { MLQA_R_LANGS } from "./languages.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { InputError } from "../util/errors.ts";

const haveData = MLQA_R_LANGS.every((l) =>
  exists(join(datasetPath("mlqa-r"), `${l}.json`)) &&
  exists(join(datasetPath("mlqa"), "dev", `dev-context-${l}-question-${l}.json`))
);

/** Writes MLQA dev files (SQuAD format, no sentence breaks) into a temp data directory. */
async function fixture(files: Record<string, unknown>) {
  const dataDir = await Deno.makeTempDir();
  await Deno.mkdir(join(dataDir, "mlqa", "dev"), { recursive: true });
  for (const [lang, paragraphs] of Object.entries(files)) {
    await Deno.writeTextFile(
      join(dataDir, "mlqa", "dev", `dev-context-${lang}-question-${lang}.json`),
      JSON.stringify({ version: "1.0", data: [{ title: "T", paragraphs }] }),
    );
  }
  return dataDir;
}

const qa = (id: string, start: number) => ({
  id,
  question: `${id}?`,
  answers: [{ text: "x", answer_start: start }],
});

Deno.test("rebuildMlqaR() splits MLQA dev contexts into candidate sentences and maps answers", async () => {
  const dataDir = await fixture({
    en: [
      { context: "Dr. Smith came home. He was tired.", qas: [qa("a", 25)] },
      { context: "It rained. It rained.", qas: [qa("b", 0)] },
    ],
    de: [{ context: "Am 25. Januar kam er. Dann ging er.", qas: [qa("a", 22)] }],
  });
  for (
    const ds of [
      await rebuildMlqaR({ dataDir, langs: ["en", "de"] }),
      await loadMlqaR({ dataDir, source: "rebuild", langs: ["de", "en"] }),
    ]
  ) {
    assert.equal(ds.name, "mlqa-r-rebuilt");
    assert.deepEqual(ds.languages, ["de", "en"]);
    assert.deepEqual(ds.byLang.en.candidates.map((c) => [c.id, c.text]), [
      ["en:0:0", "Dr. Smith came home."],
      ["en:0:1", "He was tired."],
      ["en:1:0", "It rained."],
      ["en:1:1", "It rained."],
    ]);
    assert.deepEqual(ds.byLang.de.candidates.map((c) => c.text), [
      "Am 25. Januar kam er.",
      "Dann ging er.",
    ]);
    assert.deepEqual(ds.byLang.en.questions.map((q) => q.answers), [["en:0:1"], [
      "en:1:0",
      "en:1:1",
    ]]);
    assert.deepEqual(ds.byLang.de.questions[0].answers, ["de:0:1"]);
  }
});

Deno.test("rebuildMlqaR() reports a missing file with the download command", async () => {
  const dataDir = await fixture({ en: [] });
  await assert.rejects(
    () => rebuildMlqaR({ dataDir, langs: ["en", "hi"] }),
    (err: unknown) =>
      err instanceof InputError &&
      err.message.includes(join(dataDir, "mlqa", "dev", "dev-context-hi-question-hi.json")) &&
      err.message.includes("deno task download mlqa"),
  );
});

Deno.test("rebuildMlqaR() rejects an answer_start outside the context and a missing field", async () => {
  const outside = await fixture({ en: [{ context: "One. Two.", qas: [qa("a", 50)] }] });
  await assert.rejects(
    () => rebuildMlqaR({ dataDir: outside, langs: ["en"] }),
    (err: unknown) =>
      err instanceof InputError &&
      err.message.includes(
        "data[0].paragraphs[0].qas[0].answers[0].answer_start is 50, outside every sentence",
      ),
  );
  const noQuestion = await fixture({ en: [{ context: "One.", qas: [{ id: "a", answers: [] }] }] });
  await assert.rejects(
    () => rebuildMlqaR({ dataDir: noQuestion, langs: ["en"] }),
    (err: unknown) =>
      err instanceof InputError &&
      err.message.includes("data[0].paragraphs[0].qas[0].question is missing"),
  );
});

Deno.test("compareCandidates() counts each reference sentence at most once and compares answers", async () => {
  const ours = await rebuildMlqaR({
    dataDir: await fixture({ en: [{ context: "A a. A a. B b.", qas: [qa("q", 10)] }] }),
    langs: ["en"],
  });
  const refDir = await Deno.makeTempDir();
  await Deno.mkdir(join(refDir, "mlqa-r"));
  await Deno.writeTextFile(
    join(refDir, "mlqa-r", "en.json"),
    JSON.stringify({
      data: [{
        paragraphs: [{
          context: "A a. A a. B b.",
          sentences: ["A a.", "A a. B b."],
          sentence_breaks: [[0, 4], [5, 14]],
          qas: [qa("q", 10)],
        }],
      }],
    }),
  );
  const ref = await loadMlqaR({ dataDir: refDir, langs: ["en"] });
  assert.deepEqual(compareCandidates(ours, ref), {
    en: { reference: 2, rebuilt: 3, common: 1, overlap: 0.5, questions: 1, sameAnswer: 0 },
  });
});

Deno.test({
  name: "rebuildMlqaR() agrees with LAReQA's MLQA-R: counts within ±10, ≥ 97% identical sentences",
  ignore: skipUnless(haveData, "MLQA dev and MLQA-R (XLIR_DATA)"),
  async fn() {
    const [rebuilt, lareqa] = await Promise.all([rebuildMlqaR(), loadMlqaR()]);
    const cmp = compareCandidates(rebuilt, lareqa);
    console.error(
      Object.entries(cmp).map(([lang, c]) =>
        `${lang}: ${c.rebuilt} vs ${c.reference} candidates, ${(100 * c.overlap).toFixed(2)}% of ` +
        `LAReQA's sentences identical, ${c.sameAnswer}/${c.questions} same answer sentence`
      ).join("\n"),
    );
    assert.deepEqual(Object.keys(cmp), [...MLQA_R_LANGS]);
    for (const [lang, c] of Object.entries(cmp)) {
      assert.ok(Math.abs(c.rebuilt - c.reference) <= 10, `${lang}: ${c.rebuilt} vs ${c.reference}`);
      assert.ok(c.overlap >= 0.97, `${lang}: overlap ${c.overlap}`);
      assert.equal(c.questions, lareqa.byLang[lang].questions.length, lang);
      assert.ok(c.sameAnswer >= 0.98 * c.questions, `${lang}: ${c.sameAnswer}/${c.questions}`);
    }
  },
});
