import assert from "node:assert/strict";
import type { Encoder } from "../model/encoder.ts";
import { jsKernel } from "../retrieval/js_kernel.ts";
import { Rng } from "../sampling/rng.ts";
import { InputError } from "../util/errors.ts";
import { meanCenterByLanguage, meanCenteredScorer } from "./mean_centered.ts";
import { DenseScorer } from "./scorers.ts";

Deno.test("meanCenterByLanguage() leaves every language with mean zero and unit rows", () => {
  const rng = new Rng(3);
  const dim = 8, n = 30;
  const ids = Array.from({ length: n }, (_, i) => `${["en", "de", "zh"][i % 3]}:${i}`);
  const v = Float32Array.from({ length: n * dim }, () => rng.float() - 0.5 + 0.7);
  const out = meanCenterByLanguage(dim)(v, ids, "query");
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += out[i * dim + k] ** 2;
    assert.ok(Math.abs(norm - 1) < 1e-5);
  }
  // Each output row points along its input minus its language's mean.
  const en = ids.map((id, i) => (id.startsWith("en:") ? i : -1)).filter((i) => i >= 0);
  const mean = new Float64Array(dim);
  for (const i of en) for (let k = 0; k < dim; k++) mean[k] += v[i * dim + k] / en.length;
  const i = en[2];
  const x = Array.from({ length: dim }, (_, k) => v[i * dim + k] - mean[k]);
  const nx = Math.hypot(...x);
  x.forEach((xk, k) => assert.ok(Math.abs(out[i * dim + k] - xk / nx) < 1e-5));
});

Deno.test("meanCenterByLanguage() names an id without a language prefix", () => {
  assert.throws(
    () => meanCenterByLanguage(2)(new Float32Array(2), ["q1"], "query"),
    (e) => e instanceof InputError && /id "q1" has no "\{lang\}:" prefix/.test(e.message),
  );
});

Deno.test("meanCenteredScorer() removes a language offset that ranks the query's language first", () => {
  // Meaning on axes 0/1, language on axis 2 (en +, de −): raw cosine prefers the English
  // en:z for an English query about y; after centring, the German answer about y wins.
  // (Centring needs several texts per language: a lone query would become zero.)
  const rows: Record<string, number[]> = {
    "en:q": [0, 1, 1],
    "en:r": [1, 0, 1],
    "en:x": [1, 0, 1],
    "en:z": [0.7, 0.7, 1],
    "de:y": [0, 1, -1],
    "de:w": [1, 0, -1],
  };
  const docs = ["en:x", "en:z", "de:y", "de:w"];
  const best = (centred: boolean) => {
    const options = { progress: false };
    const scorer = centred
      ? meanCenteredScorer("c", { dim: 3 } as Encoder, jsKernel, options)
      : new DenseScorer("raw", { dim: 3 } as Encoder, jsKernel, options);
    scorer.embed = (ids) => unit(Float32Array.from(ids.flatMap((id) => rows[id])));
    let scores: number[] = [];
    scorer.scoreQueries(
      { ids: ["en:q", "en:r"], texts: ["", ""] },
      { key: "all", ids: docs, texts: docs.map(() => "") },
      (_q0, _n, r) => (scores = [...r.subarray(0, docs.length)]),
    );
    return docs[scores.indexOf(Math.max(...scores))];
  };
  assert.equal(best(false), "en:z");
  assert.equal(best(true), "de:y");
});

/** L2-normalises rows of width 3 (what an encoder returns). */
function unit(v: Float32Array): Float32Array {
  for (let i = 0; i < v.length; i += 3) {
    const n = Math.hypot(v[i], v[i + 1], v[i + 2]);
    for (let k = 0; k < 3; k++) v[i + k] /= n;
  }
  return v;
}
