/**
 * Translation pairs from LibreOffice's user-interface strings, as Debian's
 * `libreoffice-l10n-{lang}` packages install them: gettext catalogs under
 * `/usr/lib/libreoffice/program/resource/{locale}/LC_MESSAGES/*.mo` (one per
 * LibreOffice module: `sw`, `sc`, `cui`, …), whose msgid is the English
 * string and msgctxt an id such as `numparapage|labelFT_RESTART_NO`.
 *
 * The catalogs are read by {@linkcode loadGettextPairs} (same plural,
 * context and cleaning rules; LibreOffice's `~` accelerators and
 * `%PRODUCTNAME`/`$(ARG1)` variables are cleaned there), with
 * `source: "libreoffice-ui"`. Bookworm has `libreoffice-l10n-*` for all ten
 * non-English XQuAD-R languages (Chinese: `zh-cn`, installed as `zh_CN`);
 * for Arabic and Thai, which have no `libreoffice-help-*`, these strings are
 * the LibreOffice text there is.
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { type GettextOptions, loadGettextPairs } from "./gettext.ts";
import type { TranslationPair } from "./types.ts";

/** Where `libreoffice-l10n-*` installs its catalogs. */
export const LIBREOFFICE_RESOURCE_DIR = "/usr/lib/libreoffice/program/resource";

/** The resource folder per xlir language. */
export const LIBREOFFICE_UI_LOCALES: Readonly<Record<string, string>> = {
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

/** The Debian package that installs a language's UI catalogs (`zh` → `libreoffice-l10n-zh-cn`). */
export function libreofficeL10nPackage(lang: string): string {
  return `libreoffice-l10n-${lang === "zh" ? "zh-cn" : lang}`;
}

function _isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** Options of {@linkcode loadLibreofficeUiPairs}. */
export type LibreofficeUiOptions = Omit<GettextOptions, "locales" | "source" | "skipDomains">;

/**
 * Reads LibreOffice's UI catalogs as clean `en → X` pairs.
 *
 * @param options `localeDir` (default {@linkcode LIBREOFFICE_RESOURCE_DIR}),
 * languages (default all ten), cleaning options.
 * @returns The pairs (`source: "libreoffice-ui"`), by language.
 * @throws {InputError} Naming the Debian package to install when a
 * language's catalogs are missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMo } from "./mo_file.ts";
 * import { loadLibreofficeUiPairs } from "./libreoffice_ui.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/th/LC_MESSAGES`, { recursive: true });
 * const mo = encodeMo([{ context: "dlg|top", msgid: "_Top", msgstr: ["_บน"] }]);
 * await Deno.writeFile(`${root}/th/LC_MESSAGES/chart.mo`, mo);
 * const [pair] = await loadLibreofficeUiPairs({ localeDir: root, languages: ["th"] });
 * assert(pair.src === "Top" && pair.tgt === "บน" && pair.source === "libreoffice-ui");
 * ```
 */
export async function loadLibreofficeUiPairs(
  options: LibreofficeUiOptions = {},
): Promise<TranslationPair[]> {
  const root = options.localeDir ?? LIBREOFFICE_RESOURCE_DIR;
  const languages = options.languages ?? Object.keys(LIBREOFFICE_UI_LOCALES);
  for (const lang of languages) {
    const locale = LIBREOFFICE_UI_LOCALES[lang];
    if (locale !== undefined && !_isDir(join(root, locale, "LC_MESSAGES"))) {
      throw new InputError(
        `Cannot read LibreOffice UI strings for "${lang}": ${
          join(root, locale, "LC_MESSAGES")
        } does not exist; install the Debian package ${libreofficeL10nPackage(lang)}`,
      );
    }
  }
  return await loadGettextPairs({
    ...options,
    localeDir: root,
    languages,
    locales: LIBREOFFICE_UI_LOCALES,
    skipDomains: [],
    source: "libreoffice-ui",
  });
}
