import assert from "node:assert/strict";
import { tinyTokenizer } from "../model/_testing.ts";
import { concatInit, svdTokenVectors } from "./svd_init.ts";

function cosine(v: Float32Array, d: number, a: number, b: number): number {
  let ab = 0, aa = 0, bb = 0;
  for (let j = 0; j < d; j++) {
    ab += v[a * d + j] * v[b * d + j];
    aa += v[a * d + j] ** 2;
    bb += v[b * d + j] ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

Deno.test("svdTokenVectors() puts a word next to its translation, not next to unrelated words", async () => {
  const tok = await tinyTokenizer();
  const groups = [
    ["the capital of germany", "die hauptstadt von germany"],
    ["the capital of france", "die hauptstadt von france"],
    ["paris is the capital", "paris war die hauptstadt"],
    ["who sat on the mat", "wer sat on die mat"],
    ["the cat sat", "die cat sat"],
    ["the dog sat on the mat", "die dog sat on die mat"],
    ["who is the dog", "wer war die dog"],
    ["the river of the city", "die river von die city"],
  ];
  const v = svdTokenVectors(tok, groups, { rank: 6, seed: 3 });
  const id = (w: string) => tok.encode(w, { addSpecialTokens: false })[0];
  const near = cosine(v.vectors, v.rank, id("capital"), id("hauptstadt"));
  assert.ok(near > 0.9, `capital ~ hauptstadt: ${near}`);
  assert.ok(near > cosine(v.vectors, v.rank, id("capital"), id("dog")) + 0.3);
  assert.ok(cosine(v.vectors, v.rank, id("who"), id("wer")) > 0.9);
  assert.equal(v.groups, groups.length);
  // "river" and "city" occur in one group only: below minGroups, no vector.
  assert.ok(v.vectors.subarray(id("river") * 6, id("river") * 6 + 6).every((x) => x === 0));
});

Deno.test("svdTokenVectors() is deterministic for a seed", async () => {
  const tok = await tinyTokenizer();
  const groups = [["the cat sat", "die cat sat"], ["the dog sat", "die dog sat"], [
    "a cat",
    "a cat",
  ]];
  assert.deepEqual(
    svdTokenVectors(tok, groups, { rank: 2, seed: 5 }).vectors,
    svdTokenVectors(tok, groups, { rank: 2, seed: 5 }).vectors,
  );
});

Deno.test("concatInit() weighs the blocks by √(1−w) and √w and checks the shapes", () => {
  const out = concatInit(new Float32Array([1, 0, 0, 1]), 2, new Float32Array([1, 1]), 1, 0.36);
  assert.deepEqual(Array.from(out), [0.8, 0, 0.6, 0, 0.8, 0.6].map(Math.fround));
  assert.throws(() => concatInit(new Float32Array(4), 2, new Float32Array(3), 1, 0.5), RangeError);
  assert.throws(() => concatInit(new Float32Array(2), 1, new Float32Array(2), 1, 1.5), RangeError);
});

Deno.test("resolveConfig() checks the svd init's fields, naming the field and the value", async () => {
  const { resolveConfig } = await import("./config.ts");
  const model = (extra: Record<string, unknown>) => ({
    model: { dim: 256, init: "svd", ...extra },
  });
  const ok = resolveConfig(model({ svdRank: 128 }), "c.json");
  assert.equal(ok.model.svdRank, 128);
  assert.throws(() => resolveConfig(model({ svdRank: 256 }), "c.json"), /c\.json: model\.svdRank/);
  assert.throws(() => resolveConfig(model({ svdWeight: 1.5 }), "c.json"), /model\.svdWeight.*1\.5/);
  assert.throws(() => resolveConfig(model({ svdEigenPower: -1 }), "c.json"), /svdEigenPower/);
  assert.throws(
    () => resolveConfig(model({ svdSources: ["tatoeba", "wikipedia"] }), "c.json"),
    /model\.svdSources.*wikipedia/,
  );
  assert.throws(() => resolveConfig(model({ svdMaxPairsPerSource: -2 }), "c.json"), /-2/);
  assert.throws(() => resolveConfig({ model: { init: "pca" } }, "c.json"), /model\.init/);
});
