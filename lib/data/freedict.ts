/**
 * Bilingual lexicons from FreeDict, as installed by Debian's
 * `dict-freedict-{src}-{tgt}` packages (`/usr/share/dictd/freedict-*.index` +
 * `.dict.dz`), turned into clean word/phrase {@linkcode TranslationPair}s.
 *
 * The dictd format: each `.index` line is `headword TAB offset TAB length`,
 * the numbers in dictd's base64 (digits `A–Z a–z 0–9 + /`, most significant
 * first, no padding) giving a byte range of the uncompressed `.dict` (a
 * dictzip file: gzip-compatible, so it is gunzipped whole). An entry is a
 * plain-text rendering of TEI: a headword line (`word /pronunciation/ <pos>`),
 * then translations (`1. Übersetzung <fem>, …`), with indented notes,
 * synonyms, cross references and example sentences.
 *
 * Extraction ({@linkcode parseFreedictEntry}): keeps the headword line's text
 * before its pronunciation and the translation lines (numbered senses
 * included); drops indented lines (notes, `Synonyms:`, `see:`, examples),
 * `[domain]`, `<pos>`, `(usage)` and `{ref}` marks and, in a translation, all
 * after its first full stop (eng-tur's glosses run into examples); splits on
 * `,` `;` and their Arabic forms; maps eng-hin's `~` to a space. Then
 * {@linkcode cleanTerm} keeps terms of at most `maxWords` words (default 4)
 * with a letter and none of `? … { } " = / |` or a leading/trailing hyphen
 * (affixes), and entries whose pronunciation is far longer than the headword
 * are dropped (eng-spa truncates multi-word headwords: `air /ɛərkəndiʃənd/`).
 * A pair is kept only when each side has a letter of its language's script
 * (ell-eng leaves some Greek words untranslated). The `00-database-*` meta
 * entries are skipped; pairs are deduplicated.
 *
 * @module
 */

import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { InputError } from "../util/errors.ts";
import { hasScriptLetter } from "./languages.ts";
import type { TranslationPair } from "./types.ts";
import { ISO639_3_TO_1 } from "./_parallel_lines.ts";

/** Where Debian installs dictd dictionaries. */
export const DICTD_DIR = "/usr/share/dictd";

/** The FreeDict dictionaries xlir uses (`{src}-{tgt}`, ISO 639-3). */
export const FREEDICT_DICTIONARIES: readonly string[] = [
  "eng-ara",
  "ara-eng",
  "eng-deu",
  "deu-eng",
  "eng-ell",
  "ell-eng",
  "eng-hin",
  "eng-rus",
  "eng-spa",
  "spa-eng",
  "eng-tur",
  "tur-eng",
];

const DICTD_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Decodes a dictd index number (base64 digits, most significant first).
 *
 * @param text The digits, e.g. `"B"` (1) or `"G+T"`.
 * @returns The number.
 * @throws {InputError} On a character outside dictd's alphabet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeDictdNumber } from "./freedict.ts";
 * assert(decodeDictdNumber("B") === 1);
 * assert(decodeDictdNumber("BA") === 64);
 * ```
 */
export function decodeDictdNumber(text: string): number {
  let n = 0;
  for (const c of text) {
    const digit = DICTD_B64.indexOf(c);
    if (digit < 0) throw new InputError(`"${text}" is not a dictd base64 number`);
    n = n * 64 + digit;
  }
  return n;
}

/** One dictd entry: its index headword and its text. */
export interface DictdEntry {
  /** The `.index` headword (dictd lowercases it and drops punctuation). */
  headword: string;
  /** The entry's text in the `.dict`. */
  text: string;
}

/**
 * Reads a dictd dictionary: every distinct entry (index lines sharing a byte
 * range are read once), in index order.
 *
 * @param indexPath The `.index` file.
 * @param dictPath The `.dict.dz` (or uncompressed `.dict`) file.
 * @returns The entries.
 * @throws {InputError} On a malformed index line or a range past the end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readDictd } from "./freedict.ts";
 * import { writeDictd } from "./_testing.ts";
 * const dir = await Deno.makeTempDir();
 * await writeDictd(dir, "eng-deu", [["cat", "cat\nKatze\n"], ["dog", "dog /dɒɡ/\nHund <masc>\n"]]);
 * const entries = await readDictd(`${dir}/freedict-eng-deu.index`, `${dir}/freedict-eng-deu.dict.dz`);
 * assert.deepEqual(entries.map((e) => e.text), ["cat\nKatze\n", "dog /dɒɡ/\nHund <masc>\n"]);
 * ```
 */
export async function readDictd(indexPath: string, dictPath: string): Promise<DictdEntry[]> {
  const index = await Deno.readTextFile(indexPath);
  const raw = await Deno.readFile(dictPath);
  const data = dictPath.endsWith(".dz") ? gunzipSync(raw) : raw;
  const decoder = new TextDecoder();
  const seen = new Set<string>();
  const entries: DictdEntry[] = [];
  const lines = index.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const fields = line.split("\t");
    if (fields.length < 3) {
      throw new InputError(
        `Cannot read ${indexPath}: line ${i + 1} has ${fields.length} fields, expected 3`,
      );
    }
    const [headword, offsetText, lengthText] = fields;
    if (seen.has(`${offsetText}:${lengthText}`)) continue;
    seen.add(`${offsetText}:${lengthText}`);
    const offset = decodeDictdNumber(offsetText);
    const length = decodeDictdNumber(lengthText);
    if (offset + length > data.length) {
      throw new InputError(
        `Cannot read ${indexPath}: line ${i + 1} points past the end of ${dictPath} (${
          offset + length
        } > ${data.length} bytes)`,
      );
    }
    entries.push({ headword, text: decoder.decode(data.subarray(offset, offset + length)) });
  }
  return entries;
}

/** Options of the term cleaning. */
export interface TermOptions {
  /** The most words a term may have (default 4). */
  maxWords?: number;
}

/**
 * Normalises a dictionary term and says whether it is a clean word or phrase.
 *
 * @param term A headword or translation, marks already removed.
 * @param options `maxWords`.
 * @returns The cleaned term, or `undefined` when it is not usable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cleanTerm } from "./freedict.ts";
 * assert(cleanTerm("  संचय~करना ") === "संचय करना");
 * assert(cleanTerm("archi‐") === undefined);
 * ```
 */
export function cleanTerm(term: string, options: TermOptions = {}): string | undefined {
  const maxWords = options.maxWords ?? 4;
  const t = term.replaceAll("~", " ").replace(/\s+/g, " ").trim().replace(/[:.!]+$/u, "")
    .trim();
  if (t === "" || !/\p{L}/u.test(t)) return undefined;
  if (/[?…{}"=/|<>[\]()]|\.\.\./u.test(t)) return undefined;
  if (/^[-‐‑–—']|[-‐‑–—]$/u.test(t)) return undefined;
  if (t.split(" ").length > maxWords || t.length > 80) return undefined;
  return t;
}

/** A parsed FreeDict entry. */
export interface FreedictEntry {
  /** The headword(s) (a comma in the headword line gives several). */
  headwords: string[];
  /** The pronunciation, if the headword line has one. */
  pronunciation?: string;
  /** The cleaned translations, in entry order, without duplicates. */
  translations: string[];
}

const MARKS = /\[[^\]]*\]|<[^>]*>|\([^)]*\)|\{[^}]*\}/g;
const LABELLED = /^\s*(see|Synonyms?|Antonyms?|Note|Notes?)\s*:/;

function splitTerms(text: string, options: TermOptions): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,;،؛]/)) {
    const term = cleanTerm(part, options);
    if (term !== undefined) out.push(term);
  }
  return out;
}

/**
 * Parses the plain text of a FreeDict entry into headwords and translations
 * (the module doc gives the rules).
 *
 * @param text The entry text from {@linkcode readDictd}.
 * @param options `maxWords` for the terms.
 * @returns The entry, or `undefined` for a meta entry, one without a usable
 * headword, or one whose pronunciation is far longer than its headword.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFreedictEntry } from "./freedict.ts";
 * const entry = parseFreedictEntry(
 *   "Ligatur /lˌiːɡatˈuːɾ/ <fem, n, sg>\n [med.] ligation <n>, ligature <n>\n   Synonyms: {Abbinden}\n",
 * );
 * assert(entry?.headwords[0] === "Ligatur");
 * assert(entry?.translations.join("|") === "ligation|ligature");
 * ```
 */
export function parseFreedictEntry(
  text: string,
  options: TermOptions = {},
): FreedictEntry | undefined {
  const lines = text.split("\n");
  // Stray indented notes of the previous entry can precede the headword line.
  let h = 0;
  while (h < lines.length && (lines[h].trim() === "" || /^\s/.test(lines[h]))) h++;
  if (h === lines.length) return undefined;
  const head = lines[h];
  if (head.startsWith("00-database-") || head.startsWith("00database")) return undefined;
  const pron = head.match(/\s\/([^/]*)\//);
  const headText = (pron ? head.slice(0, pron.index) : head).replace(MARKS, " ");
  if (truncatedHeadword(headText.trim(), pron?.[1])) return undefined;
  const headwords = splitTerms(headText, options);
  if (headwords.length === 0) return undefined;
  const translations: string[] = [];
  for (const line of lines.slice(h + 1)) {
    if (line.trim() === "" || /^\s{2,}/.test(line) || LABELLED.test(line)) continue;
    let body = line.trim();
    if (body.startsWith('"')) continue;
    body = body.replace(/^\d+\.\s*/, "").replace(MARKS, " ");
    const stop = body.search(/\.(\s|$)/);
    if (stop >= 0) body = body.slice(0, stop);
    for (const term of splitTerms(body, options)) {
      if (!translations.includes(term)) translations.push(term);
    }
  }
  return { headwords, pronunciation: pron?.[1], translations };
}

/** True when a pronunciation is too long for its headword (a truncated headword). */
function truncatedHeadword(headword: string, pronunciation: string | undefined): boolean {
  if (pronunciation === undefined) return false;
  const sounds = pronunciation.replace(/[ˈˌ.\s\u0300-\u036f]/g, "").length;
  const letters = headword.replace(/\s/g, "").length;
  return sounds > 2.5 * letters + 4;
}

/** Options of {@linkcode loadFreedict}. */
export interface FreedictOptions extends TermOptions {
  /** The folder with the dictd files (default {@linkcode DICTD_DIR}). */
  dictDir?: string;
}

/**
 * The (source, target) ISO 639-1 codes of a FreeDict dictionary name.
 *
 * @param name E.g. `"eng-deu"`.
 * @returns E.g. `["en", "de"]`.
 * @throws {InputError} For a name not of the form `xxx-yyy` with known codes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { freedictLanguages } from "./freedict.ts";
 * assert(freedictLanguages("ara-eng").join() === "ar,en");
 * ```
 */
export function freedictLanguages(name: string): [string, string] {
  const [src, tgt, ...rest] = name.split("-");
  const a = ISO639_3_TO_1[src];
  const b = ISO639_3_TO_1[tgt];
  if (rest.length > 0 || a === undefined || b === undefined) {
    throw new InputError(
      `Unknown FreeDict dictionary "${name}", expected "{src}-{tgt}" with codes among ${
        Object.keys(ISO639_3_TO_1).join(" ")
      }`,
    );
  }
  return [a, b];
}

/**
 * Reads one FreeDict dictionary as clean translation pairs, headword →
 * translation, in index order (deduplicated).
 *
 * @param name The dictionary, e.g. `"eng-deu"` (source `"freedict:eng-deu"`).
 * @param options Folder, `maxWords`.
 * @returns The pairs.
 * @throws {InputError} Naming the Debian package to install when the files
 * are missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadFreedict } from "./freedict.ts";
 * import { writeDictd } from "./_testing.ts";
 * const dictDir = await Deno.makeTempDir();
 * await writeDictd(dictDir, "eng-deu", [["dog", "dog /dɒɡ/ <n>\nHund <masc>, Köter <masc>\n"]]);
 * const pairs = await loadFreedict("eng-deu", { dictDir });
 * assert.deepEqual(pairs.map((p) => `${p.src} > ${p.tgt}`), ["dog > Hund", "dog > Köter"]);
 * ```
 */
export async function loadFreedict(
  name: string,
  options: FreedictOptions = {},
): Promise<TranslationPair[]> {
  const [srcLang, tgtLang] = freedictLanguages(name);
  const dir = options.dictDir ?? DICTD_DIR;
  const indexPath = join(dir, `freedict-${name}.index`);
  const dictPath = join(dir, `freedict-${name}.dict.dz`);
  for (const path of [indexPath, dictPath]) {
    try {
      await Deno.stat(path);
    } catch {
      throw new InputError(
        `Cannot read FreeDict ${name}: ${path} does not exist; install the Debian package dict-freedict-${name} (apt-get install dict-freedict-${name})`,
      );
    }
  }
  const source = `freedict:${name}`;
  const seen = new Set<string>();
  const pairs: TranslationPair[] = [];
  for (const { headword, text } of await readDictd(indexPath, dictPath)) {
    if (/^00-?database/.test(headword)) continue;
    const entry = parseFreedictEntry(text, options);
    if (entry === undefined) continue;
    for (const src of entry.headwords) {
      if (!hasScriptLetter(src, srcLang)) continue;
      for (const tgt of entry.translations) {
        if (!hasScriptLetter(tgt, tgtLang)) continue;
        const key = `${src}\t${tgt}`;
        if (seen.has(key)) continue;
        seen.add(key);
        pairs.push({ srcLang, tgtLang, src, tgt, source });
      }
    }
  }
  return pairs;
}

/**
 * Reads several FreeDict dictionaries (default: all of
 * {@linkcode FREEDICT_DICTIONARIES}), concatenated in the given order.
 *
 * @param names Dictionary names.
 * @param options Folder, `maxWords`.
 * @returns The pairs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadFreedicts } from "./freedict.ts";
 * import { writeDictd } from "./_testing.ts";
 * const dictDir = await Deno.makeTempDir();
 * await writeDictd(dictDir, "eng-spa", [["cat", "cat\ngato\n"]]);
 * await writeDictd(dictDir, "spa-eng", [["perro", "perro\ndog\n"]]);
 * const pairs = await loadFreedicts(["eng-spa", "spa-eng"], { dictDir });
 * assert.deepEqual(pairs.map((p) => p.source), ["freedict:eng-spa", "freedict:spa-eng"]);
 * ```
 */
export async function loadFreedicts(
  names: readonly string[] = FREEDICT_DICTIONARIES,
  options: FreedictOptions = {},
): Promise<TranslationPair[]> {
  const all: TranslationPair[] = [];
  for (const name of names) {
    for (const pair of await loadFreedict(name, options)) all.push(pair);
  }
  return all;
}
