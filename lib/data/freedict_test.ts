import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import {
  cleanTerm,
  decodeDictdNumber,
  DICTD_DIR,
  FREEDICT_DICTIONARIES,
  freedictLanguages,
  loadFreedict,
  parseFreedictEntry,
  readDictd,
} from "./freedict.ts";
import { writeDictd } from "./_testing.ts";

/** Writes `freedict-{name}.index` + `.dict.dz` holding `entries` into a fresh folder. */
async function fixture(name: string, entries: [string, string][]): Promise<string> {
  const dir = await Deno.makeTempDir();
  await writeDictd(dir, name, entries);
  return dir;
}

Deno.test("decodeDictdNumber() reads dictd's base64 digits, most significant first", () => {
  assert.equal(decodeDictdNumber("A"), 0);
  assert.equal(decodeDictdNumber("b"), 27);
  assert.equal(decodeDictdNumber("BA"), 64);
  assert.equal(decodeDictdNumber("G+T"), 6 * 4096 + 62 * 64 + 19);
  assert.throws(() => decodeDictdNumber("A="), InputError);
});

Deno.test("parseFreedictEntry() drops pronunciation, POS, domains, notes and cross references", () => {
  const entry = parseFreedictEntry(
    "Ligatur /lˌiːɡatˈuːɾ/ <fem, n, sg>\n [med.] ligation <n>, ligature <n>\n" +
      "         Note: of blood vessels etc.\n   Synonyms: {Abbinden}, {Unterbinden}\n\n" +
      " see: {Katgutunterbindung}\n",
  );
  assert.deepEqual(entry, {
    headwords: ["Ligatur"],
    pronunciation: "lˌiːɡatˈuːɾ",
    translations: ["ligation", "ligature"],
  });
});

Deno.test("parseFreedictEntry() skips example sentences and maps eng-hin's ~ to a space", () => {
  const entry = parseFreedictEntry(
    'accrue /ɐkɹˈuː/ <V>\n1. बढ़ना\n      "Interest accrues if money is kept."\n2. इकठ्ठा~होना\n',
  );
  assert.deepEqual(entry?.translations, ["बढ़ना", "इकठ्ठा होना"]);
});

Deno.test("parseFreedictEntry() cuts eng-tur glosses at their first full stop", () => {
  const entry = parseFreedictEntry(
    "morning /mˈɔːnɪŋ/\n1. sabah, sabah vakti, seher\n3. (b. h.) fecir tanrıçası\n" +
      "4. sabahleyin olan, sabaha mahsus. morning gown sabahlık, robdöşambr.\n",
  );
  assert.deepEqual(entry?.translations, [
    "sabah",
    "sabah vakti",
    "seher",
    "fecir tanrıçası",
    "sabahleyin olan",
    "sabaha mahsus",
  ]);
});

Deno.test("parseFreedictEntry() splits on Arabic commas and skips blank lines", () => {
  assert.deepEqual(
    parseFreedictEntry("Accompt /ɐkˈɒmpt/\nالحساب، الفاتورة، المستحقات\n")?.translations,
    ["الحساب", "الفاتورة", "المستحقات"],
  );
  assert.deepEqual(parseFreedictEntry("anchor /ˈaŋkə/\n\nάγκυρα\n")?.translations, ["άγκυρα"]);
});

Deno.test("parseFreedictEntry() skips a stray note before the headword line", () => {
  const entry = parseFreedictEntry(
    "         Note: Beton\nfehlerhafter Abbindeprozess /fˈeːlɜhˌaftɜ/\nfaulty setting process\n",
  );
  assert.deepEqual(entry?.headwords, ["fehlerhafter Abbindeprozess"]);
  assert.deepEqual(entry?.translations, ["faulty setting process"]);
});

Deno.test("parseFreedictEntry() splits comma-separated headwords", () => {
  const entry = parseFreedictEntry("achaean,achaian /ɐtʃˈiən ɐtʃˈeɪən/\n1. Akalı\n");
  assert.deepEqual(entry?.headwords, ["achaean", "achaian"]);
});

Deno.test("parseFreedictEntry() rejects meta entries and truncated headwords", () => {
  assert.equal(parseFreedictEntry("00-database-url\nhttp://freedict.org\n"), undefined);
  // eng-spa renders "air conditioned" as "air" with the whole phrase's pronunciation.
  assert.equal(parseFreedictEntry("air /ɛərkəndiʃənd/\ndeaireacondicionado\n"), undefined);
  assert.equal(parseFreedictEntry("\n\n"), undefined);
});

Deno.test("cleanTerm() drops affixes, fragments, long phrases and terms without letters", () => {
  assert.equal(cleanTerm("archi‐"), undefined);
  assert.equal(cleanTerm("… and a half"), undefined);
  assert.equal(cleanTerm("a b c d e"), undefined);
  assert.equal(cleanTerm("a b c d e", { maxWords: 5 }), "a b c d e");
  assert.equal(cleanTerm("1830"), undefined);
  assert.equal(cleanTerm("????"), undefined);
  assert.equal(cleanTerm(" sabah vakti. "), "sabah vakti");
});

Deno.test("freedictLanguages() maps dictionary names to ISO 639-1 codes", () => {
  assert.deepEqual(freedictLanguages("eng-deu"), ["en", "de"]);
  assert.deepEqual(freedictLanguages("ell-eng"), ["el", "en"]);
  assert.throws(() => freedictLanguages("eng-xyz"), InputError);
});

Deno.test("readDictd() reads each byte range once, in index order", async () => {
  const dir = await fixture("eng-deu", [["dog", "dog /dˈɒɡ/\nHund <masc>\n"], [
    "cat",
    "cat\nKatze\n",
  ]]);
  const index = join(dir, "freedict-eng-deu.index");
  const text = await Deno.readTextFile(index);
  const dogRange = text.split("\n")[0].split("\t").slice(1).join("\t");
  await Deno.writeTextFile(index, `${text}hound\t${dogRange}\n`);
  const entries = await readDictd(index, join(dir, "freedict-eng-deu.dict.dz"));
  assert.deepEqual(entries.map((e) => e.headword), ["dog", "cat"]);
  assert.equal(entries[1].text, "cat\nKatze\n");
});

Deno.test("readDictd() names the index line that points past the end of the data", async () => {
  const dir = await fixture("eng-deu", [["dog", "dog\nHund\n"]]);
  const index = join(dir, "freedict-eng-deu.index");
  await Deno.writeTextFile(index, "dog\tA\tJ\nbad\tA\tBA\n");
  await assert.rejects(
    () => readDictd(index, join(dir, "freedict-eng-deu.dict.dz")),
    (e: unknown) => e instanceof InputError && /line 2 points past the end/.test(e.message),
  );
});

Deno.test("loadFreedict() gives deduplicated pairs in the dictionary's scripts, without meta entries", async () => {
  const dir = await fixture("eng-deu", [
    ["00databaseinfo", "English-German FreeDict Dictionary\n"],
    ["dog", "dog /dˈɒɡ/ <n>\nHund <masc>, Köter <masc>\n"],
    ["dog", "dog /dˈɒɡ/\nHund\n"],
    ["greek", "greek\nελληνικά, Griechisch\n"],
  ]);
  const pairs = await loadFreedict("eng-deu", { dictDir: dir });
  assert.deepEqual(pairs.map((p) => `${p.src}>${p.tgt}`), [
    "dog>Hund",
    "dog>Köter",
    "greek>Griechisch",
  ]);
  assert.deepEqual(
    { srcLang: pairs[0].srcLang, tgtLang: pairs[0].tgtLang, source: pairs[0].source },
    { srcLang: "en", tgtLang: "de", source: "freedict:eng-deu" },
  );
});

Deno.test("loadFreedict() names the Debian package when a dictionary is missing", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => loadFreedict("eng-tur", { dictDir: dir }),
    (e: unknown) =>
      e instanceof InputError && /install the Debian package dict-freedict-eng-tur/.test(e.message),
  );
});

const HAS_DICTS = FREEDICT_DICTIONARIES.every((n) =>
  exists(join(DICTD_DIR, `freedict-${n}.index`))
);

Deno.test({
  name: "loadFreedict() reads each installed Debian dictionary into clean pairs",
  ignore: skipUnless(HAS_DICTS, "the dict-freedict-* Debian packages"),
  async fn() {
    // Lower bounds (about 90% of the Debian 12 packages' counts) and one known pair each.
    const expected: Record<string, [number, string, string]> = {
      "eng-ara": [79000, "Accountant", "المحاسب"],
      "ara-eng": [77000, "الفاحص", "Assayer"],
      "eng-deu": [628000, "humbleness", "Demut"],
      "deu-eng": [652000, "Ligatur", "ligation"],
      "eng-ell": [25000, "anchor", "άγκυρα"],
      "ell-eng": [46000, "Ελβετία", "Switzerland"],
      "eng-hin": [27000, "accuracy", "शुद्धता"],
      "eng-rus": [1900, "brother", "брат"],
      "eng-spa": [7900, "alarm", "alarma"],
      "spa-eng": [8000, "araña", "spider"],
      "eng-tur": [105000, "acetone", "aseton"],
      "tur-eng": [1450, "su", "water"],
    };
    for (const name of FREEDICT_DICTIONARIES) {
      const pairs = await loadFreedict(name);
      const [min, src, tgt] = expected[name];
      assert.ok(pairs.length >= min, `${name}: ${pairs.length} pairs, expected >= ${min}`);
      assert.ok(pairs.some((p) => p.src === src && p.tgt === tgt), `${name}: ${src} → ${tgt}`);
      for (const p of pairs) {
        assert.doesNotMatch(`${p.src}\t${p.tgt}`, /[/<>[\]{}"]|00-database/, name);
      }
    }
  },
});
