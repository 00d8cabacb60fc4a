import assert from "node:assert/strict";
import { join } from "node:path";
import { exists, skipUnless } from "../util/testing.ts";
import { DICTD_DIR } from "./freedict.ts";
import { InputError } from "../util/errors.ts";
import {
  alignedToPairs,
  capPairsBySource,
  countByFamilyAndLanguage,
  evaluationTexts,
  limitPerSource,
  loadTranslationPairs,
  mergePairs,
  type PairSource,
  sourceFamily,
  summarizePairs,
} from "./translation_pairs.ts";
import type { AlignedSentence, TranslationPair } from "./types.ts";

const DATA = Deno.env.get("XLIR_DATA") ?? "";
const HAS_DATA = DATA !== "" &&
  ["parallel/ntrex128", "parallel/flores200", "parallel/tatoeba", "xquad-r", "mlqa-r"].every((
    d,
  ) => exists(join(DATA, d)));
const WHAT = "XLIR_DATA with parallel/, xquad-r/ and mlqa-r/";

const SENTENCES: AlignedSentence[] = [
  { id: "x:0", doc: "d", text: { en: "Hi.", de: "Hallo.", zh: "你好。" } },
  { id: "x:1", doc: "d", text: { en: "Bye.", de: "Tschüss." } },
];

function pair(src: string, tgt: string, source = "s", srcLang = "en", tgtLang = "de") {
  return { srcLang, tgtLang, src, tgt, source };
}

Deno.test("alignedToPairs() pairs English with each language by default", () => {
  const pairs = alignedToPairs(SENTENCES, "x", ["de", "en", "zh"]);
  assert.deepEqual(pairs.map((p) => `${p.srcLang}-${p.tgtLang}:${p.src}|${p.tgt}`), [
    "en-de:Hi.|Hallo.",
    "en-zh:Hi.|你好。",
    "en-de:Bye.|Tschüss.",
  ]);
});

Deno.test("alignedToPairs() with all pairs each language pair once, smaller code first", () => {
  const pairs = alignedToPairs(SENTENCES, "x", ["zh", "en", "de"], "all");
  assert.deepEqual(pairs.map((p) => `${p.srcLang}-${p.tgtLang}`), [
    "de-en",
    "de-zh",
    "en-zh",
    "de-en",
  ]);
});

Deno.test("mergePairs() keeps the first of two pairs that match in either direction", () => {
  const merged = mergePairs([
    [pair("dog", "Hund", "a"), pair("cat", "Katze", "a")],
    [pair("Hund", "dog", "b", "de", "en"), pair("dog", "Hund", "b"), pair("cow", "Kuh", "b")],
  ]);
  assert.deepEqual(merged.map((p) => `${p.source}:${p.src}`), ["a:dog", "a:cat", "b:cow"]);
});

Deno.test("mergePairs() drops pairs with a banned text on either side", () => {
  const merged = mergePairs([[pair("dog", "Hund"), pair("cat", " Katze ")]], new Set(["Katze"]));
  assert.deepEqual(merged.map((p) => p.src), ["dog"]);
});

Deno.test("limitPerSource() caps each source with a seeded, order-preserving sample", () => {
  const pairs: TranslationPair[] = [];
  for (let i = 0; i < 50; i++) pairs.push(pair(`w${i}`, `v${i}`, "big"));
  pairs.push(pair("x", "y", "small"));
  const a = limitPerSource(pairs, 10, 1);
  assert.deepEqual(a, limitPerSource(pairs, 10, 1));
  assert.deepEqual(summarizePairs(a).map((r) => [r.source, r.count]), [["big", 10], ["small", 1]]);
  const indices = a.map((p) => pairs.indexOf(p));
  assert.deepEqual(indices, [...indices].sort((x, y) => x - y));
  assert.notDeepEqual(limitPerSource(pairs, 10, 2), a);
});

Deno.test("summarizePairs() counts per source and language pair, sorted", () => {
  const rows = summarizePairs([
    pair("a", "b", "t", "en", "zh"),
    pair("a", "b", "t", "en", "de"),
    pair("c", "d", "t", "en", "de"),
    pair("a", "b", "f"),
  ]);
  assert.deepEqual(rows, [
    { source: "f", srcLang: "en", tgtLang: "de", count: 1 },
    { source: "t", srcLang: "en", tgtLang: "de", count: 2 },
    { source: "t", srcLang: "en", tgtLang: "zh", count: 1 },
  ]);
});

Deno.test({
  name: "loadTranslationPairs() counts Tatoeba, NTREX-128 and FLORES-200 pairs of the 11 languages",
  ignore: skipUnless(HAS_DATA, WHAT),
  async fn() {
    const pairs = await loadTranslationPairs({ dataDir: DATA, exclude: ["freedict"] });
    const bySource: Record<string, number> = {};
    for (const r of summarizePairs(pairs)) bySource[r.source] = (bySource[r.source] ?? 0) + r.count;
    // Tatoeba: 101,123 standard-variant pairs without Romanian, less 3 that are also
    // XQuAD-R/MLQA-R text; NTREX-128: 10 × 1,997 less one repeated en-el pair.
    assert.deepEqual(bySource, { flores: 10120, ntrex: 19969, tatoeba: 101120 });
    assert.ok(pairs.every((p) => p.srcLang === "en" && p.tgtLang !== "ro"));
    const all = await loadTranslationPairs({
      dataDir: DATA,
      exclude: ["freedict", "tatoeba"],
      pairing: "all",
    });
    assert.equal(all.filter((p) => p.source === "flores").length, 55 * 1012);
  },
});

Deno.test({
  name: "loadTranslationPairs() includes no XQuAD-R or MLQA-R sentence or question",
  ignore: skipUnless(HAS_DATA, WHAT),
  async fn() {
    const banned = await evaluationTexts(DATA);
    assert.equal(banned.size, 50705);
    const pairs = await loadTranslationPairs({ dataDir: DATA, exclude: ["freedict"] });
    assert.deepEqual(pairs.filter((p) => banned.has(p.src) || banned.has(p.tgt)), []);
    const unguarded = await loadTranslationPairs({
      dataDir: DATA,
      exclude: ["freedict"],
      excludeEvaluationTexts: false,
    });
    assert.equal(unguarded.length - pairs.length, 3);
  },
});

Deno.test({
  name: "loadTranslationPairs() merges FreeDict lexicons, deduplicating mirrored dictionaries",
  ignore: skipUnless(
    HAS_DATA && exists(join(DICTD_DIR, "freedict-spa-eng.index")),
    "XLIR_DATA and the dict-freedict-* Debian packages",
  ),
  async fn() {
    const pairs = await loadTranslationPairs({
      dataDir: DATA,
      dictionaries: ["eng-spa", "spa-eng"],
      exclude: ["tatoeba", "ntrex", "flores"],
    });
    const rows = summarizePairs(pairs);
    assert.deepEqual(rows.map((r) => [r.source, r.srcLang, r.tgtLang]), [
      ["freedict:eng-spa", "en", "es"],
      ["freedict:spa-eng", "es", "en"],
    ]);
    // spa-eng alone has 8,899 pairs; most mirror eng-spa's.
    assert.ok(rows[1].count < 8899 && rows[1].count > 0);
  },
});

Deno.test("sourceFamily() and countByFamilyAndLanguage() group sources and languages", () => {
  assert.equal(sourceFamily("freedict:deu-eng"), "freedict");
  const rows = countByFamilyAndLanguage([
    pair("a", "b", "gettext", "en", "zh"),
    pair("a", "b", "freedict:eng-deu"),
    pair("b", "a", "freedict:deu-eng", "de", "en"),
    pair("c", "d", "libreoffice-help", "de", "zh"),
    pair("c", "d", "zzz"),
  ]);
  assert.deepEqual(rows, [
    { family: "freedict", lang: "de", count: 2 },
    { family: "gettext", lang: "zh", count: 1 },
    { family: "libreoffice-help", lang: "de-zh", count: 1 },
    { family: "zzz", lang: "de", count: 1 },
  ]);
});

Deno.test("capPairsBySource() caps per source and language pair, a family's cap replacing the default", () => {
  const pairs: TranslationPair[] = [];
  for (let i = 0; i < 30; i++) {
    pairs.push(pair(`w${i}`, `v${i}`, "freedict:eng-deu"));
    pairs.push(pair(`w${i}`, `v${i}`, "gettext", "en", "zh"));
    pairs.push(pair(`w${i}`, `v${i}`, "gettext", "en", "de"));
  }
  const kept = capPairsBySource(pairs, { cap: 20, caps: { gettext: 5 } }, 1);
  assert.deepEqual(summarizePairs(kept).map((r) => [r.source, r.tgtLang, r.count]), [
    ["freedict:eng-deu", "de", 20],
    ["gettext", "de", 5],
    ["gettext", "zh", 5],
  ]);
  assert.equal(capPairsBySource(pairs, { cap: 0 }, 1).length, 90);
  assert.equal(capPairsBySource(pairs, { cap: 20, caps: { gettext: 0 } }, 1).length, 80);
});

Deno.test("loadTranslationPairs() rejects an unknown source", async () => {
  await assert.rejects(
    () => loadTranslationPairs({ sources: ["bible" as PairSource], excludeEvaluationTexts: false }),
    (e: unknown) =>
      e instanceof InputError && /Unknown translation-pair source "bible"/.test(e.message),
  );
});

Deno.test({
  name: "loadTranslationPairs() reads the Debian software sources opt-in, without evaluation text",
  ignore: skipUnless(
    HAS_DATA && exists("/usr/share/libreoffice/help/de/text") &&
      exists("/usr/lib/libreoffice/program/resource/de/LC_MESSAGES"),
    "XLIR_DATA and the libreoffice-help-de/-en-us and libreoffice-l10n-de Debian packages",
  ),
  async fn() {
    const pairs = await loadTranslationPairs({
      dataDir: DATA,
      languages: ["de", "en"],
      sources: ["ntrex", "gettext", "libreoffice-ui", "libreoffice-help"],
    });
    const by: Record<string, number> = {};
    for (const r of countByFamilyAndLanguage(pairs)) by[r.family] = r.count;
    // Debian 12: gettext 40.2k, libreoffice-ui 17.2k, libreoffice-help 28.8k en-de pairs after
    // deduplication across sources (lower bounds at 85%).
    assert.equal(by.ntrex, 1997);
    assert.ok(
      by.gettext > 34000 && by["libreoffice-ui"] > 14500 && by["libreoffice-help"] > 24000,
      JSON.stringify(by),
    );
    const banned = await evaluationTexts(DATA);
    assert.deepEqual(pairs.filter((p) => banned.has(p.src) || banned.has(p.tgt)), []);
    const help = pairs.find((p) => p.source === "libreoffice-help")!;
    assert.equal(help.package, "libreoffice-help-de");
    const defaults = await loadTranslationPairs({
      dataDir: DATA,
      languages: ["de", "en"],
      exclude: ["freedict"],
    });
    assert.deepEqual([...new Set(defaults.map((p) => sourceFamily(p.source)))], [
      "tatoeba",
      "ntrex",
      "flores",
    ]);
  },
});
