import assert from "node:assert/strict";
import { join } from "node:path";
import { loadXquadR, XQUAD_R_REFERENCE } from "./xquad_r.ts";
import { datasetStats, relevantCandidates } from "./lareqa.ts";
import { datasetPath, resolveDataDir } from "./data_dir.ts";
import { XQUAD_R_LANGS } from "./languages.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { InputError } from "../util/errors.ts";

const haveData = XQUAD_R_LANGS.every((l) => exists(join(datasetPath("xquad-r"), `${l}.json`)));

/** A LAReQA-layout paragraph from sentences joined by spaces. */
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

/** Writes a two-language XQuAD-R into a temp data directory. */
async function fixture(deQas: Array<[string, number]> = [["q1", 0], ["q2", 10]]) {
  const dataDir = await Deno.makeTempDir();
  await Deno.mkdir(join(dataDir, "xquad-r"));
  const write = (lang: string, json: unknown) =>
    Deno.writeTextFile(join(dataDir, "xquad-r", `${lang}.json`), JSON.stringify(json));
  await write("en", {
    data: [
      { title: "A", paragraphs: [paragraph(["One two.", "Three four."], [["q1", 0], ["q2", 9]])] },
    ],
  });
  await write("de", {
    data: [
      { title: "A", paragraphs: [paragraph(["Eins.", "Zwei drei."], [])] },
      { title: "B", paragraphs: [paragraph(["Vier.", "Fünf sechs."], deQas)] },
    ],
  });
  return dataDir;
}

function isInputError(...parts: string[]) {
  return (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${err}`);
    for (const p of parts) assert.ok(err.message.includes(p), `"${err.message}" lacks "${p}"`);
    return true;
  };
}

Deno.test("loadXquadR() reads questions, candidates and contexts per language", async () => {
  const ds = await loadXquadR({ dataDir: await fixture(), langs: ["en", "de"] });
  assert.equal(ds.name, "xquad-r");
  assert.deepEqual(ds.languages, ["de", "en"]);
  const de = ds.byLang.de;
  // Paragraph ordinals run across articles: de's second article's paragraph is 1.
  assert.deepEqual(de.candidates.map((c) => c.id), ["de:0:0", "de:0:1", "de:1:0", "de:1:1"]);
  assert.deepEqual(de.contexts, ["Eins. Zwei drei.", "Vier. Fünf sechs."]);
  assert.deepEqual(de.questions, [
    { id: "de:q1", qid: "q1", lang: "de", text: "q1?", answers: ["de:1:0"] },
    { id: "de:q2", qid: "q2", lang: "de", text: "q2?", answers: ["de:1:1"] },
  ]);
  assert.deepEqual(relevantCandidates(ds, "q2"), ["de:1:1", "en:0:1"]);
  assert.deepEqual(datasetStats(ds), {
    de: { questions: 2, candidates: 4 },
    en: { questions: 2, candidates: 2 },
  });
});

Deno.test("loadXquadR() rejects questions that are not parallel across languages", async () => {
  await assert.rejects(
    async () =>
      loadXquadR({ dataDir: await fixture([["q2", 0], ["q1", 10]]), langs: ["de", "en"] }),
    isInputError("not parallel", 'question 0 is "q2" (data[1].paragraphs[0].qas[0]) in', "de.json"),
  );
  await assert.rejects(
    async () => loadXquadR({ dataDir: await fixture([["q1", 0]]), langs: ["de", "en"] }),
    isInputError("question 1 is nothing in", "(1 questions)"),
  );
});

Deno.test("loadXquadR() rejects an answer_start outside every sentence, naming file and path", async () => {
  const dataDir = await fixture([["q1", 0], ["q2", 99]]);
  await assert.rejects(
    () => loadXquadR({ dataDir, langs: ["de"] }),
    isInputError(
      join(dataDir, "xquad-r", "de.json"),
      "data[1].paragraphs[0].qas[1].answers[0].answer_start is 99, outside every sentence",
    ),
  );
});

Deno.test("loadXquadR() reports a missing file with the download command", async () => {
  const dataDir = await fixture();
  await assert.rejects(
    () => loadXquadR({ dataDir, langs: ["en", "ru"] }),
    isInputError(
      join(dataDir, "xquad-r", "ru.json"),
      "does not exist",
      "deno task download xquad-r",
    ),
  );
});

Deno.test("loadXquadR() rejects an unknown language code", async () => {
  await assert.rejects(
    async () => loadXquadR({ dataDir: await fixture(), langs: ["en", "fr"] }),
    isInputError('"fr"', "XQuAD-R", "ar, de, el, en"),
  );
});

Deno.test("loadXquadR() rejects a truncated file, naming it", async () => {
  const dataDir = await fixture();
  const file = join(dataDir, "xquad-r", "en.json");
  const text = await Deno.readTextFile(file);
  await Deno.writeTextFile(file, text.slice(0, text.length / 2));
  await assert.rejects(
    () => loadXquadR({ dataDir, langs: ["en"] }),
    isInputError(file, "not valid JSON"),
  );
});

/** Names, sizes and modification times of every file under `dir`. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...snapshot(path));
    else {
      const st = Deno.statSync(path);
      out.push(`${path} ${st.size} ${st.mtime?.getTime()}`);
    }
  }
  return out.sort();
}

Deno.test({
  name: "loadXquadR() reproduces LAReQA's question and candidate counts for all 11 languages",
  ignore: skipUnless(haveData, "XQuAD-R (XLIR_DATA)"),
  async fn() {
    const before = snapshot(datasetPath("xquad-r"));
    const t0 = performance.now();
    const ds = await loadXquadR();
    const ms = performance.now() - t0;
    console.error(`(loaded all 11 XQuAD-R languages in ${ms.toFixed(0)} ms)`);
    assert.deepEqual(ds.languages, [...XQUAD_R_LANGS]);
    assert.deepEqual(datasetStats(ds), XQUAD_R_REFERENCE);
    assert.deepEqual(
      snapshot(datasetPath("xquad-r")),
      before,
      "the loader wrote into the data directory",
    );
    assert.equal(resolveDataDir(), resolveDataDir(undefined));
  },
});

Deno.test({
  name:
    "loadXquadR() maps each answer to its sentence; identical sentences stay separate candidates",
  ignore: skipUnless(haveData, "XQuAD-R (XLIR_DATA)"),
  async fn() {
    const ds = await loadXquadR({ langs: ["en", "zh", "tr"] });
    const en = ds.byLang.en;
    assert.deepEqual(en.questions[0], {
      id: "en:56beb4343aeaaa14008c925b",
      qid: "56beb4343aeaaa14008c925b",
      lang: "en",
      text: "How many points did the Panthers defense surrender?",
      answers: ["en:0:0"],
    });
    assert.ok(en.candidates[0].text.startsWith("The Panthers defense gave up just 308 points"));
    assert.ok(en.contexts[0].startsWith(en.candidates[0].text));
    for (const lang of ds.languages) {
      const ids = new Set(ds.byLang[lang].candidates.map((c) => c.id));
      for (const q of ds.byLang[lang].questions) {
        assert.equal(q.answers.length, 1, q.id);
        assert.ok(ids.has(q.answers[0]), q.id);
      }
    }
    assert.equal(relevantCandidates(ds, en.questions[5].qid).length, 3);
    // Candidate texts are the files' `sentences`; in one Turkish paragraph the
    // context has a mis-decoded "1⁄2" (and shifted breaks) that the sentence has not.
    const notInContext = ds.languages.flatMap((lang) =>
      ds.byLang[lang].candidates.filter((c) =>
        !ds.byLang[lang].contexts[c.paragraph].includes(c.text)
      )
    );
    assert.deepEqual(notInContext.map((c) => c.id), ["tr:48:2"]);
    // zh has 4 sentences that repeat one of another paragraph: 1196 candidates, 1192 texts.
    assert.equal(new Set(ds.byLang.zh.candidates.map((c) => c.text)).size, 1192);
  },
});
