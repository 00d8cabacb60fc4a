/**
 * Cleaning of the text software localisation carries (gettext catalogs,
 * LibreOffice's UI strings and help pages), so that a message and its
 * translation become a plain-text {@linkcode TranslationPair}.
 *
 * {@linkcode cleanSoftwareText}, in this order:
 * 1. keyboard accelerators: a parenthesised one as CJK catalogs write it
 *    (`文件(_F)`, `(&F)`, `(~F)`), LibreOffice's `~` (`~Open`, `Ö~ffnen`),
 *    Qt's `&` before a letter (not an entity such as `&amp;`) and GTK's `_`
 *    before a letter at the start of a word, or anywhere when the text has a
 *    single `_` and at most five words (`Fi_le`);
 * 2. markup: XML/HTML tags (`<b>`, `<span class="x">`; `<br>` becomes a
 *    space; also metavariables written like tags, `<file>`, `<işleme>`), then the entities `&amp; &lt; &gt; &quot; &apos; &nbsp;` and
 *    numeric ones;
 * 3. placeholders: printf conversions (`%s`, `%d`, `%1$s`, `%-10.3lf`,
 *    `%'d`; `%%` becomes `%`), strftime fields (`%H:%M`), Python's `%(name)s`, brace fields (`{0}`,
 *    `{name}`, `{}`), Qt's `%1`, shell `$VAR`/`${VAR}`, LibreOffice's
 *    `$(ARG1)` and `%UPPERCASE` variables (`%PRODUCTNAME` becomes
 *    "LibreOffice", the name it stands for); URLs;
 * 4. segments: a blank line or a line starting with a command-line option
 *    starts one, wrapped lines are joined; then per segment the option
 *    column (`  -a, --all  do not …`), quote pairs left empty (`»%s«` → `»«`), spaces before
 *    punctuation, and punctuation left dangling at either end (`Cannot open
 *    %s: %s` → `Cannot open`).
 *
 * {@linkcode softwarePairs} then pairs the cleaned English and translation,
 * segment by segment when both have the same number of segments (usage
 * texts) and joined into one text otherwise, and drops a pair when either side is empty or longer
 * than `maxChars`, the English has fewer than `minLetters` letters, the
 * translation equals the English (case-insensitive: left untranslated), or
 * the translation has no letter of its language's script, or a side holds
 * a code identifier such as `search_path` (`_` inside a word after cleaning,
 * or the same such word on both sides before it), or the English has two or
 * more command-line options (a synopsis such as `git archive [--exec]`).
 *
 * @module
 */

import { hasScriptLetter } from "./languages.ts";

/** Options of {@linkcode softwarePairs}. */
export interface SoftwareTextOptions {
  /** The fewest letters the English side may have (default 3: drops "OK", "No", "%s"). */
  minLetters?: number;
  /** The most characters either side may have (default 400). */
  maxChars?: number;
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/**
 * Decodes the XML/HTML entities software text uses (named: `amp lt gt quot
 * apos nbsp`; numeric: `&#39;`, `&#x27;`). Unknown named entities are kept.
 *
 * @param text The text.
 * @returns The decoded text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeEntities } from "./software_text.ts";
 * assert(decodeEntities("R&amp;D &#8211; &lt;x&gt;") === "R&D – <x>");
 * ```
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (all, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X"
        ? parseInt(body.slice(2), 16)
        : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[body] ?? all;
  });
}

/**
 * Removes XML/HTML tags (`<br>` and `<br/>` become a space) and decodes entities.
 *
 * @param text Text with markup.
 * @returns Plain text (whitespace not normalised).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stripMarkup } from "./software_text.ts";
 * assert(stripMarkup('Click <span class="menuitem">Open</span>.') === "Click Open.");
 * assert(stripMarkup("a < b") === "a < b");
 * ```
 */
export function stripMarkup(text: string): string {
  return decodeEntities(
    text.replace(/<br\s*\/?>/gi, " ").replace(/<\/?\p{L}[\p{L}\p{N}_:.-]*(\s[^<>]*)?\/?>/gu, ""),
  );
}

const PRINTF =
  /%(\d+\$)?[-+ #0']*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|L|q|j|z|t|I64|I32)?[diouxXeEfFgGaAcspnm]/g;

/** Removes accelerator markers (step 1 of the module doc). */
function _stripAccelerators(text: string): string {
  let t = text.replace(/\s*[(（][_&~][A-Za-z0-9][)）]/g, "");
  t = t.replace(/~(?=[\p{L}\p{N}])/gu, "");
  t = t.replace(/&(?=[\p{L}\p{N}])(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/gu, "");
  t = t.replace(/(^|[^\p{L}\p{N}_])_(?=[\p{L}\p{N}])/gu, "$1");
  const underscores = (t.match(/_/g) ?? []).length;
  if (underscores === 1 && t.trim().split(/\s+/).length <= 5) {
    t = t.replace(/(?<=[\p{L}\p{M}])_(?=[\p{L}\p{N}])/u, "");
  }
  return t;
}

/** Removes placeholders (step 3 of the module doc). */
function _stripPlaceholders(text: string): string {
  return text
    .replace(/https?:\/\/[^\s<>"»«]+/g, "")
    .replace(/%PRODUCTNAME\b/g, "LibreOffice")
    .replace(/%\([\w.-]+\)[-+ #0]*\d*(\.\d+)?[a-zA-Z]/g, "")
    .replace(PRINTF, "")
    .replace(/%[-_0^#]?[EO]?[aAbBcCdDeFgGhHIjklmMnprRsStTuUVwWxXyYzZ+]/g, "")
    .replace(/%[A-Z][A-Z0-9_]+\b%?/g, "")
    .replace(/%\d+\b/g, "")
    .replace(/%%/g, "%")
    .replace(/\$\(\w+\)|\$\{\w+\}|\$\w+/g, "")
    .replace(/\{[\w.]*(![rsa])?(:[^{}]*)?\}/g, "");
}

const EMPTY_QUOTES =
  /“\s*”|‘\s*’|„\s*“|»\s*«|«\s*»|"\s*"|'\s*'|`\s*'|`\s*`|「\s*」|『\s*』|“\s*“|\(\s*\)|\[\s*\]|（\s*）/g;

const OPTION =
  /^\s*(?:-{1,2}[A-Za-z0-9?][\w-]*(?:\[?=[^\s,\]]*\]?| [A-Z][A-Z_]+\b| <[^>]+>)?(?:,\s*|\s+|$))+/;

/** Normalises one segment (step 4 of the module doc). */
function _tidySegment(segment: string): string {
  let t = segment.replace(OPTION, "");
  for (let k = 0; k < 3; k++) t = t.replace(EMPTY_QUOTES, "");
  t = t.replace(/\s+/g, " ").replace(/\s+([,.:;!?…、。，：；！？)])/g, "$1").trim();
  // Punctuation left dangling where a placeholder was: leading ": ", trailing " :", "(", "-".
  t = t.replace(/^[\s,.:;!?)\]–—/=|]+/u, "").replace(/[\s,:;(\[\-–—/=|：，、]+$/u, "");
  return t.trim();
}

/**
 * Splits a message into segments: a blank line, or a line starting with a
 * command-line option (`  -a, --all …`), starts a new segment; other lines
 * continue the current one (wrapped prose, an option's wrapped description).
 */
function _segments(text: string): string[] {
  const segments: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) segments.push(current.join("\n"));
    current = [];
  };
  for (const line of text.split("\n")) {
    if (line.trim() === "") flush();
    else if (/^\s*-{1,2}[A-Za-z0-9?]/.test(line)) {
      flush();
      current.push(line);
    } else current.push(line);
  }
  flush();
  return segments;
}

/**
 * Cleans one software string into plain text (the module doc gives the
 * steps). A message of several paragraphs or option descriptions gives one
 * line per segment (a blank line or an option line starts a segment; wrapped
 * lines are joined), each normalised; empty segments are dropped.
 *
 * @param text A msgid, msgstr or help paragraph.
 * @returns The cleaned text, segments separated by `\n` (possibly empty).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cleanSoftwareText } from "./software_text.ts";
 * assert(cleanSoftwareText("_Open %s…") === "Open…");
 * assert(cleanSoftwareText("Cannot open »%s«: %s\n") === "Cannot open");
 * assert(cleanSoftwareText("打开文件(_O)") === "打开文件");
 * assert(cleanSoftwareText("Start %PRODUCTNAME in ~safe mode") === "Start LibreOffice in safe mode");
 * assert(cleanSoftwareText("-s,--silent quiet") === "quiet");
 * assert(cleanSoftwareText("  -a, --all     do not ignore\n                  hidden files\n  -l  long") ===
 *   "do not ignore hidden files\nlong");
 * ```
 */
export function cleanSoftwareText(text: string): string {
  const plain = _stripPlaceholders(stripMarkup(_stripAccelerators(text)));
  return _segments(plain).map(_tidySegment).filter((l) => l !== "").join("\n");
}

/**
 * Pairs a cleaned English message and its cleaned translation (the module
 * doc gives the rules): one pair, several (line by line), or none.
 *
 * @param english The English source text (raw: it is cleaned here).
 * @param translation The translation (raw).
 * @param lang The translation's language code.
 * @param options `minLetters`, `maxChars`.
 * @returns `[english, translation]` pairs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { softwarePairs } from "./software_text.ts";
 * assert.deepEqual(softwarePairs("_Save As…", "Speichern _unter…", "de"), [["Save As…", "Speichern unter…"]]);
 * assert.deepEqual(softwarePairs("Print", "Print", "de"), []);
 * assert.deepEqual(softwarePairs("Print", "Print", "ru"), []);
 * ```
 */
export function softwarePairs(
  english: string,
  translation: string,
  lang: string,
  options: SoftwareTextOptions = {},
): [string, string][] {
  // An identifier both sides share (`search_path`) is code, not a mnemonic.
  const ids = new Set(english.match(SHARED_IDENTIFIER) ?? []);
  if ((translation.match(SHARED_IDENTIFIER) ?? []).some((t) => ids.has(t))) return [];
  return pairCleanTexts(cleanSoftwareText(english), cleanSoftwareText(translation), lang, options);
}

const SHARED_IDENTIFIER = /[\p{L}\p{N}]+_[\p{L}\p{N}_]+/gu;

/**
 * {@linkcode softwarePairs} for texts already cleaned with
 * {@linkcode cleanSoftwareText} (so an English text shared by several
 * translations is cleaned once).
 *
 * @param english The cleaned English text.
 * @param translation The cleaned translation.
 * @param lang The translation's language code.
 * @param options `minLetters`, `maxChars`.
 * @returns `[english, translation]` pairs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairCleanTexts } from "./software_text.ts";
 * assert.deepEqual(pairCleanTexts("Open\nClose", "Öffnen\nSchließen", "de").length, 2);
 * ```
 */
export function pairCleanTexts(
  english: string,
  translation: string,
  lang: string,
  options: SoftwareTextOptions = {},
): [string, string][] {
  const minLetters = options.minLetters ?? 3;
  const maxChars = options.maxChars ?? 400;
  const en = english.split("\n");
  const tr = translation.split("\n");
  const candidates: [string, string][] = en.length === tr.length
    ? en.map((e, i) => [e, tr[i]])
    : [[en.join(" "), tr.join(" ")]];
  const out: [string, string][] = [];
  for (const [e, t] of candidates) {
    if (e === "" || t === "" || e.length > maxChars || t.length > maxChars) continue;
    if ((e.match(/\p{L}/gu) ?? []).length < minLetters) continue;
    if (e.toLowerCase() === t.toLowerCase()) continue;
    if (!hasScriptLetter(t, lang)) continue;
    if (IDENTIFIER.test(e) || IDENTIFIER.test(t)) continue;
    if ((e.match(OPTION_TOKEN) ?? []).length > 1) continue;
    out.push([e, t]);
  }
  return out;
}

const OPTION_TOKEN = /(?:^|[\s[(|])--?[A-Za-z]/g;
const IDENTIFIER = /[\p{L}\p{N}]_|_[\p{L}\p{N}]/u;
