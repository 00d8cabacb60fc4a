/**
 * The language codes of the LAReQA-style datasets and of the paper's training
 * set, with English names, and a check for requested codes.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";

/** XQuAD-R's 11 languages, sorted. */
export const XQUAD_R_LANGS: readonly string[] = Object.freeze([
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

/** MLQA-R's 7 languages, sorted. */
export const MLQA_R_LANGS: readonly string[] = Object.freeze([
  "ar",
  "de",
  "en",
  "es",
  "hi",
  "vi",
  "zh",
]);

/** The paper's 9 training languages (XQuAD-R's minus Greek and Vietnamese), sorted. */
export const TRAINING_LANGS: readonly string[] = Object.freeze([
  "ar",
  "de",
  "en",
  "es",
  "hi",
  "ru",
  "th",
  "tr",
  "zh",
]);

/** XQuAD-R languages unseen in training (zero-shot): Greek and Vietnamese. */
export const UNSEEN_LANGS: readonly string[] = Object.freeze(["el", "vi"]);

/** English names of the language codes used here. */
export const LANGUAGE_NAMES: Readonly<Record<string, string>> = Object.freeze({
  ar: "Arabic",
  de: "German",
  el: "Greek",
  en: "English",
  es: "Spanish",
  hi: "Hindi",
  ru: "Russian",
  th: "Thai",
  tr: "Turkish",
  vi: "Vietnamese",
  zh: "Chinese",
});

/** The script each language is written in (Unicode `Script` property values; Latin by default). */
export const LANGUAGE_SCRIPTS: Readonly<Record<string, string>> = Object.freeze({
  ar: "Arabic",
  el: "Greek",
  hi: "Devanagari",
  ru: "Cyrillic",
  th: "Thai",
  zh: "Han",
});

const SCRIPT_LETTER: Record<string, RegExp> = {};

/**
 * True when a text has at least one letter of its language's script (Latin
 * for languages not in {@linkcode LANGUAGE_SCRIPTS}): the check that a
 * translation is in its language and not left in English.
 *
 * @param text The text.
 * @param lang Its language code.
 * @returns Whether a letter of the script occurs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasScriptLetter } from "./languages.ts";
 * assert(hasScriptLetter("Файл", "ru") && !hasScriptLetter("File", "ru"));
 * assert(hasScriptLetter("文件", "zh") && hasScriptLetter("Datei", "de"));
 * ```
 */
export function hasScriptLetter(text: string, lang: string): boolean {
  const script = LANGUAGE_SCRIPTS[lang] ?? "Latin";
  const re = SCRIPT_LETTER[script] ??= new RegExp(`\\p{Script=${script}}`, "u");
  return re.test(text);
}

/**
 * Checks requested language codes against the available ones.
 *
 * @param requested The codes asked for (`undefined`: all available).
 * @param available The codes that exist (e.g. {@linkcode XQUAD_R_LANGS}).
 * @param where What is being loaded, for the error message (e.g. `"XQuAD-R"`).
 * @returns The requested codes, deduplicated and sorted.
 * @throws {InputError} For an unknown code, naming the known ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkLanguages, XQUAD_R_LANGS } from "./languages.ts";
 * assert(checkLanguages(["en", "de", "en"], XQUAD_R_LANGS, "XQuAD-R").join() === "de,en");
 * ```
 */
export function checkLanguages(
  requested: readonly string[] | undefined,
  available: readonly string[],
  where: string,
): string[] {
  if (requested === undefined) return [...available].sort();
  for (const lang of requested) {
    if (!available.includes(lang)) {
      const name = LANGUAGE_NAMES[lang] ? ` (${LANGUAGE_NAMES[lang]})` : "";
      throw new InputError(
        `Unknown language code "${lang}"${name} for ${where}: expected one of ${
          available.join(", ")
        }`,
      );
    }
  }
  return [...new Set(requested)].sort();
}
