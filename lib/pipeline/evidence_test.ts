import assert from "node:assert/strict";
import { join } from "node:path";
import { writeTinyDataDir } from "../data/_testing.ts";
import type { LareqaDataset, LareqaLanguage } from "../data/types.ts";
import { datasetCoverage, loadEvalDataset, trainingOverlap, xxShare } from "./evidence.ts";
import { type ExperimentConfig, loadExperiment } from "./experiment.ts";

/** A language whose questions have the given ids (one candidate per question). */
function language(
  lang: string,
  qids: string[],
  text = (q: string) => `${lang} ${q}`,
): LareqaLanguage {
  return {
    lang,
    contexts: ["…"],
    candidates: qids.map((q, i) => ({
      id: `${lang}:0:${i}`,
      lang,
      paragraph: 0,
      sentence: i,
      text: text(q),
    })),
    questions: qids.map((q, i) => ({
      id: `${lang}:${q}`,
      qid: q,
      lang,
      text: `question ${q}?`,
      answers: [`${lang}:0:${i}`],
    })),
  };
}

function dataset(name: string, ...langs: LareqaLanguage[]): LareqaDataset {
  return {
    name,
    languages: langs.map((l) => l.lang).sort(),
    byLang: Object.fromEntries(langs.map((l) => [l.lang, l])),
  };
}

/** The tiny data directory and a P1 (ICT) config on two of its languages, batches of 2. */
async function tinyP1(): Promise<{ dataDir: string; config: string }> {
  const dataDir = await writeTinyDataDir();
  const config = join(dataDir, "p1.json");
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      data: { protocol: "ict", languages: ["de", "en"], validFraction: 0 },
      sampling: { batchSize: 2, uniqueGroups: false },
    }),
  );
  return { dataDir, config };
}

Deno.test("datasetCoverage() counts a language pair only when the two share a question", () => {
  // XQuAD-R-like: every question in every language.
  const parallel = dataset(
    "p",
    language("de", ["a", "b"]),
    language("en", ["a", "b"]),
    language("zh", ["a", "b"]),
  );
  // MLQA-R-like: "a" in de and en, "b" in en and zh; de and zh share none.
  const partial = dataset(
    "m",
    language("de", ["a"]),
    language("en", ["a", "b"]),
    language("zh", ["b"]),
  );
  // One question in a single language: not parallel.
  const lonely = dataset("l", language("de", ["a", "c"]), language("en", ["a"]));
  assert.deepEqual(datasetCoverage({ p: parallel, m: partial, l: lonely }), [
    { dataset: "p", languages: 3, monoPairs: 3, crossPairs: 6, parallel: true },
    { dataset: "m", languages: 3, monoPairs: 3, crossPairs: 4, parallel: true },
    { dataset: "l", languages: 2, monoPairs: 2, crossPairs: 2, parallel: false },
  ]);
});

Deno.test("datasetCoverage() on the real layouts: 11 languages × 10 for XQuAD-R", async () => {
  const dataDir = await writeTinyDataDir();
  const [x] = datasetCoverage({ "xquad-r": await loadEvalDataset("xquad-r", dataDir) });
  assert.deepEqual(x, {
    dataset: "xquad-r",
    languages: 11,
    monoPairs: 11,
    crossPairs: 110,
    parallel: true,
  });
  const m = await loadEvalDataset("mlqa-r", dataDir);
  assert.equal(m.name, "mlqa-r");
  assert.equal(m.languages.length, 7);
});

Deno.test("trainingOverlap() counts the distinct training texts that occur in the evaluation data", async () => {
  const { dataDir, config } = await tinyP1();
  const none = dataset("d", language("en", ["a"]));
  const clean = await trainingOverlap(config, none, dataDir);
  assert.equal(clean.overlapping, 0);
  assert.ok(clean.trainingTexts > 0);
  // An evaluation candidate equal to an NTREX-128 sentence (up to white space) is found.
  const leaky = dataset(
    "d",
    language("en", ["a", "b"], (q) => (q === "a" ? "  the cat sat. " : "x")),
  );
  const leak = await trainingOverlap(config, leaky, dataDir);
  assert.equal(leak.trainingTexts, clean.trainingTexts);
  assert.equal(leak.overlapping, 1);
});

Deno.test("xxShare() is 1 for X-X, 0 for X-Y and in between for the hybrid sampler", async () => {
  const { dataDir, config } = await tinyP1();
  const expPath = join(dataDir, "exp.json");
  await Deno.writeTextFile(
    expPath,
    JSON.stringify({
      name: "e",
      seeds: [1],
      strategies: { hybrid: 0.5 },
      bases: { unaligned: null },
      finetune: { P1: { protocol: "P1", config, evaluate: ["xquad-r"] } },
      eval: { maxQueries: 0, mlqaSource: "lareqa" },
    }),
  );
  const exp: ExperimentConfig = await loadExperiment(expPath);
  const xx = await xxShare(exp, "P1", 1, 20, dataDir);
  const xy = await xxShare(exp, "P1", 0, 20, dataDir);
  const hybrid = await xxShare(exp, "P1", 0.5, 20, dataDir);
  assert.deepEqual([xx.share, xy.share], [1, 0]);
  assert.equal(hybrid.alpha, 0.5);
  assert.equal(hybrid.batches, xx.batches);
  assert.ok(hybrid.share > 0.2 && hybrid.share < 0.8, `share ${hybrid.share}`);
  assert.deepEqual(await xxShare(exp, "P1", 0.5, 20, dataDir), hybrid, "deterministic");
});
