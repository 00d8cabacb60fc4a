import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import {
  helpParagraphs,
  LIBREOFFICE_HELP_DIR,
  LIBREOFFICE_HELP_LOCALES,
  libreofficeHelpPackage,
  loadLibreofficeHelp,
} from "./libreoffice_help.ts";

const page = (body: string) =>
  `<!DOCTYPE html><html><body><div id="DisplayArea">${body}</div></body></html>`;

/** Writes `{root}/{locale}/text/{file}` for each [locale, file, body]. */
async function fixture(pages: [string, string, string][]): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const [locale, file, body] of pages) {
    const path = join(root, locale, "text", file);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, page(body));
  }
  return root;
}

const EN = '<h1 id="hd_id1" dir="auto"><a name="x"></a>Inserting Tables</h1>\n' +
  '<p id="par_id2" class="paragraph" dir="auto">Choose <span class="menuitem">Table - Insert Table</span>.</p>\n' +
  '<p id="par_id3" class="code">=SUM(A1:A3)</p>\n' +
  '<p id="par_id4" class="paragraph">Untranslated sentence here.</p>\n' +
  '<p id="par_id2" class="paragraph">Choose <span class="menuitem">Table - Insert Table</span>.</p>';
const DE = '<h1 id="hd_id1" dir="auto"><a name="x"></a>Tabellen einfügen</h1>\n' +
  '<p id="par_id2" class="paragraph" dir="auto">Wählen Sie <span class="menuitem">Tabelle - Tabelle einfügen</span>.</p>\n' +
  '<p id="par_id3" class="code">=SUMME(A1:A3)</p>\n' +
  '<p id="par_id4" class="paragraph">Untranslated sentence here.</p>\n' +
  '<p id="par_id2" class="paragraph">Wählen Sie <span class="menuitem">Tabelle &amp; Tabelle</span>.</p>';
const RU = '<p id="par_id2" class="paragraph">Выберите <span class="menuitem">Таблица</span>.</p>';

Deno.test("helpParagraphs() numbers repeated ids and skips code paragraphs", () => {
  assert.deepEqual(helpParagraphs(page(EN)).map((p) => p.key), [
    "hd_id1",
    "par_id2",
    "par_id4",
    "par_id2#1",
  ]);
});

Deno.test("loadLibreofficeHelp() aligns paragraphs by page, id and occurrence", async () => {
  const root = await fixture([
    ["en-US", "swriter/guide/table.html", EN],
    ["de", "swriter/guide/table.html", DE],
    ["ru", "swriter/guide/table.html", RU],
    ["en-US", "shared/empty.html", "<p>no ids</p>"],
  ]);
  const sentences = await loadLibreofficeHelp({ helpDir: root, languages: ["de", "ru"] });
  assert.deepEqual(sentences.map((s) => [s.id, s.text]), [
    ["libreoffice-help:text/swriter/guide/table.html:hd_id1", {
      en: "Inserting Tables",
      de: "Tabellen einfügen",
    }],
    ["libreoffice-help:text/swriter/guide/table.html:par_id2", {
      en: "Choose Table - Insert Table.",
      de: "Wählen Sie Tabelle - Tabelle einfügen.",
      ru: "Выберите Таблица.",
    }],
    // par_id4 is still English in German: no language but English, so no sentence.
    ["libreoffice-help:text/swriter/guide/table.html:par_id2#1", {
      en: "Choose Table - Insert Table.",
      de: "Wählen Sie Tabelle & Tabelle.",
    }],
  ]);
  assert.ok(sentences.every((s) => s.doc === "text/swriter/guide/table.html"));
});

Deno.test("loadLibreofficeHelp() names the package to install and rejects languages bookworm lacks", async () => {
  const root = await fixture([["en-US", "a.html", EN]]);
  await assert.rejects(
    () => loadLibreofficeHelp({ helpDir: root, languages: ["zh"] }),
    (e: unknown) => e instanceof InputError && /libreoffice-help-zh-cn/.test(e.message),
  );
  await assert.rejects(
    () => loadLibreofficeHelp({ helpDir: root, languages: ["th"] }),
    (e: unknown) =>
      e instanceof InputError && /No LibreOffice help for language "th"/.test(e.message),
  );
  assert.equal(libreofficeHelpPackage("en"), "libreoffice-help-en-us");
});

const HAS_HELP = Object.values(LIBREOFFICE_HELP_LOCALES).every((l) =>
  exists(join(LIBREOFFICE_HELP_DIR, l, "text"))
);

Deno.test({
  name: "loadLibreofficeHelp() reads the installed libreoffice-help-* pages",
  ignore: skipUnless(
    HAS_HELP,
    "the libreoffice-help-* Debian packages (en-us de el es hi ru tr vi zh-cn)",
  ),
  async fn() {
    const sentences = await loadLibreofficeHelp();
    const by: Record<string, number> = {};
    for (const s of sentences) for (const l of Object.keys(s.text)) by[l] = (by[l] ?? 0) + 1;
    // LibreOffice 7.4 help (bookworm): 55,958 English units with a translation; de 53.0k,
    // el 53.3k, es 49.1k, zh 39.3k, ru 37.4k, tr 36.9k, vi 25.7k, hi 9.3k. Lower bounds at 90%.
    const min: Record<string, number> = {
      en: 50000,
      de: 47000,
      el: 47000,
      es: 44000,
      zh: 35000,
      ru: 33000,
      tr: 33000,
      vi: 23000,
      hi: 8000,
    };
    for (const [lang, n] of Object.entries(min)) {
      assert.ok(by[lang] >= n, `${lang}: ${by[lang]} < ${n}`);
    }
    assert.ok(new Set(sentences.map((s) => s.doc)).size > 2400);
    for (const s of sentences) {
      // Markup is gone (an escaped "«<span>»" in prose is text and stays).
      for (const t of Object.values(s.text)) assert.doesNotMatch(t, /\sclass="|<\/span>|\n/);
    }
  },
});
