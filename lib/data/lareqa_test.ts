import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildLanguage,
  datasetStats,
  type RawParagraph,
  readJsonFile,
  readSquadParagraphs,
  relevantCandidates,
} from "./lareqa.ts";
import { InputError } from "../util/errors.ts";

/** A LAReQA-layout paragraph: sentences joined by spaces, with their breaks. */
function paragraph(sentences: string[], qas: unknown[]) {
  const breaks: Array<[number, number]> = [];
  let at = 0;
  for (const s of sentences) {
    breaks.push([at, at + s.length]);
    at += s.length + 1;
  }
  return { context: sentences.join(" "), sentences, sentence_breaks: breaks, qas };
}

function qa(id: string, answerStart: number) {
  return { id, question: `Question ${id}?`, answers: [{ text: "x", answer_start: answerStart }] };
}

function throwsInput(fn: () => unknown, ...parts: string[]) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${err}`);
    for (const part of parts) {
      assert.ok(err.message.includes(part), `"${err.message}" lacks "${part}"`);
    }
    return true;
  });
}

Deno.test("readSquadParagraphs() walks all articles' paragraphs in file order", () => {
  const json = {
    data: [
      { paragraphs: [paragraph(["A b.", "C d."], [qa("q1", 5)])] },
      { paragraphs: [paragraph(["E f."], []), paragraph(["G h."], [qa("q2", 0)])] },
    ],
  };
  const ps = readSquadParagraphs(json, "XQuAD-R", "en.json");
  assert.deepEqual(ps.map((p) => p.path), [
    "data[0].paragraphs[0]",
    "data[1].paragraphs[0]",
    "data[1].paragraphs[1]",
  ]);
  assert.deepEqual(ps[0].spans, [[0, 4], [5, 9]]);
  assert.deepEqual(ps[2].questions, [
    { qid: "q2", text: "Question q2?", answerStarts: [0], path: "data[1].paragraphs[1].qas[0]" },
  ]);
});

Deno.test("readSquadParagraphs() names the file and JSON path of a missing or ill-typed field", () => {
  const good = () => ({
    data: [{ paragraphs: [paragraph(["A."], [])] }, {
      paragraphs: [paragraph(["A b.", "C d."], [qa("q1", 5)])],
    }],
  });
  const cases: Array<[(j: ReturnType<typeof good>) => void, string]> = [
    [
      (j) => delete (j.data[1].paragraphs[0].qas[0] as { answers?: unknown }).answers,
      "data[1].paragraphs[0].qas[0].answers is missing, expected an array",
    ],
    [
      (j) =>
        delete (j.data[1].paragraphs[0].qas[0] as { answers: Array<{ answer_start?: number }> })
          .answers[0].answer_start,
      "data[1].paragraphs[0].qas[0].answers[0].answer_start is missing, expected an integer offset",
    ],
    [
      (
        j,
      ) => ((j.data[1].paragraphs[0].qas[0] as { answers: Array<{ answer_start: unknown }> })
        .answers[0].answer_start = "5"),
      'answer_start is the string "5", expected an integer',
    ],
    [
      (j) => ((j.data[1].paragraphs[0].qas[0] as { answers: unknown[] }).answers = []),
      "qas[0].answers is [], expected at least one answer",
    ],
    [
      (j) => delete (j.data[1].paragraphs[0].qas[0] as { id?: string }).id,
      "data[1].paragraphs[0].qas[0].id is missing, expected a string",
    ],
    [
      (j) => delete (j.data[1].paragraphs[0] as { context?: string }).context,
      "data[1].paragraphs[0].context is missing, expected a string",
    ],
    [
      (j) => delete (j.data[1].paragraphs[0] as { sentence_breaks?: unknown }).sentence_breaks,
      "data[1].paragraphs[0].sentence_breaks is missing, expected an array",
    ],
    [
      (j) => j.data[1].paragraphs[0].sentences.pop(),
      "data[1].paragraphs[0].sentences is an array of 1, expected 2 sentences",
    ],
    [
      (j) => (j.data[1].paragraphs[0].sentence_breaks[1] = [5, 99]),
      "data[1].paragraphs[0].sentence_breaks[1] is [5,99], expected [start, end] with 0 <= start <= end <= 9",
    ],
    [
      (j) => delete (j.data[1] as { paragraphs?: unknown }).paragraphs,
      "data[1].paragraphs is missing, expected an array",
    ],
    [(j) => delete (j as { data?: unknown }).data, "data is missing, expected an array"],
  ];
  for (const [spoil, message] of cases) {
    const json = good();
    spoil(json);
    throwsInput(
      () => readSquadParagraphs(json, "XQuAD-R", "/d/xquad-r/en.json"),
      "/d/xquad-r/en.json",
      message,
    );
  }
  throwsInput(
    () => readSquadParagraphs([], "XQuAD-R", "en.json"),
    "the top level is [], expected an object",
  );
});

Deno.test("readSquadParagraphs() splits contexts with the given splitter when there are no breaks", () => {
  const json = { data: [{ paragraphs: [{ context: "A b. C d.", qas: [qa("q1", 5)] }] }] };
  const [p] = readSquadParagraphs(json, "MLQA dev", "f.json", () => [[0, 4], [5, 9]]);
  assert.deepEqual(p.sentences, ["A b.", "C d."]);
});

function raw(sentences: string[], questions: Array<[string, number]>, p = 0): RawParagraph {
  const para = paragraph(sentences, []);
  return {
    context: para.context,
    spans: para.sentence_breaks,
    sentences,
    path: `data[0].paragraphs[${p}]`,
    questions: questions.map(([qid, start], k) => ({
      qid,
      text: `${qid}?`,
      answerStarts: [start],
      path: `data[0].paragraphs[${p}].qas[${k}]`,
    })),
  };
}

Deno.test("buildLanguage() numbers candidates by paragraph ordinal and sentence, never deduplicating", () => {
  const { language } = buildLanguage(
    "de",
    [raw(["Same.", "Other."], []), raw(["Same."], [["q", 0]], 1)],
    "X",
    "de.json",
  );
  assert.deepEqual(language.candidates.map((c) => [c.id, c.paragraph, c.sentence, c.text]), [
    ["de:0:0", 0, 0, "Same."],
    ["de:0:1", 0, 1, "Other."],
    ["de:1:0", 1, 0, "Same."],
  ]);
  assert.deepEqual(language.contexts, ["Same. Other.", "Same."]);
  // The identical sentence of another paragraph is not relevant.
  assert.deepEqual(language.questions, [{
    id: "de:q",
    qid: "q",
    lang: "de",
    text: "q?",
    answers: ["de:1:0"],
  }]);
});

Deno.test("buildLanguage() maps answer_start to the sentence whose [start, end) holds it", () => {
  // "A b." is [0, 4), "C d." is [5, 9): offset 4 (the space's left edge) is outside
  // the first; 5 is the second's first character.
  const { language } = buildLanguage(
    "en",
    [raw(["A b.", "C d."], [["q1", 3], ["q2", 5], ["q3", 8]])],
    "X",
    "en.json",
  );
  assert.deepEqual(language.questions.map((q) => q.answers), [["en:0:0"], ["en:0:1"], ["en:0:1"]]);
  throwsInput(
    () => buildLanguage("en", [raw(["A b.", "C d."], [["q1", 4]])], "XQuAD-R", "/d/en.json"),
    "/d/en.json",
    "data[0].paragraphs[0].qas[0].answers[0].answer_start is 4, outside every sentence of data[0].paragraphs[0]",
  );
  throwsInput(
    () => buildLanguage("en", [raw(["A b."], [["q1", 40]])], "X", "en.json"),
    "answer_start is 40",
  );
});

Deno.test("buildLanguage() marks identical sentences of the answer's paragraph relevant too (as LAReQA)", () => {
  const { language } = buildLanguage(
    "zh",
    [raw(["好。", "是。", "好。"], [["q", 0]])],
    "X",
    "zh.json",
  );
  assert.deepEqual(language.questions[0].answers, ["zh:0:0", "zh:0:2"]);
});

Deno.test("buildLanguage() rejects a repeated question id, naming both places", () => {
  throwsInput(
    () =>
      buildLanguage("en", [raw(["A."], [["q", 0]]), raw(["B."], [["q", 0]], 1)], "X", "en.json"),
    'data[0].paragraphs[1].qas[0].id "q" repeats the id of data[0].paragraphs[0].qas[0]',
  );
});

Deno.test("readJsonFile() says where it looked and how to fetch a missing file", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => readJsonFile(join(dir, "xquad-r", "en.json"), "XQuAD-R", "xquad-r"),
    (err: unknown) =>
      err instanceof InputError && err.message.includes(join(dir, "xquad-r", "en.json")) &&
      err.message.includes("deno task download xquad-r"),
  );
});

Deno.test("readJsonFile() rejects malformed and truncated JSON, naming the file", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "bad.json"), '{"data": [}');
  await Deno.writeTextFile(join(dir, "cut.json"), '{"data": [{"paragraphs": [{"context": "A b');
  for (const name of ["bad.json", "cut.json"]) {
    await assert.rejects(
      () => readJsonFile(join(dir, name), "MLQA-R", "mlqa-r"),
      (err: unknown) =>
        err instanceof InputError && err.message.includes(`${join(dir, name)} is not valid JSON`),
    );
  }
});

Deno.test("relevantCandidates() crosses languages by question id; datasetStats() counts", () => {
  const en =
    buildLanguage("en", [raw(["A.", "B."], [["q1", 3], ["q2", 0]])], "X", "en.json").language;
  const de = buildLanguage("de", [raw(["C."], [["q1", 0]])], "X", "de.json").language;
  const ds = { name: "t", languages: ["de", "en"], byLang: { de, en } };
  assert.deepEqual(relevantCandidates(ds, "q1"), ["de:0:0", "en:0:1"]);
  assert.deepEqual(relevantCandidates(ds, "q2"), ["en:0:0"]);
  assert.deepEqual(relevantCandidates(ds, "nope"), []);
  assert.deepEqual(datasetStats(ds), {
    de: { questions: 1, candidates: 1 },
    en: { questions: 2, candidates: 2 },
  });
});
