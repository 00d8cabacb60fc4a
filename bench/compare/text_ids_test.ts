import assert from "node:assert/strict";
import type { EncodeOptions, TextTokenizer } from "../../lib/data/tokenizer.ts";
import { prefixWrap, textIdStream } from "./text_ids.ts";
import { loadMbertTokenizer } from "../../lib/data/tokenizer.ts";
import { datasetPath, resolveDataDir } from "../../lib/data/data_dir.ts";
import { exists, skipUnless } from "../../lib/util/testing.ts";

/** Whitespace tokens; each word's id is its length + 10; [CLS] 1, [SEP] 2. */
const fake: TextTokenizer = {
  source: "fake",
  vocabSize: 100,
  padId: 0,
  specialIds: new Set([0, 1, 2]),
  encode(text: string, options: EncodeOptions = {}) {
    const ids = text.split(/\s+/).filter(Boolean).map((w) => w.length + 10);
    return Int32Array.from(options.addSpecialTokens === false ? ids : [1, ...ids, 2]);
  },
  tokenize: (text) => text.split(/\s+/).filter(Boolean),
  idToToken: () => undefined,
  json: "{}",
};

Deno.test("textIdStream() collects content ids until it has enough", () => {
  const sentences = ["a bb", "ccc", "dddd eeeee ffffff"];
  const { ids, sentences: used } = textIdStream(fake, sentences, 3, 1);
  assert.ok(ids.length >= 3);
  assert.ok(used >= 1 && used <= 3);
  for (const id of ids) assert.ok(id >= 11 && id <= 16, "no special ids");
  assert.deepEqual(textIdStream(fake, sentences, 3, 1), { ids, sentences: used });
});

Deno.test("textIdStream() stops at the end of the sentences", () => {
  const { ids, sentences } = textIdStream(fake, ["a", "bb"], 100, 2);
  assert.equal(ids.length, 2);
  assert.equal(sentences, 2);
});

Deno.test("prefixWrap() puts the leading specials and the prefix in head, the rest in tail", () => {
  const { head, tail } = prefixWrap(fake, "Query: ");
  assert.deepEqual([...head], [1, 16]);
  assert.deepEqual([...tail], [2]);
  assert.deepEqual([...prefixWrap(fake, "").head], [1]);
});

const vocab = datasetPath("vocab/bert-base-multilingual-cased", resolveDataDir());

Deno.test({
  name: "prefixWrap() on mBERT gives [CLS] Query : … [SEP]",
  ignore: skipUnless(exists(vocab), "the mBERT vocabulary (XLIR_DATA)"),
  async fn() {
    const tok = await loadMbertTokenizer();
    const { head, tail } = prefixWrap(tok, "Query: ");
    const text = tok.encode("Query: Wer war es?");
    assert.deepEqual([...text.subarray(0, head.length)], [...head]);
    assert.deepEqual([...text.subarray(text.length - tail.length)], [...tail]);
    assert.equal(head[0], 101);
    assert.deepEqual([...tail], [102]);
  },
});
