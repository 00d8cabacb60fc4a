import assert from "node:assert/strict";
import { join } from "node:path";
import { DICTD_DIR, loadFreedict } from "../data/freedict.ts";
import type { TranslationPair } from "../data/types.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { Lexicon, loadLexicon, queryWords, translateQuery } from "./query_translation.ts";

const pair = (srcLang: string, tgtLang: string, src: string, tgt: string, source = "d") =>
  ({ srcLang, tgtLang, src, tgt, source }) as TranslationPair;

const LEX = new Lexicon([
  pair("en", "de", "bank", "Bank"),
  pair("en", "de", "bank", "Ufer"),
  pair("en", "de", "river", "Fluss"),
  pair("en", "de", "how many", "wie viele"),
  pair("en", "de", "many", "viele"),
  pair("de", "en", "Hund", "dog"),
  pair("en", "es", "dog", "perro"),
  pair("en", "es", "dog", "can"),
  pair("en", "es", "river", "río"),
]);

const show = (terms: { text: string; weight: number }[]) =>
  terms.map((t) => `${t.text}:${Math.round(t.weight * 1000) / 1000}`);

Deno.test("translateQuery() weights a word's translations 1/k and keeps untranslatable words", () => {
  assert.deepEqual(show(translateQuery("Bank of the river Obama 2009", "en", "de", LEX)), [
    "Bank:0.5",
    "Ufer:0.5",
    "of:1",
    "the:1",
    "Fluss:1",
    "Obama:1",
    "2009:1",
  ]);
});

Deno.test("translateQuery() matches the longest phrase first", () => {
  assert.deepEqual(show(translateQuery("How many banks?", "en", "de", LEX)), [
    "wie viele:1",
    "banks:1",
  ]);
});

Deno.test("translateQuery() looks dictionaries up in both directions", () => {
  assert.deepEqual(show(translateQuery("Fluss", "de", "en", LEX)), ["river:1"]);
  assert.deepEqual(show(translateQuery("dog", "en", "de", LEX)), ["Hund:1"]);
});

Deno.test("translateQuery() pivots through English, splitting each share again", () => {
  // de → en: Hund → dog (1); en → es: dog → perro, can (1/2 each). Ufer → bank → (no es).
  assert.deepEqual(show(translateQuery("Hund Ufer Fluss", "de", "es", LEX)), [
    "perro:0.5",
    "can:0.5",
    "Ufer:1",
    "río:1",
  ]);
});

Deno.test("translateQuery() leaves the query as it is within one language or without a dictionary", () => {
  assert.deepEqual(translateQuery("Wie viele Hunde?", "de", "de", LEX), [{
    text: "Wie viele Hunde?",
    weight: 1,
  }]);
  assert.deepEqual(show(translateQuery("河流 bank", "zh", "en", LEX)), ["河流:1", "bank:1"]);
});

Deno.test("Lexicon lower-cases a dictionary side that title-cases every term", () => {
  const titled = ["Dog", "Cat", "Horse", "Bird", "Fish", "Tree", "Book", "House", "Water", "Fire"];
  const lex = new Lexicon([
    ...titled.map((en, i) => pair("ar", "en", `كلمة${i}`, en, "freedict:ara-eng")),
    pair("ar", "en", "ناتو", "NATO", "freedict:ara-eng"),
    pair("en", "de", "dog", "Hund", "freedict:eng-deu"),
    pair("en", "de", "cat", "Katze", "freedict:eng-deu"),
  ]);
  // 10 of 11 English terms are title-cased (> 90%): lower-cased, NATO (not title case) kept.
  assert.deepEqual(lex.lookup("كلمة0", "ar", "en"), ["dog"]);
  assert.deepEqual(lex.lookup("ناتو", "ar", "en"), ["NATO"]);
  assert.deepEqual(lex.lookup("horse", "en", "ar"), ["كلمة2"]);
  // German nouns keep their capital, even when every German term has one.
  assert.deepEqual(lex.lookup("dog", "en", "de"), ["Hund"]);
  assert.deepEqual(lex.directions, ["ar>en", "de>en", "en>ar", "en>de"]);
});

Deno.test("queryWords() keeps inner apostrophes and hyphens, drops punctuation", () => {
  assert.deepEqual(queryWords("l'état, self-driving — 3,5"), ["l'état", "self-driving", "3", "5"]);
});

Deno.test({
  name: "translateQuery() translates a Spanish question through FreeDict",
  ignore: skipUnless(exists(join(DICTD_DIR, "freedict-spa-eng.index")), "dict-freedict-spa-eng"),
  async fn() {
    const lex = new Lexicon(await loadFreedict("spa-eng"));
    const terms = translateQuery("¿Dónde vive el perro de Josh Norman?", "es", "en", lex);
    const words = terms.map((t) => t.text);
    // "el" → "the", "perro" → "dog"; the verb form "vive" is not a headword and stays.
    assert.ok(
      words.includes("dog") && words.includes("the") && words.includes("vive"),
      words.join("|"),
    );
    assert.ok(words.includes("Josh") && words.includes("Norman"));
    // Each of the 7 source words' weights sum to 1.
    const total = terms.reduce((s, t) => s + t.weight, 0);
    assert.ok(Math.abs(total - 7) < 1e-9, `${total}`);
  },
});

Deno.test({
  name: "loadLexicon() adds short software strings, giving Chinese a lexicon",
  ignore: skipUnless(
    exists(join(DICTD_DIR, "freedict-spa-eng.index")) &&
      exists("/usr/share/locale/zh_CN/LC_MESSAGES") &&
      exists("/usr/lib/libreoffice/program/resource/zh_CN/LC_MESSAGES"),
    "dict-freedict-spa-eng, gettext catalogs and libreoffice-l10n-zh-cn",
  ),
  async fn() {
    const plain = await loadLexicon({ dictionaries: ["spa-eng"] });
    assert.deepEqual(plain.directions, ["en>es", "es>en"]);
    const lex = await loadLexicon({
      dictionaries: ["spa-eng"],
      software: true,
      softwareLanguages: ["zh"],
    });
    assert.ok(lex.has("en", "zh") && lex.has("zh", "en"));
    assert.ok(
      lex.lookup("file", "en", "zh").includes("文件"),
      lex.lookup("file", "en", "zh").join("|"),
    );
    for (const key of ["file", "open file", "save as"]) {
      assert.ok(lex.lookup(key, "en", "zh").length > 0, key);
    }
  },
});
