import assert from "node:assert/strict";
import {
  checkLanguages,
  LANGUAGE_NAMES,
  MLQA_R_LANGS,
  TRAINING_LANGS,
  UNSEEN_LANGS,
  XQUAD_R_LANGS,
} from "./languages.ts";
import { InputError } from "../util/errors.ts";

Deno.test("language lists: XQuAD-R's 11, MLQA-R's 7, 9 training + el/vi unseen", () => {
  assert.deepEqual(XQUAD_R_LANGS, [
    "ar",
    "de",
    "el",
    "en",
    "es",
    "hi",
    "ru",
    "th",
    "tr",
    "vi",
    "zh",
  ]);
  assert.deepEqual(MLQA_R_LANGS, ["ar", "de", "en", "es", "hi", "vi", "zh"]);
  assert.deepEqual(TRAINING_LANGS, ["ar", "de", "en", "es", "hi", "ru", "th", "tr", "zh"]);
  assert.deepEqual([...TRAINING_LANGS, ...UNSEEN_LANGS].sort(), [...XQUAD_R_LANGS]);
  for (const lang of XQUAD_R_LANGS) assert.ok(LANGUAGE_NAMES[lang], lang);
  assert.equal(LANGUAGE_NAMES.el, "Greek");
});

Deno.test("checkLanguages() returns all available codes, sorted, when none are requested", () => {
  assert.deepEqual(checkLanguages(undefined, ["zh", "ar"], "X"), ["ar", "zh"]);
});

Deno.test("checkLanguages() deduplicates and sorts the requested codes", () => {
  assert.deepEqual(checkLanguages(["vi", "en", "vi"], MLQA_R_LANGS, "MLQA-R"), ["en", "vi"]);
});

Deno.test("checkLanguages() rejects an unknown code, naming the dataset and the known codes", () => {
  assert.throws(
    () => checkLanguages(["en", "ru"], MLQA_R_LANGS, "MLQA-R"),
    (err: unknown) =>
      err instanceof InputError && err.message.includes('"ru" (Russian) for MLQA-R') &&
      err.message.includes("ar, de, en, es, hi, vi, zh"),
  );
  assert.throws(() => checkLanguages(["EN"], XQUAD_R_LANGS, "XQuAD-R"), InputError);
});
