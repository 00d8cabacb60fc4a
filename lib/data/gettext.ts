/**
 * Translation pairs from the gettext catalogs Debian packages install
 * (`/usr/share/locale/{locale}/LC_MESSAGES/{domain}.mo`): each message's
 * msgid is the English source text and its msgstr the translation. The
 * catalogs are already on any Debian system (the issue counted de 58k, es
 * 51k, ru 49k, zh 43k, tr 43k, vi 32k, el 19k, th 8k, ar 7.5k, hi 6.6k
 * messages on this image).
 *
 * Locales: the language's plain code (`de`, not `de_CH`); for Chinese the
 * Simplified-script `zh_CN` catalogs, since XQuAD-R's and MLQA-R's Chinese
 * is Simplified (`zh_TW`, Traditional, is not read). Contexts (`msgctxt`)
 * only disambiguate and are not part of the text. A plural message gives two
 * pairs: the singular msgid with the form the catalog's `Plural-Forms` picks
 * for n = 1, and the plural msgid with the form for n = 5 (a count that is
 * plural in every rule here and neither Arabic's dual nor the Slavic 2–4
 * form). `msgfmt` leaves fuzzy and untranslated messages out of a `.mo`;
 * messages whose translation is the English text are dropped by
 * {@linkcode softwarePairs}, which also cleans accelerators, placeholders and
 * markup. The ISO-code catalogs of obscure names (`iso_639-3`, `iso_3166-2`,
 * `iso_639-5` and their `_` twins: thousands of language and region names,
 * mostly left as they are or swapped for an alternative name) are skipped by
 * default ({@linkcode GETTEXT_SKIPPED_DOMAINS}).
 *
 * Each pair is `en → {lang}` with `source: "gettext"`, the owning Debian
 * package (from dpkg's file lists) and the `.mo` path; repeats within a
 * language (the same message in several catalogs) are kept once.
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { dpkgOwners } from "./dpkg_owners.ts";
import { type MoCatalog, readMo } from "./mo_file.ts";
import { parsePluralForms } from "./plural_forms.ts";
import { softwarePairs, type SoftwareTextOptions } from "./software_text.ts";
import type { TranslationPair } from "./types.ts";

/** Where Debian installs gettext catalogs. */
export const LOCALE_DIR = "/usr/share/locale";

/** The locale folder read for each xlir language (no English: it is the msgid side). */
export const GETTEXT_LOCALES: Readonly<Record<string, string>> = {
  ar: "ar",
  de: "de",
  el: "el",
  es: "es",
  hi: "hi",
  ru: "ru",
  th: "th",
  tr: "tr",
  vi: "vi",
  zh: "zh_CN",
};

/** Catalogs skipped by default: obscure language and region names (see the module doc). */
export const GETTEXT_SKIPPED_DOMAINS: readonly string[] = [
  "iso_639-3",
  "iso_639_3",
  "iso_639-5",
  "iso_639_5",
  "iso_3166-2",
  "iso_3166_2",
];

/** The count whose plural form is paired with the English plural msgid. */
export const PLURAL_SAMPLE_COUNT = 5;

/**
 * The raw (English, translation) texts of a catalog, plural forms resolved
 * as the module doc says; messages without a translation are skipped.
 *
 * @param catalog A parsed catalog.
 * @param where The catalog's path, for errors.
 * @returns The text pairs, in catalog order.
 * @throws {InputError} On a `Plural-Forms` header outside gettext's grammar.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { catalogTexts } from "./gettext.ts";
 * const catalog = {
 *   header: { "Plural-Forms": "nplurals=2; plural=n != 1;" },
 *   charset: "utf-8",
 *   messages: [{ msgid: "%d file", msgidPlural: "%d files", msgstr: ["%d Datei", "%d Dateien"] }],
 * };
 * assert.deepEqual(catalogTexts(catalog), [["%d file", "%d Datei"], ["%d files", "%d Dateien"]]);
 * ```
 */
export function catalogTexts(catalog: MoCatalog, where = "catalog"): [string, string][] {
  const hasPlural = catalog.messages.some((m) => m.msgidPlural !== undefined);
  const forms = hasPlural ? parsePluralForms(catalog.header["Plural-Forms"], where) : undefined;
  const out: [string, string][] = [];
  for (const m of catalog.messages) {
    if (m.msgidPlural === undefined || forms === undefined) {
      if (m.msgstr[0]) out.push([m.msgid, m.msgstr[0]]);
      continue;
    }
    const one = m.msgstr[forms.formFor(1)];
    const many = m.msgstr[forms.formFor(PLURAL_SAMPLE_COUNT)];
    if (one) out.push([m.msgid, one]);
    if (many) out.push([m.msgidPlural, many]);
  }
  return out;
}

/** Options of {@linkcode loadGettextPairs}. */
export interface GettextOptions extends SoftwareTextOptions {
  /** The locale root (default {@linkcode LOCALE_DIR}). */
  localeDir?: string;
  /** Target languages (default: all of {@linkcode GETTEXT_LOCALES}). */
  languages?: readonly string[];
  /** Locale folder per language (default {@linkcode GETTEXT_LOCALES}). */
  locales?: Readonly<Record<string, string>>;
  /** Catalog names (without `.mo`) to skip (default {@linkcode GETTEXT_SKIPPED_DOMAINS}). */
  skipDomains?: readonly string[];
  /** The pairs' `source` (default `"gettext"`). */
  source?: string;
  /** dpkg's info folder for the package provenance (default `/var/lib/dpkg/info`). */
  dpkgInfoDir?: string;
}

/**
 * Reads the gettext catalogs of the given languages as clean `en → X`
 * translation pairs (the module doc gives the rules).
 *
 * @param options Folders, languages, catalogs to skip, cleaning options.
 * @returns The pairs, by language (in the order given), catalog name, then
 * catalog order.
 * @throws {InputError} When a language has no locale folder (naming the
 * folder), for an unknown language, or on a malformed catalog.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMo } from "./mo_file.ts";
 * import { loadGettextPairs } from "./gettext.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/de/LC_MESSAGES`, { recursive: true });
 * await Deno.writeFile(`${root}/de/LC_MESSAGES/x.mo`, encodeMo([{ msgid: "_Open", msgstr: ["Ö_ffnen"] }]));
 * const pairs = await loadGettextPairs({ localeDir: root, languages: ["de"] });
 * assert(pairs[0].src === "Open" && pairs[0].tgt === "Öffnen" && pairs[0].source === "gettext");
 * ```
 */
export async function loadGettextPairs(options: GettextOptions = {}): Promise<TranslationPair[]> {
  const root = options.localeDir ?? LOCALE_DIR;
  const locales = options.locales ?? GETTEXT_LOCALES;
  const languages = options.languages ?? Object.keys(locales);
  const skip = new Set(options.skipDomains ?? GETTEXT_SKIPPED_DOMAINS);
  const source = options.source ?? "gettext";
  const owners = await dpkgOwners(root.endsWith("/") ? root : `${root}/`, options.dpkgInfoDir);
  const pairs: TranslationPair[] = [];
  for (const lang of languages) {
    const locale = locales[lang];
    if (locale === undefined) {
      throw new InputError(
        `No gettext locale for language "${lang}", expected one of ${
          Object.keys(locales).join(" ")
        }`,
      );
    }
    const dir = join(root, locale, "LC_MESSAGES");
    let files: string[];
    try {
      files = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".mo"))
        .map((e) => e.name).filter((name) => !skip.has(name.slice(0, -3))).sort();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new InputError(
          `Cannot read ${source} catalogs for "${lang}": ${dir} does not exist, expected .mo files there`,
          { cause: error },
        );
      }
      throw error;
    }
    const seen = new Set<string>();
    for (const name of files) {
      const file = join(dir, name);
      for (const [en, text] of catalogTexts(await readMo(file), file)) {
        for (const [src, tgt] of softwarePairs(en, text, lang, options)) {
          const key = `${src}\u0000${tgt}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const pair: TranslationPair = { srcLang: "en", tgtLang: lang, src, tgt, source, file };
          const pkg = owners.get(file);
          if (pkg !== undefined) pair.package = pkg;
          pairs.push(pair);
        }
      }
    }
  }
  return pairs;
}
