import assert from "node:assert/strict";
import {
  cleanSoftwareText,
  decodeEntities,
  pairCleanTexts,
  softwarePairs,
  stripMarkup,
} from "./software_text.ts";

Deno.test("cleanSoftwareText() removes GTK, Qt, LibreOffice and CJK-style accelerators", () => {
  assert.equal(cleanSoftwareText("_File"), "File");
  assert.equal(cleanSoftwareText("Fi_le"), "File");
  assert.equal(cleanSoftwareText("&Open"), "Open");
  assert.equal(cleanSoftwareText("Ö~ffnen"), "Öffnen");
  assert.equal(cleanSoftwareText("文件(_F)"), "文件");
  assert.equal(cleanSoftwareText("打开(&O)…"), "打开…");
  assert.equal(cleanSoftwareText("ถึ_ง"), "ถึง");
  // An entity is not an accelerator.
  assert.equal(cleanSoftwareText("R&amp;D"), "R&D");
});

Deno.test("cleanSoftwareText() keeps identifiers' underscores (pairs drop them later)", () => {
  assert.equal(
    cleanSoftwareText("could not set search_path to %s"),
    "could not set search_path to",
  );
});

Deno.test("cleanSoftwareText() removes printf, Python, brace, Qt, shell, strftime and LibreOffice placeholders", () => {
  assert.equal(cleanSoftwareText("Copied %'d of %lu files (%.1f%%)"), "Copied of files (%)");
  assert.equal(cleanSoftwareText("%1$s is %2$d"), "is");
  assert.equal(cleanSoftwareText("Hello %(name)s, welcome"), "Hello, welcome");
  assert.equal(cleanSoftwareText("Deleting {0} of {count} items"), "Deleting of items");
  assert.equal(cleanSoftwareText("Page %1 of %2"), "Page of");
  assert.equal(cleanSoftwareText("Set $HOME or ${XDG_DATA_HOME} first"), "Set or first");
  assert.equal(cleanSoftwareText("Insert $(ARG1)"), "Insert");
  assert.equal(cleanSoftwareText("%PRODUCTNAME %PRODUCTVERSION Help"), "LibreOffice Help");
  assert.equal(cleanSoftwareText("Today is %A, %d %B %Y"), "Today is");
  assert.equal(cleanSoftwareText("See https://example.org/a?b=1 for more"), "See for more");
});

Deno.test("cleanSoftwareText() strips markup, empty quotes and dangling punctuation", () => {
  assert.equal(
    cleanSoftwareText("<b>Warning:</b> file “%s” is <i>read-only</i>"),
    "Warning: file is read-only",
  );
  assert.equal(
    cleanSoftwareText("Datei »%s« konnte nicht geöffnet werden: %s"),
    "Datei konnte nicht geöffnet werden",
  );
  assert.equal(cleanSoftwareText("无法打开「%s」：%s"), "无法打开");
  assert.equal(cleanSoftwareText("line one<br/>line two"), "line one line two");
  assert.equal(cleanSoftwareText("%s: %s"), "");
});

Deno.test("cleanSoftwareText() splits usage text into segments at blank and option lines", () => {
  const usage = "Usage: ls [OPTION]... [FILE]...\nList information about the FILEs.\n\n" +
    "  -a, --all                  do not ignore entries\n                               starting with .\n" +
    "      --block-size=SIZE      scale sizes by SIZE\n  -s,--silent quiet\n";
  assert.deepEqual(cleanSoftwareText(usage).split("\n"), [
    "Usage: ls [OPTION]... [FILE]... List information about the FILEs.",
    "do not ignore entries starting with.",
    "scale sizes by SIZE",
    "quiet",
  ]);
});

Deno.test("stripMarkup() and decodeEntities() leave comparisons and unknown entities alone", () => {
  assert.equal(stripMarkup("if a < b and c > d"), "if a < b and c > d");
  assert.equal(stripMarkup('<span class="menuitem">Tools</span>'), "Tools");
  assert.equal(decodeEntities("&copy; &#x41;&#66; &quot;q&quot;"), '&copy; AB "q"');
});

Deno.test("softwarePairs() pairs segment by segment when the counts match, else joined", () => {
  assert.deepEqual(
    softwarePairs(
      "  -a   show all\n  -l   long list",
      "  -a   alle zeigen\n  -l   lange Liste",
      "de",
    ),
    [["show all", "alle zeigen"], ["long list", "lange Liste"]],
  );
  assert.deepEqual(
    softwarePairs("Line one\n\nLine two", "Zeile eins und zwei", "de"),
    [["Line one Line two", "Zeile eins und zwei"]],
  );
});

Deno.test("softwarePairs() drops untranslated, wrong-script, short, long and identifier pairs", () => {
  assert.deepEqual(softwarePairs("Cancel", "cancel", "es"), []);
  assert.deepEqual(softwarePairs("Cancel", "Cancel", "ru"), []);
  assert.deepEqual(softwarePairs("Cancel", "Отмена", "ru"), [["Cancel", "Отмена"]]);
  assert.deepEqual(softwarePairs("OK", "Aceptar", "es"), []);
  assert.deepEqual(softwarePairs("OK", "Aceptar", "es", { minLetters: 2 }), [["OK", "Aceptar"]]);
  assert.deepEqual(softwarePairs("a".repeat(20), "b".repeat(20), "de", { maxChars: 10 }), []);
  assert.deepEqual(softwarePairs("set search_path", "search_path setzen", "de"), []);
  assert.deepEqual(softwarePairs("%s", "%s", "de"), []);
});

Deno.test("pairCleanTexts() is softwarePairs() on cleaned texts", () => {
  const en = cleanSoftwareText("_Save As…"), de = cleanSoftwareText("Speichern _unter…");
  assert.deepEqual(
    pairCleanTexts(en, de, "de"),
    softwarePairs("_Save As…", "Speichern _unter…", "de"),
  );
});
