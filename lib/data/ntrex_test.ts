import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { loadNtrex, NTREX_DIR, NTREX_FILES } from "./ntrex.ts";

const DATA = Deno.env.get("XLIR_DATA") ?? "";
const HAS_DATA = DATA !== "" && exists(join(DATA, NTREX_DIR));
const WHAT = "XLIR_DATA with parallel/ntrex128";

/** Writes a tiny NTREX layout: `docs` ids, `lines` per file name. */
async function fixture(docs: string[], lines: Record<string, string[]>): Promise<string> {
  const root = await Deno.makeTempDir();
  const dir = join(root, NTREX_DIR);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "DOCUMENT_IDS.tsv"), docs.join("\n") + "\n");
  for (const [name, text] of Object.entries(lines)) {
    await Deno.writeTextFile(join(dir, name), text.join("\n") + "\n");
  }
  return root;
}

Deno.test("loadNtrex() aligns the language files line by line with their document ids", async () => {
  const dataDir = await fixture(["a", "a", "b"], {
    [NTREX_FILES.en]: ["One.", "Two.", "Three."],
    [NTREX_FILES.de]: ["Eins.", "Zwei.", "Drei."],
  });
  const sentences = await loadNtrex({ dataDir, languages: ["en", "de"] });
  assert.deepEqual(sentences.map((s) => s.id), ["ntrex:0", "ntrex:1", "ntrex:2"]);
  assert.deepEqual(sentences.map((s) => s.doc), ["a", "a", "b"]);
  assert.deepEqual(sentences[2].text, { en: "Three.", de: "Drei." });
});

Deno.test("loadNtrex() names the file and both counts when line counts differ", async () => {
  const dataDir = await fixture(["a", "a", "b"], {
    [NTREX_FILES.en]: ["One.", "Two.", "Three."],
    [NTREX_FILES.de]: ["Eins.", "Zwei."],
  });
  await assert.rejects(
    () => loadNtrex({ dataDir, languages: ["en", "de"] }),
    (e: unknown) =>
      e instanceof InputError &&
      e.message ===
        "Cannot read NTREX-128: newstest2019-ref.deu.txt has 2 lines, expected 3 (as DOCUMENT_IDS.tsv)",
  );
});

Deno.test("loadNtrex() rejects a document whose lines are not consecutive", async () => {
  const dataDir = await fixture(["a", "b", "a"], { [NTREX_FILES.en]: ["1", "2", "3"] });
  await assert.rejects(
    () => loadNtrex({ dataDir, languages: ["en"] }),
    (e: unknown) =>
      e instanceof InputError &&
      /line 3 of DOCUMENT_IDS\.tsv returns to document a/.test(e.message),
  );
});

Deno.test("loadNtrex() rejects empty lines, missing files and unknown languages", async () => {
  const dataDir = await fixture(["a", "a"], { [NTREX_FILES.en]: ["One.", " "] });
  await assert.rejects(
    () => loadNtrex({ dataDir, languages: ["en"] }),
    (e: unknown) =>
      e instanceof InputError && /line 2 of newstest2019-src\.eng\.txt is empty/.test(e.message),
  );
  await assert.rejects(
    () => loadNtrex({ dataDir, languages: ["de"] }),
    (e: unknown) =>
      e instanceof InputError &&
      /newstest2019-ref\.deu\.txt does not exist; `deno task download ntrex128`/.test(e.message),
  );
  await assert.rejects(
    () => loadNtrex({ dataDir, languages: ["ja"] }),
    (e: unknown) => e instanceof InputError && /unknown language "ja"/.test(e.message),
  );
});

Deno.test({
  name: "loadNtrex() reads the 1,997 sentences of 123 documents in 12 languages",
  ignore: skipUnless(HAS_DATA, WHAT),
  async fn() {
    const sentences = await loadNtrex({ dataDir: DATA });
    assert.equal(sentences.length, 1997);
    assert.equal(new Set(sentences.map((s) => s.doc)).size, 123);
    assert.equal(sentences[0].doc, "bbc.381790");
    for (const s of sentences) assert.equal(Object.keys(s.text).length, 12);
  },
});

Deno.test({
  name: "loadNtrex() uses the British English source unless eng-US is asked for",
  ignore: skipUnless(HAS_DATA, WHAT),
  async fn() {
    const source = await loadNtrex({ dataDir: DATA, languages: ["en"] });
    const us = await loadNtrex({ dataDir: DATA, languages: ["en"], english: "eng-US" });
    assert.match(source[12].text.en, /favoured/);
    assert.match(us[12].text.en, /favored/);
  },
});
