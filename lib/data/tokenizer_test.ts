import assert from "node:assert/strict";
import { join } from "node:path";
import { loadMbertTokenizer, loadTokenizer, MBERT_VOCAB } from "./tokenizer.ts";
import { datasetPath } from "./data_dir.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { InputError } from "../util/errors.ts";

const haveVocab = exists(join(datasetPath(MBERT_VOCAB), "tokenizer.json"));

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
