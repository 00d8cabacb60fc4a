/**
 * Private helpers of the parallel-text loaders (`ntrex.ts`, `flores.ts`,
 * `tatoeba.ts`): line files, line-count checks, language codes.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";

/**
 * The corpora's ISO 639-3 codes (with script/region suffixes dropped) mapped
 * to the ISO 639-1 codes used everywhere in xlir.
 */
export const ISO639_3_TO_1: Readonly<Record<string, string>> = {
  ara: "ar",
  arb: "ar",
  deu: "de",
  ell: "el",
  eng: "en",
  spa: "es",
  hin: "hi",
  ron: "ro",
  rus: "ru",
  tha: "th",
  tur: "tr",
  vie: "vi",
  zho: "zh",
  cmn: "zh",
};

/** The 12 languages NTREX-128 and FLORES-200 are read in here (ISO 639-1, sorted). */
export const PARALLEL_LANGUAGES: readonly string[] = [
  "ar",
  "de",
  "el",
  "en",
  "es",
  "hi",
  "ro",
  "ru",
  "th",
  "tr",
  "vi",
  "zh",
];

/**
 * Reads a UTF-8 text file as lines (no line terminators; a final newline does
 * not make an extra empty line; `\r` before `\n` is dropped).
 *
 * @param path The file.
 * @param what The corpus, for the error message.
 * @param download The `deno task download` argument that fetches it.
 * @returns The lines.
 * @throws {InputError} When the file is missing.
 */
export async function readLines(path: string, what: string, download: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new InputError(
        `Cannot read ${what}: ${path} does not exist; \`deno task download ${download}\` fetches it ` +
          "(or set XLIR_DATA / --data to the data directory that has it)",
        { cause: error },
      );
    }
    throw error;
  }
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line) => line.endsWith("\r") ? line.slice(0, -1) : line);
}

/**
 * Throws when any file's line count differs from the reference file's.
 *
 * @param what The corpus, for the error message.
 * @param reference The file every other file must match (`name`, `count`).
 * @param files The other files.
 * @throws {InputError} Naming the first mismatching file and both counts.
 */
export function checkLineCounts(
  what: string,
  reference: { name: string; count: number },
  files: { name: string; count: number }[],
): void {
  for (const file of files) {
    if (file.count !== reference.count) {
      throw new InputError(
        `Cannot read ${what}: ${file.name} has ${file.count} lines, expected ${reference.count} (as ${reference.name})`,
      );
    }
  }
}

/**
 * Throws when a line is empty (after trimming).
 *
 * @param what The corpus, for the error message.
 * @param name The file name.
 * @param lines Its lines.
 */
export function checkNoEmptyLines(what: string, name: string, lines: string[]): void {
  const i = lines.findIndex((line) => line.trim() === "");
  if (i >= 0) {
    throw new InputError(
      `Cannot read ${what}: line ${i + 1} of ${name} is empty, expected a sentence`,
    );
  }
}

/**
 * Throws when a document id reappears after another document started
 * (sentences of one document must be consecutive).
 *
 * @param what The corpus, for the error message.
 * @param name The file holding the ids.
 * @param docs One document id per sentence.
 * @param firstLine The 1-based file line of `docs[0]` (2 after a header).
 */
export function checkDocsContiguous(
  what: string,
  name: string,
  docs: string[],
  firstLine = 1,
): void {
  const closed = new Set<string>();
  for (let i = 1; i < docs.length; i++) {
    if (docs[i] === docs[i - 1]) continue;
    closed.add(docs[i - 1]);
    if (closed.has(docs[i])) {
      throw new InputError(
        `Cannot read ${what}: line ${i + firstLine} of ${name} returns to document ${
          docs[i]
        }, expected the sentences of a document to be consecutive`,
      );
    }
  }
}

/**
 * Checks that `languages` are all in `available`.
 *
 * @param what The corpus, for the error message.
 * @param languages Requested ISO 639-1 codes.
 * @param available The corpus's codes.
 */
export function checkLanguages(
  what: string,
  languages: string[],
  available: readonly string[],
): void {
  for (const lang of languages) {
    if (!available.includes(lang)) {
      throw new InputError(
        `Cannot read ${what}: unknown language "${lang}", expected one of ${available.join(" ")}`,
      );
    }
  }
}
