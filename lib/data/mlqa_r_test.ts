import assert from "node:assert/strict";
import { join } from "node:path";
import { loadMlqaR, MLQA_R_REFERENCE } from "./mlqa_r.ts";
import { datasetStats, relevantCandidates } from "./lareqa.ts";
import { datasetPath } from "./data_dir.ts";
import { MLQA_R_LANGS } from "./languages.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { InputError } from "../util/errors.ts";

const haveData = MLQA_R_LANGS.every((l) => exists(join(datasetPath("mlqa-r"), `${l}.json`)));

function paragraph(sentences: string[], qas: Array<[string, number]>) {
  const breaks: Array<[number, number]> = [];
  let at = 0;
  for (const s of sentences) {
    breaks.push([at, at + s.length]);
    at += s.length + 1;
  }
  return {
    context: sentences.join(" "),
    sentences,
    sentence_breaks: breaks,
    qas: qas.map(([id, start]) => ({
      id,
      question: `${id}?`,
      answers: [{ text: "x", answer_start: start }],
    })),
  };
}

async function fixture() {
  const dataDir = await Deno.makeTempDir();
  await Deno.mkdir(join(dataDir, "mlqa-r"));
  const write = (lang: string, paragraphs: unknown[]) =>
    Deno.writeTextFile(
      join(dataDir, "mlqa-r", `${lang}.json`),
      JSON.stringify({ version: "1.0", data: [{ title: "T", paragraphs }] }),
    );
  await write("en", [paragraph(["One.", "Two three."], [["a", 5], ["b", 0]])]);
  await write("vi", [paragraph(["Một.", "Hai ba."], [["a", 5]])]);
  await write("zh", [paragraph(["一。", "二三。"], [["b", 0]])]);
  return dataDir;
}

Deno.test("loadMlqaR() reads LAReQA's files; a question has answers only where it exists", async () => {
  const ds = await loadMlqaR({ dataDir: await fixture(), langs: ["zh", "en", "vi"] });
  assert.equal(ds.name, "mlqa-r");
  assert.deepEqual(ds.languages, ["en", "vi", "zh"]);
  assert.deepEqual(ds.byLang.vi.questions.map((q) => q.id), ["vi:a"]);
  assert.deepEqual(relevantCandidates(ds, "a"), ["en:0:1", "vi:0:1"]);
  assert.deepEqual(relevantCandidates(ds, "b"), ["en:0:0", "zh:0:0"]);
  assert.deepEqual(datasetStats(ds).zh, { questions: 1, candidates: 2 });
});

Deno.test("loadMlqaR() reports a missing file with the download command", async () => {
  const dataDir = await fixture();
  await assert.rejects(
    () => loadMlqaR({ dataDir, langs: ["de"] }),
    (err: unknown) =>
      err instanceof InputError && err.message.includes(join(dataDir, "mlqa-r", "de.json")) &&
      err.message.includes("deno task download mlqa-r"),
  );
});

Deno.test("loadMlqaR() rejects a language outside MLQA-R's seven", async () => {
  await assert.rejects(
    async () => loadMlqaR({ dataDir: await fixture(), langs: ["ru"] }),
    (err: unknown) =>
      err instanceof InputError && err.message.includes('"ru" (Russian) for MLQA-R'),
  );
});

Deno.test({
  name: "loadMlqaR() reproduces LAReQA's MLQA-R question and candidate counts",
  ignore: skipUnless(haveData, "MLQA-R (XLIR_DATA)"),
  async fn() {
    const ds = await loadMlqaR();
    assert.deepEqual(datasetStats(ds), MLQA_R_REFERENCE);
    // Each question id appears in 2 to 4 languages, with one answer sentence in each.
    const perQid = new Map<string, number>();
    for (const lang of ds.languages) {
      for (const q of ds.byLang[lang].questions) {
        perQid.set(q.qid, (perQid.get(q.qid) ?? 0) + 1);
        assert.equal(q.answers.length, 1, q.id);
      }
    }
    const histogram: Record<number, number> = {};
    for (const n of perQid.values()) histogram[n] = (histogram[n] ?? 0) + 1;
    assert.deepEqual(histogram, { 2: 65, 3: 263, 4: 820 });
  },
});
