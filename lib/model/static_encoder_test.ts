import assert from "node:assert/strict";
import { loadTokenizer, type TextTokenizer } from "../data/tokenizer.ts";
import { InputError } from "../util/errors.ts";
import type { PairBatch } from "./encoder.ts";
import { readSafetensors } from "./safetensors.ts";
import {
  createStaticEncoder,
  EMBEDDINGS_NAME,
  loadStaticEncoder,
  PROJECTION_NAME,
  startStaticThreads,
  StaticEncoder,
} from "./static_encoder.ts";

// ---- a tiny WordPiece tokenizer ---------------------------------------------

const WORDS = [
  "[PAD]",
  "[UNK]",
  "[CLS]",
  "[SEP]",
  "[MASK]",
  "Query",
  "Passage",
  ":",
  "the",
  "a",
  "cat",
  "dog",
  "sat",
  "on",
  "mat",
  "red",
  "blue",
  "green",
  "house",
  "car",
  "tree",
  "sun",
  "moon",
  "star",
  "fish",
  "bird",
  "##s",
];

async function tinyTokenizer(): Promise<TextTokenizer> {
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const cls = { SpecialToken: { id: "[CLS]", type_id: 0 } };
  const sep = { SpecialToken: { id: "[SEP]", type_id: 0 } };
  const json = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((t, i) => special(i, t)),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: false,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [cls, { Sequence: { id: "A", type_id: 0 } }, sep],
      pair: [cls, { Sequence: { id: "A", type_id: 0 } }, sep, {
        Sequence: { id: "B", type_id: 1 },
      }, sep],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [2], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [3], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(WORDS.map((w, i) => [w, i])),
    },
  };
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/tokenizer.json`, JSON.stringify(json));
  return loadTokenizer(dir);
}

const ids = (...xs: number[]) => new Int32Array(xs);

/** Three pairs with repeated tokens inside a sequence and tokens shared across sequences. */
const SMALL: PairBatch = {
  queries: [ids(2, 5, 7, 10, 10, 3), ids(2, 5, 7, 11, 3), ids(2, 5, 7, 15, 18, 19, 3)],
  passages: [ids(2, 6, 7, 10, 12, 3), ids(2, 6, 7, 11, 13, 14, 3), ids(2, 6, 7, 18, 3)],
};

/** Query i asks for word i; passage i contains word i and a filler. */
function toyBatch(offset = 0): PairBatch {
  const queries: Int32Array[] = [], passages: Int32Array[] = [];
  for (let i = 0; i < 8; i++) {
    const w = 10 + ((i + offset) % 16);
    queries.push(ids(2, 5, 7, w, 3));
    passages.push(ids(2, 6, 7, 8, w, 9 + (i % 2), 3));
  }
  return { queries, passages };
}

// ---- a float64 reference of the loss ----------------------------------------

function referenceLoss(
  E: Float64Array,
  W: Float64Array | null,
  d: number,
  p: number,
  batch: PairBatch,
  tau: number,
  sym: number,
): number {
  const embed = (seq: Int32Array): number[] => {
    const h = new Array(d).fill(0);
    for (const id of seq) for (let k = 0; k < d; k++) h[k] += E[id * d + k] / seq.length;
    const y = W
      ? Array.from({ length: p }, (_, j) => h.reduce((s, x, k) => s + W[j * d + k] * x, 0))
      : h;
    const norm = Math.sqrt(y.reduce((s, x) => s + x * x, 0));
    return y.map((x) => x / norm);
  };
  const q = batch.queries.map(embed), ps = batch.passages.map(embed);
  const n = q.length;
  const S = q.map((qi) => ps.map((pj) => qi.reduce((s, x, k) => s + x * pj[k], 0) / tau));
  let fwd = 0, back = 0;
  for (let i = 0; i < n; i++) {
    fwd += -S[i][i] + Math.log(S[i].reduce((s, x) => s + Math.exp(x), 0));
    back += -S[i][i] + Math.log(S.reduce((s, row) => s + Math.exp(row[i]), 0));
  }
  return fwd / n + sym * back / n;
}

async function gradientCheck(projection: number, tau: number, sym: number) {
  const tokenizer = await tinyTokenizer();
  const d = 6;
  const enc = createStaticEncoder({
    tokenizer,
    dim: d,
    projection,
    seed: 3,
    loss: { temperature: tau, symmetricWeight: sym },
  });
  const g = enc.gradients(SMALL);
  const E = Float64Array.from(enc.embeddings);
  const W = enc.projection ? Float64Array.from(enc.projection) : null;
  const p = projection;
  const f = () => referenceLoss(E, W, d, p, SMALL, tau, sym);
  assert.ok(Math.abs(g.loss - f()) < 1e-9 * Math.max(1, Math.abs(f())));
  const fd = (arr: Float64Array, i: number) => {
    const h = 1e-6, old = arr[i];
    arr[i] = old + h;
    const up = f();
    arr[i] = old - h;
    const down = f();
    arr[i] = old;
    return (up - down) / (2 * h);
  };
  // Every row of E: touched rows match, untouched rows have zero gradient.
  const slotOf = new Map([...g.rows].map((r, s) => [r, s]));
  let max = 0, checked = 0;
  const pairs: [number, number][] = [];
  for (let r = 0; r < enc.vocabSize; r++) {
    for (let k = 0; k < d; k++) {
      const num = fd(E, r * d + k);
      const s = slotOf.get(r);
      const ana = s === undefined ? 0 : g.embeddings[s * d + k];
      pairs.push([ana, num]);
      max = Math.max(max, Math.abs(num));
    }
  }
  for (const [ana, num] of pairs) {
    assert.ok(Math.abs(ana - num) <= 1e-4 * max + 1e-7, `dE: analytic ${ana} vs numeric ${num}`);
    checked++;
  }
  assert.ok(max > 1e-3, "the check is not vacuous");
  if (W && g.projection) {
    let maxW = 0;
    const wPairs: [number, number][] = [];
    for (let i = 0; i < W.length; i++) {
      const num = fd(W, i);
      wPairs.push([g.projection[i], num]);
      maxW = Math.max(maxW, Math.abs(num));
    }
    for (const [ana, num] of wPairs) {
      assert.ok(Math.abs(ana - num) <= 1e-4 * maxW + 1e-7, `dW: analytic ${ana} vs numeric ${num}`);
    }
    assert.ok(maxW > 1e-3);
  } else {
    assert.equal(projection, 0);
  }
  assert.equal(checked, enc.vocabSize * d);
  assert.deepEqual([...g.rows].sort((a, b) => a - b), [
    2,
    3,
    5,
    6,
    7,
    10,
    11,
    12,
    13,
    14,
    15,
    18,
    19,
  ]);
}

// ---- tests ------------------------------------------------------------------

Deno.test("gradients() match finite differences of a float64 reference (no projection)", async () => {
  await gradientCheck(0, 0.05, 0);
});

Deno.test("gradients() match finite differences with a projection and the symmetric term", async () => {
  await gradientCheck(4, 0.1, 0.5);
});

Deno.test("createStaticEncoder() sizes the model from the tokenizer and embeds to unit norm", async () => {
  const tokenizer = await tinyTokenizer();
  const enc = createStaticEncoder({ tokenizer, dim: 8, maxLength: 16 });
  assert.equal(enc.vocabSize, WORDS.length);
  assert.equal(enc.dim, 8);
  assert.equal(enc.architecture, "static");
  const seqs = [tokenizer.encode("Query: the cat sat"), ids(4), ids(2, 2, 2, 3)];
  const out = enc.embedIds(seqs);
  assert.equal(out.length, 3 * 8);
  for (let i = 0; i < 3; i++) {
    const norm = Math.hypot(...out.subarray(i * 8, i * 8 + 8));
    assert.ok(Math.abs(norm - 1) < 1e-6, `row ${i} has norm ${norm}`);
  }
  const proj = createStaticEncoder({ tokenizer, dim: 8, projection: 3 });
  assert.equal(proj.dim, 3);
  assert.equal(proj.embedIds(seqs).length, 9);
});

Deno.test("embedIds() is the normalised projection of the mean of the rows", async () => {
  const tokenizer = await tinyTokenizer();
  const d = 5, p = 3;
  const enc = createStaticEncoder({ tokenizer, dim: d, projection: p, seed: 9 });
  const seq = ids(2, 10, 10, 11, 3);
  const E = enc.embeddings, W = enc.projection!;
  const h = Array.from(
    { length: d },
    (_, k) => [...seq].reduce((s, id) => s + E[id * d + k], 0) / 5,
  );
  const y = Array.from({ length: p }, (_, j) => h.reduce((s, x, k) => s + W[j * d + k] * x, 0));
  const n = Math.hypot(...y);
  const got = enc.embedIds([seq]);
  for (let j = 0; j < p; j++) assert.ok(Math.abs(got[j] - y[j] / n) < 1e-6);
  // Many sequences (more than one internal chunk) give the same rows as one at a time.
  const many = Array.from({ length: 600 }, (_, i) => ids(2, 8 + (i % 19), 3));
  const all = enc.embedIds(many);
  assert.deepEqual(all.subarray(599 * p), enc.embedIds([many[599]]));
});

Deno.test("the same seed gives bit-identical weights after training; another seed does not", async () => {
  const tokenizer = await tinyTokenizer();
  const run = (seed: number) => {
    const enc = createStaticEncoder({ tokenizer, dim: 16, projection: 8, seed });
    for (let s = 0; s < 5; s++) enc.trainStep(toyBatch(s), { lr: 0.01 });
    return enc;
  };
  const a = run(42), b = run(42), c = run(43);
  assert.deepEqual(a.embeddings, b.embeddings);
  assert.deepEqual(a.projection, b.projection);
  assert.notDeepEqual(a.embeddings, c.embeddings);
  assert.equal(a.step, 5);
});

Deno.test("restoreTrainingState() mid-run continues bit-identically to the uninterrupted run", async () => {
  const tokenizer = await tinyTokenizer();
  const make = (seed: number) =>
    createStaticEncoder({ tokenizer, dim: 16, projection: 8, seed, loss: { symmetricWeight: 1 } });
  const whole = make(1);
  const losses: number[] = [];
  for (let s = 0; s < 6; s++) losses.push(whole.trainStep(toyBatch(s), { lr: 0.02 }));

  const first = make(1);
  for (let s = 0; s < 3; s++) first.trainStep(toyBatch(s), { lr: 0.02 });
  const state = first.trainingState();
  first.trainStep(toyBatch(99), { lr: 0.5 }); // must not leak into the saved state
  assert.equal(state.scalars.step, 3);
  assert.deepEqual(Object.keys(state.arrays).sort(), [
    EMBEDDINGS_NAME,
    `${EMBEDDINGS_NAME}.exp_avg`,
    `${EMBEDDINGS_NAME}.exp_avg_sq`,
    PROJECTION_NAME,
    `${PROJECTION_NAME}.exp_avg`,
    `${PROJECTION_NAME}.exp_avg_sq`,
  ]);

  const resumed = make(7); // different initial weights, all overwritten
  resumed.restoreTrainingState(state);
  const resumedLosses: number[] = [];
  for (let s = 3; s < 6; s++) resumedLosses.push(resumed.trainStep(toyBatch(s), { lr: 0.02 }));
  assert.deepEqual(resumedLosses, losses.slice(3));
  assert.deepEqual(resumed.embeddings, whole.embeddings);
  assert.deepEqual(resumed.projection, whole.projection);
  assert.deepEqual(resumed.trainingState(), whole.trainingState());
});

Deno.test("restoreTrainingState() rejects arrays of the wrong size", async () => {
  const tokenizer = await tinyTokenizer();
  const enc = createStaticEncoder({ tokenizer, dim: 4 });
  const state = enc.trainingState();
  state.arrays[EMBEDDINGS_NAME] = new Float32Array(3);
  assert.throws(
    () => enc.restoreTrainingState(state),
    (e) => e instanceof InputError && e.message.includes(EMBEDDINGS_NAME),
  );
});

Deno.test("save() and loadStaticEncoder() round-trip to identical embeddings", async () => {
  const tokenizer = await tinyTokenizer();
  const enc = createStaticEncoder({
    tokenizer,
    dim: 12,
    projection: 6,
    maxLength: 32,
    seed: 5,
    loss: { temperature: 0.1 },
  });
  enc.trainStep(toyBatch(), { lr: 0.01 });
  const dir = await Deno.makeTempDir();
  await enc.save(dir);
  const config = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
  assert.equal(config.model_type, "xlir-static");
  assert.deepEqual(config.architectures, ["XlirStaticEncoder"]);
  assert.equal(config.vocab_size, WORDS.length);
  assert.equal(config.hidden_size, 12);
  assert.equal(config.projection_size, 6);
  assert.equal(config.max_length, 32);
  assert.equal(config.pooling, "mean");
  assert.equal(config.normalize, true);
  const { tensors } = await readSafetensors(`${dir}/model.safetensors`);
  assert.deepEqual(tensors[EMBEDDINGS_NAME].shape, [WORDS.length, 12]);
  assert.deepEqual(tensors[PROJECTION_NAME].shape, [6, 12]);
  assert.equal(await Deno.readTextFile(`${dir}/tokenizer.json`), tokenizer.json);

  const back = await loadStaticEncoder(dir);
  assert.equal(back.dim, 6);
  assert.equal(back.maxLength, 32);
  assert.equal(back.lossOptions.temperature, 0.1);
  const seqs = toyBatch().queries.concat(toyBatch().passages);
  assert.deepEqual(back.embedIds(seqs), enc.embedIds(seqs));
  assert.equal(back.loss(toyBatch()), enc.loss(toyBatch()));
});

Deno.test("loadStaticEncoder() rejects another model_type and a missing config", async () => {
  const tokenizer = await tinyTokenizer();
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => loadStaticEncoder(dir),
    (e) => e instanceof InputError && e.message.includes(`${dir}/config.json`),
  );
  await createStaticEncoder({ tokenizer, dim: 4 }).save(dir);
  const config = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify({ ...config, model_type: "bert" }));
  await assert.rejects(
    () => loadStaticEncoder(dir),
    (e) =>
      e instanceof InputError && /model_type is "bert", expected "xlir-static"/.test(e.message),
  );
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify({ ...config, hidden_size: 5 }));
  await assert.rejects(
    () => loadStaticEncoder(dir),
    (e) => e instanceof InputError && e.message.includes(EMBEDDINGS_NAME),
  );
});

Deno.test("trainStep() lowers the loss on a task where queries share tokens with their passages", async () => {
  const tokenizer = await tinyTokenizer();
  const enc = createStaticEncoder({ tokenizer, dim: 32, seed: 2 });
  const batch = toyBatch();
  const before = enc.loss(batch);
  let last = Infinity;
  for (let s = 0; s < 40; s++) last = enc.trainStep(batch, { lr: 0.05 });
  const after = enc.loss(batch);
  assert.ok(after < 0.2 * before, `loss went from ${before} to ${after}`);
  assert.ok(after <= last);
  // Each query now retrieves its own passage first.
  const q = enc.embedIds(batch.queries), p = enc.embedIds(batch.passages), d = enc.dim;
  for (let i = 0; i < 8; i++) {
    const scores = Array.from({ length: 8 }, (_, j) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += q[i * d + k] * p[j * d + k];
      return s;
    });
    assert.equal(scores.indexOf(Math.max(...scores)), i);
  }
});

Deno.test("trainStep() leaves rows the batch does not touch unchanged", async () => {
  const tokenizer = await tinyTokenizer();
  const enc = createStaticEncoder({ tokenizer, dim: 4, seed: 1 });
  const before = enc.embeddings.slice();
  enc.trainStep(SMALL, { lr: 0.1 });
  const touched = new Set([...SMALL.queries, ...SMALL.passages].flatMap((s) => [...s]));
  for (let r = 0; r < enc.vocabSize; r++) {
    const same = enc.embeddings.subarray(r * 4, r * 4 + 4).every((x, k) => x === before[r * 4 + k]);
    assert.equal(same, !touched.has(r), `row ${r}`);
  }
});

Deno.test("trainStep() reports a non-finite loss for a NaN weight and does not update", async () => {
  const tokenizer = await tinyTokenizer();
  const enc = createStaticEncoder({ tokenizer, dim: 4, projection: 2 });
  enc.embeddings[10 * 4 + 1] = NaN;
  const before = enc.trainingState();
  const loss = enc.trainStep(toyBatch(), { lr: 0.1 });
  assert.ok(!Number.isFinite(loss));
  assert.ok(!Number.isFinite(enc.loss(toyBatch())));
  assert.equal(enc.step, 0);
  assert.deepEqual(enc.trainingState(), before);
});

Deno.test("trainStep() rejects bad batches with an InputError and stays usable", async () => {
  const tokenizer = await tinyTokenizer();
  const enc = createStaticEncoder({ tokenizer, dim: 4, seed: 4 });
  const expected = createStaticEncoder({ tokenizer, dim: 4, seed: 4 }).gradients(SMALL);
  const bad = { queries: [ids(2, 5, 3)], passages: [ids(2, 99, 3)] };
  assert.throws(
    () => enc.trainStep(bad, { lr: 0.1 }),
    (e) => e instanceof InputError && /passage 0: token id 99 at position 1/.test(e.message),
  );
  assert.throws(
    () => enc.trainStep({ queries: [ids(2)], passages: [] }, { lr: 0.1 }),
    InputError,
  );
  assert.throws(() => enc.embedIds([ids()]), /sequence 0 has no token ids/);
  assert.equal(enc.step, 0);
  // The half-gathered rows of the failed step do not leak into the next one.
  assert.deepEqual(enc.gradients(SMALL), expected);
});

Deno.test("dispose() makes the encoder unusable", async () => {
  const tokenizer = await tinyTokenizer();
  const enc: StaticEncoder = createStaticEncoder({ tokenizer, dim: 4 });
  enc.dispose();
  assert.throws(() => enc.embedIds([ids(2, 3)]), /after dispose/);
});

// ---- the WebAssembly kernels against their TypeScript twins ------------------

/** Random pairs: `n` of them, lengths 1…max, ids over the vocabulary (repeats included). */
function randomBatch(n: number, vocab: number, max: number, seed: number): PairBatch {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const seq = () =>
    Int32Array.from({ length: 1 + Math.floor(next() * max) }, () => Math.floor(next() * vocab));
  return { queries: Array.from({ length: n }, seq), passages: Array.from({ length: n }, seq) };
}

function bits(a: ArrayLike<number>): number[] {
  return [...new Uint32Array(Float32Array.from(a).buffer)];
}

Deno.test("the wasm and js kernels train to bit-identical losses, weights and moments", async () => {
  const tokenizer = await tinyTokenizer();
  for (
    const [dim, projection, sym] of [[1, 0, 0], [3, 0, 1], [8, 0, 0], [17, 4, 0.5], [37, 0, 0]]
  ) {
    const make = (kernels: "wasm" | "js") =>
      createStaticEncoder({
        tokenizer,
        dim,
        projection,
        seed: dim,
        kernels,
        loss: { symmetricWeight: sym },
      });
    const a = make("wasm"), b = make("js");
    assert.equal(a.kernels, "wasm");
    assert.equal(b.kernels, "js");
    assert.deepEqual(bits(a.embeddings), bits(b.embeddings));
    // Odd and even batch sizes, growing (the scratch grows), sequences of 1 to 11 tokens.
    for (const [step, n] of [[0, 1], [1, 3], [2, 4], [3, 9], [4, 2]]) {
      const batch = randomBatch(n, WORDS.length, 11, 100 * dim + step);
      const la = a.trainStep(batch, { lr: 0.05 }), lb = b.trainStep(batch, { lr: 0.05 });
      assert.equal(la, lb, `dim ${dim}, step ${step}: loss`);
      assert.equal(a.loss(batch), b.loss(batch));
    }
    const sa = a.trainingState(), sb = b.trainingState();
    for (const name of Object.keys(sb.arrays)) {
      assert.deepEqual(bits(sa.arrays[name]), bits(sb.arrays[name]), `dim ${dim}: ${name}`);
    }
    const ga = a.gradients(SMALL), gb = b.gradients(SMALL);
    assert.deepEqual(bits(ga.embeddings), bits(gb.embeddings));
    assert.equal(ga.loss, gb.loss);
  }
});

Deno.test("embedIds() gives bit-identical float32 embeddings with the wasm and js kernels", async () => {
  const tokenizer = await tinyTokenizer();
  for (const dim of [1, 4, 6, 33, 260]) {
    const a = createStaticEncoder({ tokenizer, dim, seed: 5, kernels: "wasm" });
    const b = createStaticEncoder({ tokenizer, dim, seed: 5, kernels: "js" });
    const seqs = [...randomBatch(40, WORDS.length, 13, dim).queries, ids(4), ids(2, 2, 2, 2, 2)];
    const ea = a.embedIds(seqs), eb = b.embedIds(seqs);
    assert.deepEqual(bits(ea), bits(eb), `dim ${dim}`);
    // Float32 sums: within 1e-6 of the float64 mean-then-normalise.
    const E = a.embeddings;
    seqs.forEach((seq, i) => {
      const h = Array.from(
        { length: dim },
        (_, k) => [...seq].reduce((s, id) => s + E[id * dim + k], 0),
      );
      const norm = Math.hypot(...h);
      for (let k = 0; k < dim; k++) assert.ok(Math.abs(ea[i * dim + k] - h[k] / norm) < 1e-6);
    });
  }
});

Deno.test("embeddings stays the live view of E through training, scratch growth and in-place edits", async () => {
  const tokenizer = await tinyTokenizer();
  const enc = createStaticEncoder({ tokenizer, dim: 8, seed: 2 });
  const E = enc.embeddings;
  const before = E[10 * 8];
  for (const n of [1, 8, 64, 300]) enc.trainStep(randomBatch(n, WORDS.length, 30, n), { lr: 0.1 });
  assert.equal(enc.embeddings, E);
  assert.equal(E.length, WORDS.length * 8);
  assert.notEqual(E[10 * 8], before, "training wrote through the view");
  // Rescaling rows in place (as the model factory does) changes what the model computes.
  const one = enc.embedIds([ids(10, 11)]);
  for (let k = 0; k < 8; k++) E[10 * 8 + k] *= 3;
  assert.notDeepEqual(enc.embedIds([ids(10, 11)]), one);
  assert.deepEqual(enc.trainingState().arrays[EMBEDDINGS_NAME], E.slice());
});

Deno.test("new StaticEncoder() copies given embeddings into the kernel memory, or takes them with js", async () => {
  const tokenizer = await tinyTokenizer();
  const V = WORDS.length, d = 4;
  const given = Float32Array.from({ length: V * d }, (_, i) => Math.sin(i));
  const settings = { vocabSize: V, hiddenSize: d, projectionSize: 0, maxLength: 8 };
  const wasm = new StaticEncoder(tokenizer, given, null, settings);
  assert.notEqual(wasm.embeddings, given);
  assert.deepEqual(wasm.embeddings, given);
  const js = new StaticEncoder(tokenizer, given, null, { ...settings, kernels: "js" });
  assert.equal(js.embeddings, given);
  assert.deepEqual(bits(wasm.embedIds([ids(2, 7, 9)])), bits(js.embedIds([ids(2, 7, 9)])));
  assert.throws(
    () => new StaticEncoder(tokenizer, given, null, { ...settings, kernels: "gpu" as "js" }),
    /kernels is "gpu"/,
  );
});

Deno.test("embedIds() on worker threads gives the same bits as on one thread and as the js kernels", async () => {
  const tokenizer = await tinyTokenizer();
  const threads = await startStaticThreads(2);
  assert.ok(threads >= 1);
  const a = createStaticEncoder({ tokenizer, dim: 24, seed: 8 });
  const b = createStaticEncoder({ tokenizer, dim: 24, seed: 8, kernels: "js" });
  // Enough tokens (≥ 8192) to be shared with the workers, in many chunks of sequences.
  const seqs = randomBatch(700, WORDS.length, 30, 99).queries;
  assert.ok(seqs.reduce((n, s) => n + s.length, 0) >= 8192);
  const threaded = a.embedIds(seqs);
  assert.deepEqual(bits(threaded), bits(b.embedIds(seqs)));
  assert.deepEqual(bits(threaded.subarray(0, 24)), bits(a.embedIds(seqs.slice(0, 1))));
});

// ---- hard negatives (triplets) ----------------------------------------------

/** SMALL with one hard negative per query; query 1's negative is a copy of passage 0 (masked for query 0). */
const TRIPLETS: PairBatch = {
  ...SMALL,
  negatives: [ids(2, 6, 7, 10, 19, 3), SMALL.passages[0].slice(), ids(2, 6, 7, 15, 20, 20, 3)],
};

/** The triplet loss in float64, written independently: 2B candidates, copies of a positive left out. */
function referenceTripletLoss(
  E: Float64Array,
  W: Float64Array | null,
  d: number,
  p: number,
  batch: PairBatch,
  tau: number,
  sym: number,
): number {
  const embed = (seq: Int32Array): number[] => {
    const h = new Array(d).fill(0);
    for (const id of seq) for (let k = 0; k < d; k++) h[k] += E[id * d + k] / seq.length;
    const y = W
      ? Array.from({ length: p }, (_, j) => h.reduce((s, x, k) => s + W[j * d + k] * x, 0))
      : h;
    const norm = Math.sqrt(y.reduce((s, x) => s + x * x, 0));
    return y.map((x) => x / norm);
  };
  const cands = [...batch.passages, ...batch.negatives!];
  const key = (s: Int32Array) => s.join(",");
  const q = batch.queries.map(embed), c = cands.map(embed);
  const n = q.length;
  const S = q.map((qi) => c.map((cj) => qi.reduce((s, x, k) => s + x * cj[k], 0) / tau));
  const kept = (i: number, j: number) => j === i || key(cands[j]) !== key(cands[i]);
  let fwd = 0, back = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < c.length; j++) if (kept(i, j)) z += Math.exp(S[i][j]);
    fwd += -S[i][i] + Math.log(z);
    let y = 0;
    for (let r = 0; r < n; r++) if (kept(r, i)) y += Math.exp(S[r][i]);
    back += -S[i][i] + Math.log(y);
  }
  return fwd / n + sym * back / n;
}

for (const [projection, tau, sym] of [[0, 0.05, 0], [4, 0.1, 0.5]]) {
  Deno.test(`gradients() with hard negatives match finite differences of a float64 triplet reference (projection ${projection}, symmetric ${sym})`, async () => {
    const tokenizer = await tinyTokenizer();
    const d = 6;
    const enc = createStaticEncoder({
      tokenizer,
      dim: d,
      projection,
      seed: 5,
      kernels: "js",
      loss: { temperature: tau, symmetricWeight: sym },
    });
    const g = enc.gradients(TRIPLETS);
    const E = Float64Array.from(enc.embeddings);
    const W = enc.projection ? Float64Array.from(enc.projection) : null;
    const f = () => referenceTripletLoss(E, W, d, projection, TRIPLETS, tau, sym);
    assert.ok(Math.abs(g.loss - f()) < 1e-9 * Math.max(1, Math.abs(f())));
    // Without the mask the copy of passage 0 would count as a negative of query 0.
    const slotOf = new Map([...g.rows].map((r, s) => [r, s]));
    let max = 0;
    const h = 1e-6;
    const fd = (arr: Float64Array, i: number) => {
      const old = arr[i];
      arr[i] = old + h;
      const up = f();
      arr[i] = old - h;
      const down = f();
      arr[i] = old;
      return (up - down) / (2 * h);
    };
    const pairs: [number, number][] = [];
    for (let r = 0; r < enc.vocabSize; r++) {
      for (let k = 0; k < d; k++) {
        const num = fd(E, r * d + k), s = slotOf.get(r);
        pairs.push([s === undefined ? 0 : g.embeddings[s * d + k], num]);
        max = Math.max(max, Math.abs(num));
      }
    }
    for (const [ana, num] of pairs) {
      assert.ok(Math.abs(ana - num) <= 1e-4 * max + 1e-7, `dE: analytic ${ana} vs numeric ${num}`);
    }
    assert.ok(max > 1e-3, "the check is not vacuous");
    // Row 20 is only in a negative: it gets a gradient.
    assert.ok(slotOf.has(20));
    if (W && g.projection) {
      for (let i = 0; i < W.length; i++) {
        const num = fd(W, i);
        assert.ok(Math.abs(g.projection[i] - num) <= 1e-4 * Math.abs(num) + 1e-6);
      }
    }
    enc.dispose();
  });
}

Deno.test("the wasm and js kernels train on hard negatives to bit-identical losses, weights and moments", async () => {
  const tokenizer = await tinyTokenizer();
  for (const [dim, projection, sym] of [[1, 0, 0], [8, 0, 1], [17, 4, 0.5], [37, 0, 0]]) {
    const make = (kernels: "wasm" | "js") =>
      createStaticEncoder({
        tokenizer,
        dim,
        projection,
        seed: dim,
        kernels,
        loss: { symmetricWeight: sym },
      });
    const a = make("wasm"), b = make("js");
    // Growing batches (the cosine scratch grows to B × 2B), some with a negative that
    // copies another query's positive (masked), mixed with batches without negatives.
    for (const [step, n] of [[0, 1], [1, 3], [2, 9], [3, 4], [4, 17]]) {
      const batch = randomBatch(n, WORDS.length, 11, 100 * dim + step);
      const extra = randomBatch(n, WORDS.length, 11, 7 * dim + step).passages;
      if (n > 2) extra[1] = batch.passages[0].slice();
      const triplets = step === 3 ? batch : { ...batch, negatives: extra };
      const la = a.trainStep(triplets, { lr: 0.05 }), lb = b.trainStep(triplets, { lr: 0.05 });
      assert.equal(la, lb, `dim ${dim}, step ${step}: loss`);
      assert.equal(a.loss(triplets), b.loss(triplets));
    }
    const sa = a.trainingState(), sb = b.trainingState();
    for (const name of Object.keys(sb.arrays)) {
      assert.deepEqual(bits(sa.arrays[name]), bits(sb.arrays[name]), `dim ${dim}: ${name}`);
    }
    const ga = a.gradients(TRIPLETS), gb = b.gradients(TRIPLETS);
    assert.deepEqual(bits(ga.embeddings), bits(gb.embeddings));
    assert.equal(ga.loss, gb.loss);
    a.dispose();
    b.dispose();
  }
});

Deno.test("a hard negative close to its query raises the loss over the square batch", async () => {
  const tokenizer = await tinyTokenizer();
  const enc = createStaticEncoder({ tokenizer, dim: 16, seed: 2 });
  const square = enc.loss(SMALL);
  // Each query's negative is the query itself (as a passage): the hardest possible.
  const hard = enc.loss({ ...SMALL, negatives: SMALL.queries.map((q) => q.slice()) });
  assert.ok(hard > square, `${hard} vs ${square}`);
  enc.dispose();
});

Deno.test("trainStep() rejects a batch without one negative per query, and stays usable", async () => {
  const tokenizer = await tinyTokenizer();
  const enc = createStaticEncoder({ tokenizer, dim: 8, seed: 1 });
  assert.throws(
    () => enc.trainStep({ ...SMALL, negatives: [SMALL.passages[0]] }, { lr: 0.1 }),
    (e) => e instanceof InputError && /3 queries and 1 negatives/.test(e.message),
  );
  assert.throws(
    () => enc.loss({ ...SMALL, negatives: [ids(2, 3), ids(2, 99), ids(2, 3)] }),
    (e) => e instanceof InputError && /negative 1: token id 99/.test(e.message),
  );
  assert.equal(enc.step, 0);
  assert.ok(Number.isFinite(enc.trainStep(TRIPLETS, { lr: 0.1 })));
  enc.dispose();
});

Deno.test("snapshotWeights(reuse) refills only trained rows and equals a full copy every time", async () => {
  const tokenizer = await tinyTokenizer();
  for (const kernels of ["wasm", "js"] as const) {
    const enc = createStaticEncoder({ tokenizer, dim: 6, projection: 3, seed: 4, kernels });
    // trainingState() copies without handing out the live arrays.
    const full = () => {
      const { arrays } = enc.trainingState();
      return { E: arrays[EMBEDDINGS_NAME], W: arrays[PROJECTION_NAME] };
    };
    let snap = enc.snapshotWeights();
    const first = snap;
    for (let step = 0; step < 12; step++) {
      enc.trainStep(randomBatch(2 + (step % 3), WORDS.length, 5, 7 * step + 1), { lr: 0.05 });
      // Snapshot after some steps only: rows written over several steps since are all copied.
      if (step % 3 !== 1) continue;
      snap = enc.snapshotWeights(snap);
      assert.equal(snap, first, `${kernels}: refilled in place`);
      const want = full();
      assert.deepEqual(bits(snap.E), bits(want.E), `${kernels} step ${step}: E`);
      assert.deepEqual(bits(snap.W!), bits(want.W), `${kernels} step ${step}: W`);
    }
    // A write through the live view is seen: the next refill copies everything.
    enc.embeddings[0] += 1;
    snap = enc.snapshotWeights(snap);
    assert.equal(snap.E[0], enc.embeddings[0]);
    // A restored state is seen too.
    const state = enc.trainingState();
    const other = createStaticEncoder({ tokenizer, dim: 6, projection: 3, seed: 5, kernels });
    const otherSnap = other.snapshotWeights();
    other.restoreTrainingState(state);
    assert.deepEqual(bits(other.snapshotWeights(otherSnap).E), bits(state.arrays[EMBEDDINGS_NAME]));
    // Another encoder's snapshot is not refilled: a fresh copy is returned.
    assert.notEqual(other.snapshotWeights(snap), snap);
    enc.dispose();
    other.dispose();
  }
});
