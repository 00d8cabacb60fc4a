/**
 * Golden tests on the initial weights of both encoders and on the dropout
 * masks: the streams of the project's one generator (`lib/sampling/rng.ts`).
 * The first values come from `testdata/rng_reference.py`, a transcription of
 * the published algorithms; the SHA-256 of whole tables guards every value.
 *
 * The static encoder's hashes were recorded before its own xoshiro128** was
 * replaced by `Rng.fromSplitMix` (unchanged, so trained static models and
 * their cached results are unchanged). The transformer and dropout streams
 * came from mulberry32 before and changed with the switch to `Rng`.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { sha256Hex } from "../util/hash.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { dropout } from "./_tf_ops.ts";
import { tinyTokenizer } from "./_testing.ts";
import { createStaticEncoder, type StaticEncoderOptions } from "./static_encoder.ts";
import { initTransformerWeights, transformerConfig } from "./transformer.ts";

const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const STATIC_GOLDEN: [string, Partial<StaticEncoderOptions>, string, string | null][] = [
  [
    "normal",
    { dim: 16, seed: 7 },
    "0c72a0732fc7799181172eaa9cc7abb87a1a78af1283d0f449a0b606fbcb407b",
    null,
  ],
  [
    "uniform",
    { dim: 16, seed: 7, init: { distribution: "uniform", std: 0.5 } },
    "ae9ea88824239f5cd9edf73c0ede0e766d314164c02f9e2707adef1532491697",
    null,
  ],
  [
    "projection",
    { dim: 12, projection: 5, seed: -3 },
    "e3f32ede169419ba63583469537409ddd1394f518f58cef6caeeea92c2b35028",
    "8b56af92315e11b9155a967e213536b276d0b8b2a317ae1c46a7f38fd293cdbb",
  ],
];

for (const [name, options, eHash, wHash] of STATIC_GOLDEN) {
  Deno.test(`createStaticEncoder() draws the recorded initial weights (${name}, wasm and js)`, async () => {
    const tokenizer = await tinyTokenizer();
    for (const kernels of ["wasm", "js"] as const) {
      const enc = createStaticEncoder({ tokenizer, kernels, ...options });
      assert.equal(sha256Hex(bytes(enc.embeddings)), eHash, `E, ${kernels}`);
      assert.equal(
        enc.projection ? sha256Hex(bytes(enc.projection)) : null,
        wHash,
        `W, ${kernels}`,
      );
      enc.dispose();
    }
  });
}

Deno.test("createStaticEncoder()'s first draws equal the Python reference", async () => {
  const tokenizer = await tinyTokenizer();
  const normal = createStaticEncoder({ tokenizer, dim: 16, seed: 7 });
  assert.deepEqual([...normal.embeddings.slice(0, 4)], [
    -1.585033655166626,
    0.0728430300951004,
    -0.19791851937770844,
    -1.2679884433746338,
  ]);
  normal.dispose();
  const uniform = createStaticEncoder({
    tokenizer,
    dim: 16,
    seed: 7,
    init: { distribution: "uniform", std: 0.5 },
  });
  assert.deepEqual([...uniform.embeddings.slice(0, 4)], [
    -0.4610239267349243,
    0.02118717133998871,
    -0.08848253637552261,
    -0.5668738484382629,
  ]);
  uniform.dispose();
});

Deno.test("initTransformerWeights() draws the recorded weights; the first equal the Python reference", () => {
  const config = transformerConfig({
    vocabSize: 40,
    hiddenSize: 16,
    numLayers: 1,
    numHeads: 2,
    intermediateSize: 32,
    maxPositions: 32,
  });
  const w = initTransformerWeights(config, 5);
  const words = w["embeddings.word_embeddings.weight"];
  assert.deepEqual([...words.slice(40, 44)], [
    0.04741036519408226,
    0.009153705090284348,
    -0.005020729266107082,
    -0.022796766832470894,
  ]);
  assert.ok(words.slice(0, 16).every((x) => x === 0), "the padding row is zero");
  const all = Object.keys(w).sort().map((k) => `${k}:${sha256Hex(bytes(w[k]))}`).join("\n");
  assert.equal(sha256Hex(all), "0bbb37bfb41c790c8238495ba9d9e11c9b39123dc44e28ca85d543958d5509d4");
});

Deno.test("dropout() draws the mask of the Python reference and leaks no tensor", async () => {
  await tf.setBackend("cpu");
  const before = tf.memory().numTensors;
  const x = tf.ones([64]);
  const y = dropout(x, 0.5, 7);
  const mask = [...y.dataSync()].map((v) => (v ? "1" : "0")).join("");
  assert.equal(mask, "0101000100010111011001000100101000101010101010100011110101000110");
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test({
  name: "the Python reference prints the golden values the tests above assert",
  ignore: skipUnless(exists("/usr/bin/python3"), "/usr/bin/python3"),
  async fn() {
    const script = fileURLToPath(new URL("./testdata/rng_reference.py", import.meta.url));
    const out = await new Deno.Command("/usr/bin/python3", { args: [script], stderr: "inherit" })
      .output();
    assert.ok(out.success, "rng_reference.py failed");
    const text = new TextDecoder().decode(out.stdout);
    for (
      const expected of [
        "fromSplitMix(7).nextU32(): 1004282400",
        "E[0..3]: [-1.585033655166626, 0.0728430300951004, -0.19791851937770844, -1.2679884433746338]",
        "E[0..3]: [-0.4610239267349243, 0.02118717133998871, -0.08848253637552261, -0.5668738484382629]",
        "[40..43]: [0.04741036519408226, 0.009153705090284348, -0.005020729266107082, -0.022796766832470894]",
        "seed 7: 0101000100010111011001000100101000101010101010100011110101000110",
      ]
    ) assert.ok(text.includes(expected), expected);
  },
});
