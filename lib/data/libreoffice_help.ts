/**
 * LibreOffice's help pages as multi-parallel documents, from Debian's
 * `libreoffice-help-{lang}` packages (and `libreoffice-help-en-us` for the
 * English source): HTML files at `/usr/share/libreoffice/help/{locale}/text/
 * {module}/…/*.html`, the same files in every language, whose paragraphs and
 * headings carry the translation unit's id (`<p id="par_id3154254"
 * class="paragraph">`, `<h2 id="hd_id3150040">`). A paragraph is aligned
 * across languages by its file, its id and, since a page can embed another
 * page's paragraphs, the id's occurrence number in the file.
 *
 * Bookworm ships help for de el es hi ru tr vi and zh-cn (read as `zh`;
 * zh-tw is not read) but not for ar or th. Paragraphs whose class marks code
 * or media ({@linkcode HELP_SKIPPED_CLASSES}) are skipped; each text is
 * cleaned with {@linkcode cleanSoftwareText} after its whitespace is
 * collapsed, and a language's text is kept only when
 * {@linkcode pairCleanTexts} accepts it with the English (so untranslated
 * paragraphs, still English in a translated page, are dropped for that
 * language). A file is a document (`doc`), its paragraphs in file order —
 * the unit the Inverse Cloze Task takes neighbours from.
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { cleanSoftwareText, pairCleanTexts, type SoftwareTextOptions } from "./software_text.ts";
import type { AlignedSentence } from "./types.ts";

/** Where `libreoffice-help-*` installs the pages. */
export const LIBREOFFICE_HELP_DIR = "/usr/share/libreoffice/help";

/** The help folder per xlir language (Debian bookworm ships no ar or th help). */
export const LIBREOFFICE_HELP_LOCALES: Readonly<Record<string, string>> = {
  de: "de",
  el: "el",
  en: "en-US",
  es: "es",
  hi: "hi",
  ru: "ru",
  tr: "tr",
  vi: "vi",
  zh: "zh-CN",
};

/** Paragraph classes that hold code, formulas or media rather than prose. */
export const HELP_SKIPPED_CLASSES: readonly string[] = [
  "code",
  "codeintable",
  "smathcode",
  "example",
  "image",
  "imageintable",
  "youtube_consent",
];

/** One translation unit of a page: its key and its raw inner HTML. */
export interface HelpParagraph {
  /** `"{id}"` for the first occurrence in the file, `"{id}#{k}"` for the k-th repeat. */
  key: string;
  /** The element's inner HTML. */
  html: string;
}

const UNIT = /<(p|h[1-6])\s([^>]*?)\bid="((?:par|hd)_id[^"]*)"([^>]*)>([\s\S]*?)<\/\1>/g;

/**
 * The translation units of one help page, in file order.
 *
 * @param html The page.
 * @returns Its paragraphs and headings with a `par_id`/`hd_id`, skipped classes left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { helpParagraphs } from "./libreoffice_help.ts";
 * const page = '<h1 id="hd_id1" dir="auto">Title</h1><p id="par_id2" class="paragraph">Choose <span>Tools</span>.</p>' +
 *   '<p id="par_id3" class="code">x = 1</p><p id="par_id2" class="paragraph">Again.</p>';
 * assert.deepEqual(helpParagraphs(page).map((p) => p.key), ["hd_id1", "par_id2", "par_id2#1"]);
 * ```
 */
export function helpParagraphs(html: string): HelpParagraph[] {
  const out: HelpParagraph[] = [];
  const seen = new Map<string, number>();
  for (const m of html.matchAll(UNIT)) {
    const attrs = `${m[2]} ${m[4]}`;
    const cls = /\bclass="([^"]*)"/.exec(attrs)?.[1] ?? "";
    const id = m[3];
    const k = seen.get(id) ?? 0;
    seen.set(id, k + 1);
    if (cls.split(/\s+/).some((c) => HELP_SKIPPED_CLASSES.includes(c))) continue;
    out.push({ key: k === 0 ? id : `${id}#${k}`, html: m[5] });
  }
  return out;
}

/** Options of {@linkcode loadLibreofficeHelp}. */
export interface LibreofficeHelpOptions extends SoftwareTextOptions {
  /** The help root (default {@linkcode LIBREOFFICE_HELP_DIR}). */
  helpDir?: string;
  /** Languages besides English (default: all of {@linkcode LIBREOFFICE_HELP_LOCALES}). */
  languages?: readonly string[];
}

/** The `.html` files under `dir`, as paths relative to it, sorted. */
async function _pages(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  const entries = [];
  for await (const e of Deno.readDir(join(dir, prefix))) entries.push(e);
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const e of entries) {
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory) out.push(...await _pages(dir, rel));
    else if (e.isFile && e.name.endsWith(".html")) out.push(rel);
  }
  return out;
}

/** The Debian package of a language's help (`zh` → `libreoffice-help-zh-cn`, `en` → `-en-us`). */
export function libreofficeHelpPackage(lang: string): string {
  return `libreoffice-help-${LIBREOFFICE_HELP_LOCALES[lang]?.toLowerCase() ?? lang}`;
}

/**
 * Reads the help pages as aligned paragraphs: every English unit with a text,
 * and the languages whose translation of it is accepted (the module doc gives
 * the rules). Ids are `"libreoffice-help:{page}:{key}"`, `doc` the page
 * (`"text/swriter/guide/autocorr_except.html"`).
 *
 * @param options Folder, languages, cleaning options.
 * @returns The paragraphs, page by page in path order, each page's in file
 * order (read once per process for the same options; callers must not
 * modify them).
 * @throws {InputError} For a language without help in bookworm, or naming the
 * Debian package to install when a language's pages are missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadLibreofficeHelp } from "./libreoffice_help.ts";
 * const root = await Deno.makeTempDir();
 * for (const [locale, text] of [["en-US", "Choose a colour."], ["de", "Wählen Sie eine Farbe."]]) {
 *   await Deno.mkdir(`${root}/${locale}/text/shared`, { recursive: true });
 *   await Deno.writeTextFile(`${root}/${locale}/text/shared/a.html`, `<p id="par_id1" class="paragraph">${text}</p>`);
 * }
 * const [s] = await loadLibreofficeHelp({ helpDir: root, languages: ["de"] });
 * assert(s.doc === "text/shared/a.html" && s.text.de === "Wählen Sie eine Farbe.");
 * ```
 */
export function loadLibreofficeHelp(
  options: LibreofficeHelpOptions = {},
): Promise<AlignedSentence[]> {
  const key = JSON.stringify([
    options.helpDir ?? LIBREOFFICE_HELP_DIR,
    options.languages ?? null,
    options.minLetters ?? null,
    options.maxChars ?? null,
  ]);
  let result = _memo.get(key);
  if (result === undefined) {
    result = _load(options);
    _memo.set(key, result);
    result.catch(() => _memo.delete(key));
  }
  return result;
}

/**
 * Reads of this process, by options: the pages are system files that do not
 * change while it runs, and reading them all takes tens of seconds, so the
 * pair loader and the ICT loader share one read.
 */
const _memo = new Map<string, Promise<AlignedSentence[]>>();

async function _load(options: LibreofficeHelpOptions): Promise<AlignedSentence[]> {
  const root = options.helpDir ?? LIBREOFFICE_HELP_DIR;
  const languages = (options.languages ?? Object.keys(LIBREOFFICE_HELP_LOCALES))
    .filter((l) => l !== "en");
  for (const lang of ["en", ...languages]) {
    const locale = LIBREOFFICE_HELP_LOCALES[lang];
    if (locale === undefined) {
      throw new InputError(
        `No LibreOffice help for language "${lang}" in Debian bookworm, expected one of ${
          Object.keys(LIBREOFFICE_HELP_LOCALES).join(" ")
        }`,
      );
    }
    try {
      await Deno.stat(join(root, locale, "text"));
    } catch {
      throw new InputError(
        `Cannot read LibreOffice help for "${lang}": ${
          join(root, locale, "text")
        } does not exist; install the Debian package ${libreofficeHelpPackage(lang)}`,
      );
    }
  }
  const enDir = join(root, LIBREOFFICE_HELP_LOCALES.en);
  const sentences: AlignedSentence[] = [];
  for (const page of await _pages(enDir, "text")) {
    const english = helpParagraphs(await Deno.readTextFile(join(enDir, page)));
    if (english.length === 0) continue;
    const texts: Record<string, string>[] = english.map(() => ({}));
    const enClean = english.map((p) => cleanSoftwareText(p.html.replace(/\s+/g, " ")));
    for (const lang of languages) {
      let html: string;
      try {
        html = await Deno.readTextFile(join(root, LIBREOFFICE_HELP_LOCALES[lang], page));
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) continue;
        throw error;
      }
      const byKey = new Map(helpParagraphs(html).map((p) => [p.key, p.html]));
      english.forEach((p, i) => {
        const other = byKey.get(p.key);
        if (other === undefined) return;
        const text = cleanSoftwareText(other.replace(/\s+/g, " "));
        const pairs = pairCleanTexts(enClean[i], text, lang, options);
        if (pairs.length === 1) texts[i][lang] = pairs[0][1];
      });
    }
    english.forEach((p, i) => {
      if (enClean[i] === "" || Object.keys(texts[i]).length === 0) return;
      sentences.push({
        id: `libreoffice-help:${page}:${p.key}`,
        doc: page,
        text: { en: enClean[i], ...texts[i] },
      });
    });
  }
  return sentences;
}
