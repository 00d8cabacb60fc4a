import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { FLORES_DIR, loadFlores } from "./flores.ts";

const DATA = Deno.env.get("XLIR_DATA") ?? "";
const HAS_DATA = DATA !== "" && exists(join(DATA, FLORES_DIR));
const WHAT = "XLIR_DATA with parallel/flores200";
const HEADER = "URL\tdomain\ttopic\thas_image\thas_hyperlink";

async function fixture(meta: string[], lines: Record<string, string[]>): Promise<string> {
  const root = await Deno.makeTempDir();
  const dir = join(root, FLORES_DIR);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "metadata_devtest.tsv"), meta.join("\n") + "\n");
  for (const [name, text] of Object.entries(lines)) {
    await Deno.writeTextFile(join(dir, name), text.join("\n") + "\n");
  }
  return root;
}

Deno.test("loadFlores() takes each sentence's document from the metadata URL", async () => {
  const dataDir = await fixture(
    [HEADER, "http://a\twikinews", "http://a\twikinews", "http://b\tx"],
    {
      "eng_Latn.devtest": ["A1.", "A2.", "B1."],
      "zho_Hans.devtest": ["甲一。", "甲二。", "乙一。"],
    },
  );
  const sentences = await loadFlores({ dataDir, languages: ["en", "zh"] });
  assert.deepEqual(sentences.map((s) => [s.id, s.doc]), [
    ["flores:devtest:0", "http://a"],
    ["flores:devtest:1", "http://a"],
    ["flores:devtest:2", "http://b"],
  ]);
  assert.equal(sentences[1].text.zh, "甲二。");
});

Deno.test("loadFlores() names the file and both counts when line counts differ", async () => {
  const dataDir = await fixture([HEADER, "http://a", "http://a"], {
    "eng_Latn.devtest": ["A1.", "A2."],
    "deu_Latn.devtest": ["A1.", "A2.", "A3."],
  });
  await assert.rejects(
    () => loadFlores({ dataDir, languages: ["en", "de"] }),
    (e: unknown) =>
      e instanceof InputError &&
      e.message ===
        "Cannot read FLORES-200: deu_Latn.devtest has 3 lines, expected 2 (as metadata_devtest.tsv (without its header))",
  );
});

Deno.test("loadFlores() requires the metadata header", async () => {
  const dataDir = await fixture(["http://a", "http://a"], { "eng_Latn.devtest": ["A1."] });
  await assert.rejects(
    () => loadFlores({ dataDir, languages: ["en"] }),
    (e: unknown) =>
      e instanceof InputError && /line 1 of metadata_devtest\.tsv is not a header/.test(e.message),
  );
});

Deno.test("loadFlores() reports metadata lines by their file line number", async () => {
  const dataDir = await fixture([HEADER, "http://a", "http://b", "http://a"], {
    "eng_Latn.devtest": ["1", "2", "3"],
  });
  await assert.rejects(
    () => loadFlores({ dataDir, languages: ["en"] }),
    (e: unknown) =>
      e instanceof InputError && /line 4 of metadata_devtest\.tsv returns to/.test(e.message),
  );
});

Deno.test({
  name: "loadFlores() reads 1,012 sentences of 281 articles in 12 languages",
  ignore: skipUnless(HAS_DATA, WHAT),
  async fn() {
    const sentences = await loadFlores({ dataDir: DATA });
    assert.equal(sentences.length, 1012);
    assert.equal(new Set(sentences.map((s) => s.doc)).size, 281);
    assert.match(sentences[0].doc, /^https:\/\/en\.wikinews\.org\/wiki\/Toronto_team-led/);
    for (const s of sentences) assert.equal(Object.keys(s.text).length, 12);
  },
});
