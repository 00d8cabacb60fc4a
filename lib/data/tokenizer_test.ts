import assert from "node:assert/strict";
import { join } from "node:path";
import { loadMbertTokenizer, loadTokenizer, MBERT_VOCAB } from "./tokenizer.ts";
import { datasetPath } from "./data_dir.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { InputError } from "../util/errors.ts";

const haveVocab = exists(join(datasetPath(MBERT_VOCAB), "tokenizer.json"));

/** The library's own (uncached) tokenizer over the mBERT files, as the reference. */
async function libraryTokenizer() {
  const { Tokenizer } = await import("@huggingface/tokenizers");
  const dir = datasetPath(MBERT_VOCAB);
  return new Tokenizer(
    JSON.parse(await Deno.readTextFile(join(dir, "tokenizer.json"))),
    JSON.parse(await Deno.readTextFile(join(dir, "tokenizer_config.json"))),
  );
}

Deno.test({
  name: "loadMbertTokenizer() reads the real 119,547-entry vocabulary and WordPiece-splits text",
  ignore: skipUnless(haveVocab, "the mBERT vocabulary (XLIR_DATA)"),
  async fn() {
    const tok = await loadMbertTokenizer();
    assert.equal(tok.vocabSize, 119547);
    assert.deepEqual([...tok.encode("Query: hello")].slice(0, 1), [101]);
    assert.equal(tok.encode("Query: hello").at(-1), 102);
    assert.deepEqual(tok.tokenize("北京"), ["北", "京"]);
    assert.ok(tok.specialIds.has(101) && tok.specialIds.has(102) && tok.specialIds.has(0));
    assert.equal(tok.padId, 0);
  },
});

Deno.test({
  name: "encode() truncates to maxLength and keeps the closing [SEP]",
  ignore: skipUnless(haveVocab, "the mBERT vocabulary (XLIR_DATA)"),
  async fn() {
    const tok = await loadMbertTokenizer();
    const ids = tok.encode("one two three four five six seven eight nine ten", { maxLength: 5 });
    assert.equal(ids.length, 5);
    assert.equal(ids[0], 101);
    assert.equal(ids[4], 102);
    const bare = tok.encode("one two three", { addSpecialTokens: false });
    assert.ok(!bare.includes(101) && !bare.includes(102));
  },
});

Deno.test("loadTokenizer() names the missing file", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => loadTokenizer(dir),
    (e) => e instanceof InputError && e.message.includes(`${dir}/tokenizer.json`),
  );
  await Deno.writeTextFile(`${dir}/tokenizer.json`, "{not json");
  await assert.rejects(
    () => loadTokenizer(dir),
    (e) => e instanceof InputError && /not valid JSON/.test(e.message),
  );
});

Deno.test({
  name: "encode() with its word and text caches equals the library's uncached encoding",
  ignore: skipUnless(haveVocab, "the mBERT vocabulary (XLIR_DATA)"),
  async fn() {
    const raw = await libraryTokenizer();
    const tok = await loadMbertTokenizer();
    const texts = [
      "Query: Wer war der erste Präsident der Vereinigten Staaten?",
      "Passage: 北京是中华人民共和国的首都。",
      "मैं ठीक हूँ, धन्यवाद।",
      "ภาษาไทยง่ายนิดเดียว",
      "Σήμερα είναι μια όμορφη μέρα.",
      "unbelievably unbelievable believability",
      "กรุงเทพมหานครอมรรัตนโกสินทร์มหินทรายุทธยามหาดิลกภพนพรัตน์ราชธานีบุรีรมย์", // a long run without spaces
      "x".repeat(150), // longer than max_input_chars_per_word: [UNK]
      "Zwölfhundertdreiundzwanzig Wörter über Straßenbahnhaltestellen",
      "Passage: 北京是中华人民共和国的首都。", // again: from the text cache
    ];
    for (const t of texts) {
      for (const add of [true, false]) {
        const expected = raw.encode(t, { add_special_tokens: add }).ids;
        assert.deepEqual([...tok.encode(t, { addSpecialTokens: add })], expected, t);
      }
    }
  },
});

Deno.test({
  name: "encode() equals the library on real sentences of all 11 XQuAD-R languages",
  ignore: skipUnless(
    haveVocab && exists(join(datasetPath("xquad-r"), "th.json")),
    "XQuAD-R and the mBERT vocabulary",
  ),
  async fn() {
    const raw = await libraryTokenizer();
    const tok = await loadMbertTokenizer();
    for (const lang of ["ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh"]) {
      const data = JSON.parse(
        await Deno.readTextFile(join(datasetPath("xquad-r"), `${lang}.json`)),
      );
      const sentences: string[] = data.data[0].paragraphs.flatMap((p: { sentences: string[] }) =>
        p.sentences
      ).slice(0, 25);
      for (const s of sentences) {
        assert.deepEqual([...tok.encode(s)], raw.encode(s).ids, `${lang}: ${s}`);
      }
    }
  },
});
