import assert from "node:assert/strict";
import { tinyTokenizer } from "../model/_testing.ts";
import { createStaticEncoder } from "../model/static_encoder.ts";
import { encodeTexts } from "../retrieval/encode.ts";
import { InputError } from "../util/errors.ts";
import { loadEvalEncoder } from "./eval_encoder.ts";

Deno.test("loadEvalEncoder() cuts texts at the folder's max_length unless told another length", async () => {
  const dir = await Deno.makeTempDir();
  const saved = createStaticEncoder({
    tokenizer: await tinyTokenizer(),
    dim: 8,
    maxLength: 6,
    seed: 1,
  });
  await saved.save(dir);
  saved.dispose();
  const long = ["the cat sat on the mat and the dog sat on the mat"];
  const own = await loadEvalEncoder(dir);
  const longer = await loadEvalEncoder(dir, { maxLength: 64 });
  try {
    assert.equal(own.maxLength, 6);
    assert.equal(longer.maxLength, 64);
    // The words past the 6th token count only at the longer length.
    assert.notDeepEqual(
      encodeTexts(own, long, "passage"),
      encodeTexts(longer, long, "passage"),
    );
  } finally {
    own.dispose();
    longer.dispose();
  }
  await assert.rejects(
    () => loadEvalEncoder(dir, { maxLength: 0 }),
    (e) => e instanceof InputError && /maxLength is 0, expected a positive integer/.test(e.message),
  );
});
