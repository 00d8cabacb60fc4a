import assert from "node:assert/strict";
import { join } from "node:path";
import { datasetPath } from "../data/data_dir.ts";
import { MBERT_VOCAB } from "../data/tokenizer.ts";
import { loadStaticEncoder } from "../model/static_encoder.ts";
import { resolveConfig } from "../train/config.ts";
import { buildModel } from "../train/model_factory.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { initCached } from "./runs.ts";

const haveData = exists(join(datasetPath(MBERT_VOCAB), "tokenizer.json")) &&
  exists(datasetPath("parallel"));

Deno.test({
  name: "initCached() saves exactly the initialisation a fine-tuning run at that seed starts from",
  ignore: skipUnless(haveData, "the mBERT vocabulary and parallel data (XLIR_DATA)"),
  async fn() {
    Deno.env.set("XLIR_CACHE", await Deno.makeTempDir());
    const config = resolveConfig({
      seed: 3,
      model: { architecture: "static", dim: 8, maxLength: 16 },
      data: { protocol: "ict", languages: ["en", "de"] },
    }, "test");
    const saved = await initCached(config);
    assert.equal(saved.run.result.status, "initialised");
    assert.equal(saved.run.result.steps, 0);
    const again = await initCached({ ...config, name: "other name, same model and seed" });
    assert.equal(again.key, saved.key);
    assert.equal(again.fresh, false);
    const other = await initCached({ ...config, seed: 4 });
    assert.notEqual(other.key, saved.key);
    const loaded = await loadStaticEncoder(saved.modelDir);
    const { model } = await buildModel(config);
    try {
      assert.deepEqual(loaded.embeddings, (model as typeof loaded).embeddings);
    } finally {
      loaded.dispose();
      model.dispose();
    }
  },
});
