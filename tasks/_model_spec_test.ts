import assert from "node:assert/strict";
import { join } from "node:path";
import { tinyTokenizer } from "../lib/model/_testing.ts";
import { createStaticEncoder } from "../lib/model/static_encoder.ts";
import { InputError } from "../lib/util/errors.ts";
import { checkModelSpec, loadModelSpec } from "./_model_spec.ts";

Deno.test("loadModelSpec() rejects a missing model directory and loads a saved encoder", async () => {
  await assert.rejects(
    () => loadModelSpec("/nonexistent/model"),
    (e) =>
      e instanceof InputError && /--model \/nonexistent\/model: no such directory/.test(e.message),
  );
  const dir = await Deno.makeTempDir();
  const encoder = createStaticEncoder({ tokenizer: await tinyTokenizer(), dim: 4 });
  await encoder.save(join(dir, "model"));
  await Deno.writeTextFile(join(dir, "run.json"), '{"strategy": "hybrid"}');
  const loaded = await loadModelSpec(join(dir, "model"));
  assert.notEqual(loaded.model, "bm25");
  assert.equal(loaded.name, `${dir.split("/").pop()}/model`);
  assert.deepEqual(loaded.info.training_run, { strategy: "hybrid" });
  assert.ok((loaded.info.model_file_bytes as number) > 0);
  if (loaded.model !== "bm25") loaded.model.dispose();
  encoder.dispose();
});

Deno.test("checkModelSpec() accepts bm25 and a directory, and names what it expected otherwise", async () => {
  await checkModelSpec("bm25");
  await checkModelSpec(await Deno.makeTempDir());
  await assert.rejects(
    () => checkModelSpec("/nonexistent/model"),
    (e) => e instanceof InputError && /expected "bm25" or a model directory/.test(e.message),
  );
});
