import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { loadStudy, variantConfig } from "./study.ts";

async function studyFile(content: unknown): Promise<string> {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "study.json");
  await Deno.writeTextFile(path, JSON.stringify(content));
  return path;
}

Deno.test("loadStudy() names the variant and field that is wrong", async () => {
  const bad: [unknown, RegExp][] = [
    [{ variants: [] }, /"variants" must be a non-empty list/],
    [{ variants: [{ config: "c.json" }] }, /variants\[0\]\.name must be a non-empty string/],
    [{ variants: [{ name: "a" }] }, /variants\[0\]\.config must be a path/],
    [
      { variants: [{ name: "a", config: "c" }, { name: "a", config: "c" }] },
      /variants\[1\]\.name "a" is given twice/,
    ],
    [{ variants: [{ name: "a", config: "c", initOnly: "yes" }] }, /initOnly must be true or false/],
    [{ variants: [{ name: "a", config: "c", patch: 3 }] }, /patch must be an object/],
  ];
  for (const [content, message] of bad) {
    const path = await studyFile(content);
    await assert.rejects(
      () => loadStudy(path),
      (e) => e instanceof InputError && message.test(e.message),
    );
  }
});

Deno.test("variantConfig() merges the patch deeply over the config file and validates it", async () => {
  const study = await loadStudy("configs/study.json");
  const svd = study.variants.find((v) => v.initOnly && !v.patch)!;
  const c = await variantConfig(svd);
  assert.equal(c.model.init, "svd");
  const idf = await variantConfig({ ...svd, patch: { model: { init: "idf" } } });
  assert.equal(idf.model.init, "idf");
  assert.equal(idf.model.dim, c.model.dim); // the rest of the model section is kept
  await assert.rejects(
    () => variantConfig({ ...svd, patch: { model: { svdRank: 4096 } } }),
    /model\.svdRank/,
  );
});

Deno.test("loadStudy() checks from and evaluate; variantConfig() starts a variant from another's model", async () => {
  const bad: [unknown, RegExp][] = [
    [{ variants: [{ name: "a", config: "c", from: "b" }] }, /from must name an earlier variant/],
    [{ variants: [{ name: "a", config: "c", evaluate: ["beir"] }] }, /evaluate must list/],
  ];
  for (const [content, message] of bad) {
    await assert.rejects(async () => loadStudy(await studyFile(content)), message);
  }
  const study = await loadStudy("configs/study.json");
  const ft = study.variants.find((v) => v.from)!;
  const c = await variantConfig(ft, "/models/base");
  assert.equal(c.model.initFrom, "/models/base");
  assert.equal(c.data.protocol, "qa");
});
