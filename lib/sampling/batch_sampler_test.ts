import assert from "node:assert/strict";
import type { ParallelExample } from "../data/types.ts";
import { InputError } from "../util/errors.ts";
import { type Batch, BatchSampler, type BatchSamplerOptions } from "./batch_sampler.ts";
import { Rng } from "./rng.ts";

// ---------------------------------------------------------------- fixtures

const LANGS = ["ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh"];

/** Examples in every one of `langs`, groups of `groupSize` consecutive examples. */
function parallel(n: number, langs: readonly string[], groupSize = 1): ParallelExample[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `ex${i}`,
    group: `g${Math.floor(i / groupSize)}`,
    texts: Object.fromEntries(langs.map((l) => [l, { query: `q${i}${l}`, passage: `p${i}${l}` }])),
  }));
}

interface Config {
  examples: ParallelExample[];
  options: BatchSamplerOptions;
}

/** A random configuration: partial language coverage, random groups, α, batch size. */
function randomConfig(rng: Rng): Config {
  const numLangs = 1 + rng.int(5);
  const langs = LANGS.slice(0, numLangs);
  const n = 4 + rng.int(120);
  const minLangs = rng.int(2) === 0 ? 1 : Math.min(2, numLangs);
  const examples: ParallelExample[] = [];
  let groupLeft = 0;
  let groupNo = 0;
  for (let i = 0; i < n; i++) {
    if (groupLeft === 0) {
      groupNo++;
      groupLeft = 1 + rng.int(3);
    }
    groupLeft--;
    const k = minLangs + rng.int(numLangs - minLangs + 1);
    const mine = rng.shuffle([...langs]).slice(0, k);
    // Sometimes a language outside the training set too.
    if (rng.int(5) === 0) mine.push("xx");
    examples.push({
      id: `ex${i}`,
      group: `g${groupNo}`,
      texts: Object.fromEntries(mine.map((l) => [l, { query: "q", passage: "p" }])),
    });
  }
  const alphaPick = rng.int(4);
  const alpha = alphaPick === 0 ? 0 : alphaPick === 1 ? 1 : rng.float();
  return {
    examples,
    options: {
      batchSize: 2 + rng.int(8),
      alpha: numLangs < 2 ? 1 : alpha,
      seed: rng.int(1000) - 500,
      languages: langs,
      uniqueGroups: rng.int(4) !== 0,
    },
  };
}

/** The configuration's pools, computed independently of the sampler. */
function pools(config: Config) {
  const { examples, options } = config;
  const langs = options.languages!;
  const train = (ex: ParallelExample) => langs.filter((l) => l in ex.texts);
  const units = (members: ParallelExample[]) =>
    options.uniqueGroups === false ? members.length : new Set(members.map((e) => e.group)).size;
  const xx = langs.map((l) => units(examples.filter((ex) => l in ex.texts)));
  const xy = units(examples.filter((ex) => train(ex).length >= 2));
  const usable = examples.filter((ex) => train(ex).length >= (options.alpha > 0 ? 1 : 2)).length;
  return { xx, xy, usable, train };
}

/** Checks the per-batch rules; returns the batches. */
function checkEpoch(sampler: BatchSampler, config: Config, epoch: number): Batch[] {
  const { examples, options } = config;
  const batches = [...sampler.batches(epoch)];
  assert.equal(batches.length, sampler.length, "epoch length");
  for (const [b, batch] of batches.entries()) {
    const where = `epoch ${epoch} batch ${b}`;
    assert.equal(batch.items.length, options.batchSize, `${where}: size`);
    const ids = batch.items.map((it) => it.example);
    assert.equal(new Set(ids).size, ids.length, `${where}: duplicate example`);
    if (options.uniqueGroups !== false) {
      const groups = ids.map((i) => examples[i].group);
      assert.equal(new Set(groups).size, groups.length, `${where}: duplicate group`);
    }
    for (const it of batch.items) {
      const ex = examples[it.example];
      assert.ok(ex !== undefined, `${where}: index ${it.example}`);
      assert.ok(it.queryLang in ex.texts && it.passageLang in ex.texts, `${where}: missing text`);
      assert.ok(options.languages!.includes(it.queryLang), `${where}: not a training language`);
      assert.ok(options.languages!.includes(it.passageLang), `${where}: not a training language`);
    }
    if (batch.kind === "xx") {
      const lang = batch.items[0].queryLang;
      for (const it of batch.items) {
        assert.ok(
          it.queryLang === lang && it.passageLang === lang,
          `${where}: X-X not monolingual`,
        );
      }
    } else {
      assert.equal(batch.kind, "xy");
      for (const it of batch.items) assert.notEqual(it.queryLang, it.passageLang, where);
    }
    if (options.alpha === 1) assert.equal(batch.kind, "xx", `${where}: α = 1`);
    if (options.alpha === 0) assert.equal(batch.kind, "xy", `${where}: α = 0`);
  }
  return batches;
}

/** Chi-square threshold for `df` degrees of freedom at about 5σ (Wilson–Hilferty). */
function chi2Limit(df: number, z = 5): number {
  const c = 2 / (9 * df);
  return df * (1 - c + z * Math.sqrt(c)) ** 3;
}

function chi2(counts: number[], expected: number[]): number {
  return counts.reduce((s, c, i) => s + (c - expected[i]) ** 2 / expected[i], 0);
}

// ---------------------------------------------------------------- property tests

Deno.test("random configurations: exact length, batch rules, determinism, resume (300 trials)", () => {
  const rng = new Rng(20240820);
  let built = 0;
  let differing = 0;
  let comparable = 0;
  for (let trial = 0; trial < 300; trial++) {
    const config = randomConfig(rng);
    const expected = pools(config);
    const { options } = config;
    const B = options.batchSize;
    const needXX = options.alpha > 0 && expected.xx.some((u) => u < B);
    const needXY = options.alpha < 1 && expected.xy < B;
    if (needXX || needXY) {
      assert.throws(
        () => new BatchSampler(config.examples, options),
        (e: unknown) => e instanceof InputError && /Cannot build batches/.test(e.message),
        `trial ${trial}: expected a validation error`,
      );
      continue;
    }
    built++;
    const sampler = new BatchSampler(config.examples, options);
    assert.equal(sampler.usable, expected.usable, `trial ${trial}: usable`);
    assert.equal(sampler.length, Math.floor(expected.usable / B), `trial ${trial}: length`);
    const e0 = checkEpoch(sampler, config, 0);
    const e1 = checkEpoch(sampler, config, 1);
    // Same (seed, epoch) → identical, also from a fresh sampler.
    assert.deepEqual([...sampler.batches(0)], e0, `trial ${trial}: repeat`);
    assert.deepEqual(
      [...new BatchSampler(config.examples, options).batches(1)],
      e1,
      `trial ${trial}: fresh sampler`,
    );
    // Resume from a random batch k gives the suffix.
    for (const k of [rng.int(sampler.length + 1), sampler.length]) {
      assert.deepEqual([...sampler.batches(1, k)], e1.slice(k), `trial ${trial}: resume at ${k}`);
    }
    if (expected.usable >= 4 * B) {
      comparable++;
      if (JSON.stringify(e0) !== JSON.stringify(e1)) differing++;
    }
  }
  console.log(`${built} valid of 300, ${comparable} compared across epochs`);
  assert.ok(built >= 150, `only ${built} valid configurations`);
  assert.ok(comparable >= 50, `only ${comparable} comparable configurations`);
  assert.equal(differing, comparable, "an epoch repeated the previous one");
});

Deno.test("batches() gives different batches in each of 20 epochs", () => {
  const examples = parallel(200, ["de", "en", "es"], 2);
  const sampler = new BatchSampler(examples, { batchSize: 10, alpha: 0.5, seed: 3 });
  const seen = new Set<string>();
  for (let epoch = 0; epoch < 20; epoch++) {
    seen.add(JSON.stringify([...sampler.batches(epoch)]));
    // The first batch alone differs too (the sentence-transformers bug was a fixed order).
  }
  assert.equal(seen.size, 20);
  const firsts = new Set(
    Array.from({ length: 20 }, (_, e) => JSON.stringify(sampler.batches(e).next().value)),
  );
  assert.equal(firsts.size, 20);
});

Deno.test("different seeds give different epochs", () => {
  const examples = parallel(100, ["de", "en"]);
  const a = new BatchSampler(examples, { batchSize: 10, alpha: 0.5, seed: 1 });
  const b = new BatchSampler(examples, { batchSize: 10, alpha: 0.5, seed: 2 });
  assert.notDeepEqual([...a.batches(0)], [...b.batches(0)]);
});

Deno.test("fully parallel data with distinct groups: every example exactly once per epoch", () => {
  const examples = parallel(600, ["ar", "de", "en", "zh"]);
  for (const alpha of [0, 0.5, 1]) {
    const sampler = new BatchSampler(examples, { batchSize: 20, alpha, seed: 11 });
    assert.equal(sampler.length, 30);
    for (let epoch = 0; epoch < 3; epoch++) {
      const used = [...sampler.batches(epoch)].flatMap((b) => b.items.map((it) => it.example));
      assert.equal(used.length, 600);
      assert.equal(new Set(used).size, 600, `α ${alpha} epoch ${epoch}`);
    }
  }
});

Deno.test("left-over examples (usable not a multiple of batchSize) are never used twice", () => {
  const examples = parallel(107, ["de", "en"]);
  const sampler = new BatchSampler(examples, { batchSize: 10, alpha: 0.5, seed: 4 });
  assert.equal(sampler.length, 10);
  const used = [...sampler.batches(0)].flatMap((b) => b.items.map((it) => it.example));
  assert.equal(new Set(used).size, 100);
});

Deno.test("a rare language's pool refills: X-X in it reuses examples, length stays exact", () => {
  // "hi" has 6 examples, batch 5: X-X "hi" batches must reuse; the epoch still has 40 batches.
  const examples = parallel(200, ["en", "de"]);
  for (let i = 0; i < 6; i++) examples[i].texts.hi = { query: "q", passage: "p" };
  const sampler = new BatchSampler(examples, { batchSize: 5, alpha: 1, seed: 8 });
  assert.equal(sampler.length, 40);
  const batches = [...sampler.batches(0)];
  assert.equal(batches.length, 40);
  const hi = batches.filter((b) => b.items[0].queryLang === "hi");
  assert.ok(hi.length >= 5, `${hi.length} hi batches`); // expected 40/3
  for (const b of hi) assert.ok(b.items.every((it) => it.example < 6));
});

Deno.test("fraction of X-X batches ≈ α (binomial, 4σ), and α = 1 / α = 0 are pure", () => {
  const examples = parallel(500, ["de", "en", "es", "hi", "zh"], 2);
  for (const alpha of [0, 0.1, 0.5, 0.8, 1]) {
    const sampler = new BatchSampler(examples, { batchSize: 10, alpha, seed: 5 });
    let xx = 0;
    let total = 0;
    for (let epoch = 0; epoch < 60; epoch++) {
      for (const b of sampler.batches(epoch)) {
        total++;
        if (b.kind === "xx") xx++;
      }
    }
    assert.equal(total, 3000);
    if (alpha === 0 || alpha === 1) {
      assert.equal(xx, alpha * total);
    } else {
      const sigma = Math.sqrt(total * alpha * (1 - alpha));
      assert.ok(Math.abs(xx - alpha * total) <= 4 * sigma, `α ${alpha}: ${xx}/${total}`);
    }
  }
});

Deno.test("X-X language is uniform over training languages, also under partial coverage", () => {
  // MLQA-like: every example has "en" and 1–3 of 6 other languages, so the
  // languages have very different pool sizes; the batch language stays uniform.
  const others = ["ar", "de", "es", "hi", "vi", "zh"];
  const rng = new Rng(77);
  const examples: ParallelExample[] = Array.from({ length: 400 }, (_, i) => {
    const mine = ["en", ...rng.shuffle([...others]).slice(0, 1 + rng.int(3))];
    return {
      id: `${i}`,
      group: `${i}`,
      texts: Object.fromEntries(mine.map((l) => [l, { query: "q", passage: "p" }])),
    };
  });
  const sampler = new BatchSampler(examples, { batchSize: 8, alpha: 0.7, seed: 2 });
  const langs = sampler.languages;
  assert.deepEqual(langs, ["ar", "de", "en", "es", "hi", "vi", "zh"]);
  const counts = new Array(langs.length).fill(0);
  for (let epoch = 0; epoch < 100; epoch++) {
    for (const b of sampler.batches(epoch)) {
      if (b.kind === "xx") counts[langs.indexOf(b.items[0].queryLang)]++;
    }
  }
  const n = counts.reduce((a, b) => a + b, 0);
  const stat = chi2(counts, counts.map(() => n / langs.length));
  assert.ok(stat < chi2Limit(langs.length - 1), `chi2 ${stat}, counts ${counts}`);
});

Deno.test("X-Y pairs are uniform over each example's ordered language pairs", () => {
  // Examples cover 2, 3 or 4 of the 4 languages; for each coverage set, its
  // ordered pairs must be equally frequent.
  const langs = ["de", "en", "es", "zh"];
  const sets = [["de", "en"], ["en", "es", "zh"], langs];
  const examples: ParallelExample[] = Array.from({ length: 300 }, (_, i) => ({
    id: `${i}`,
    group: `${i}`,
    texts: Object.fromEntries(sets[i % 3].map((l) => [l, { query: "q", passage: "p" }])),
  }));
  const sampler = new BatchSampler(examples, { batchSize: 10, alpha: 0, seed: 6 });
  const counts = sets.map(() => new Map<string, number>());
  for (let epoch = 0; epoch < 40; epoch++) {
    for (const b of sampler.batches(epoch)) {
      for (const it of b.items) {
        const m = counts[it.example % 3];
        const key = `${it.queryLang}>${it.passageLang}`;
        m.set(key, (m.get(key) ?? 0) + 1);
      }
    }
  }
  let stat = 0;
  let df = 0;
  sets.forEach((set, s) => {
    const pairs = set.length * (set.length - 1);
    assert.equal(counts[s].size, pairs, `set ${set}: pairs seen`);
    const values = [...counts[s].values()];
    const n = values.reduce((a, b) => a + b, 0);
    stat += chi2(values, values.map(() => n / pairs));
    df += pairs - 1;
  });
  assert.ok(stat < chi2Limit(df), `chi2 ${stat} (df ${df})`);
});

Deno.test("examples are used about equally often over many epochs", () => {
  const examples = parallel(300, ["de", "en", "es"], 3);
  const sampler = new BatchSampler(examples, { batchSize: 12, alpha: 0.5, seed: 9 });
  const uses = new Array(300).fill(0);
  for (let epoch = 0; epoch < 30; epoch++) {
    for (const b of sampler.batches(epoch)) for (const it of b.items) uses[it.example]++;
  }
  // 25 batches × 12 = 300 per epoch: each example ≈ once per epoch.
  assert.ok(
    Math.min(...uses) >= 25 && Math.max(...uses) <= 35,
    `${Math.min(...uses)}..${Math.max(...uses)}`,
  );
});

Deno.test("uniqueGroups: false allows one group twice in a batch, never one example twice", () => {
  const examples = parallel(40, ["de", "en"], 20); // two groups only
  assert.throws(
    () => new BatchSampler(examples, { batchSize: 4, alpha: 0.5, seed: 1 }),
    /X-X language "de" has 2 distinct groups \(40 examples\), a batch of 4 needs 4/,
  );
  const sampler = new BatchSampler(examples, {
    batchSize: 4,
    alpha: 0.5,
    seed: 1,
    uniqueGroups: false,
  });
  for (const b of sampler.batches(0)) {
    assert.equal(new Set(b.items.map((it) => it.example)).size, 4);
  }
});

Deno.test("languages option restricts training languages; others are ignored", () => {
  const examples = parallel(50, ["de", "en", "fr"]);
  const sampler = new BatchSampler(examples, {
    batchSize: 5,
    alpha: 0.5,
    seed: 1,
    languages: ["fr", "en"],
  });
  assert.deepEqual(sampler.languages, ["fr", "en"]);
  for (let epoch = 0; epoch < 5; epoch++) {
    for (const b of sampler.batches(epoch)) {
      for (const it of b.items) {
        assert.notEqual(it.queryLang, "de");
        assert.notEqual(it.passageLang, "de");
      }
    }
  }
});

Deno.test("α = 0 counts only examples with two training languages as usable", () => {
  const examples = parallel(30, ["de", "en"]);
  for (let i = 0; i < 10; i++) delete examples[i].texts.de;
  assert.equal(new BatchSampler(examples, { batchSize: 4, alpha: 0, seed: 1 }).length, 5);
  assert.equal(new BatchSampler(examples, { batchSize: 4, alpha: 0.5, seed: 1 }).length, 7);
  const xy = new BatchSampler(examples, { batchSize: 4, alpha: 0, seed: 1 });
  for (const b of xy.batches(0)) for (const it of b.items) assert.ok(it.example >= 10);
});

// ---------------------------------------------------------------- golden, resume, fingerprint

Deno.test("batches of a fixed configuration never change (golden)", () => {
  const sampler = new BatchSampler(parallel(12, ["de", "en", "zh"]), {
    batchSize: 3,
    alpha: 0.5,
    seed: 42,
  });
  const compact = [...sampler.batches(0)].map((b) =>
    `${b.kind}:` + b.items.map((it) => `${it.example}${it.queryLang}${it.passageLang}`).join(",")
  );
  assert.deepEqual(compact, GOLDEN);
});

// Frozen from the implementation (SAMPLER_VERSION 1): a change here changes
// every training run's batches; bump SAMPLER_VERSION if it is intended.
const GOLDEN: string[] = [
  "xy:1deen,5zhde,9zhen",
  "xx:8zhzh,10zhzh,4zhzh",
  "xx:3dede,7dede,2dede",
  "xy:6enzh,11enzh,0deen",
];

Deno.test("batches() rejects a bad epoch or start", () => {
  const sampler = new BatchSampler(parallel(10, ["de", "en"]), {
    batchSize: 2,
    alpha: 0.5,
    seed: 1,
  });
  assert.throws(() => sampler.batches(-1).next(), RangeError);
  assert.throws(() => sampler.batches(0.5).next(), RangeError);
  assert.throws(() => sampler.batches(0, 6).next(), RangeError);
  assert.throws(() => sampler.batches(0, -1).next(), RangeError);
  assert.equal([...sampler.batches(0, 5)].length, 0);
});

Deno.test("fingerprint() changes with options and data, not with a new instance", () => {
  const data = parallel(20, ["de", "en"]);
  const options = { batchSize: 4, alpha: 0.5, seed: 1 };
  const fp = new BatchSampler(data, options).fingerprint();
  assert.match(fp, /^[0-9a-f]{64}$/);
  assert.equal(new BatchSampler(data, options).fingerprint(), fp);
  assert.notEqual(new BatchSampler(data, { ...options, alpha: 0.4 }).fingerprint(), fp);
  assert.notEqual(new BatchSampler(data, { ...options, uniqueGroups: false }).fingerprint(), fp);
  const other = parallel(20, ["de", "en"]);
  other[3].group = "g0";
  assert.notEqual(new BatchSampler(other, options).fingerprint(), fp);
});

// ---------------------------------------------------------------- validation

Deno.test("constructor rejects invalid options with clear messages", () => {
  const data = parallel(20, ["de", "en"]);
  const base = { batchSize: 4, alpha: 0.5, seed: 1 };
  const cases: [Partial<BatchSamplerOptions>, RegExp][] = [
    [{ batchSize: 1 }, /batchSize: expected an integer ≥ 2, got 1/],
    [{ batchSize: 2.5 }, /batchSize: expected an integer ≥ 2, got 2.5/],
    [{ alpha: -0.1 }, /alpha: expected a number in \[0, 1\], got -0.1/],
    [{ alpha: 1.5 }, /alpha: expected a number in \[0, 1\], got 1.5/],
    [{ alpha: NaN }, /alpha: expected a number in \[0, 1\], got NaN/],
    [{ seed: 0.5 }, /seed: expected a safe integer, got 0.5/],
    [{ languages: [] }, /languages: expected at least one language/],
    [{ languages: ["en", "fr"] }, /languages\[1\]: no example has language "fr"; .* de, en/],
    [{ languages: ["en", "en"] }, /languages\[1\]: "en" is listed twice/],
    [{ languages: ["en"] }, /alpha = 0.5 asks for X-Y batches, which need at least 2/],
    [{ batchSize: 21 }, /X-X language "de" has 20 distinct groups \(20 examples\), a batch of 21/],
  ];
  for (const [change, message] of cases) {
    assert.throws(
      () => new BatchSampler(data, { ...base, ...change }),
      (e: unknown) => e instanceof InputError && message.test(e.message),
      JSON.stringify(change),
    );
  }
  // One language is fine for X-X only.
  assert.equal(new BatchSampler(data, { ...base, alpha: 1, languages: ["en"] }).length, 5);
});

Deno.test("constructor rejects an empty example list and malformed examples", () => {
  const options = { batchSize: 2, alpha: 0.5, seed: 1 };
  assert.throws(() => new BatchSampler([], options), /no training examples/);
  const bad = parallel(4, ["de", "en"]);
  (bad[2] as { group?: string }).group = undefined;
  assert.throws(() => new BatchSampler(bad, options), /examples\[2\]\.group is missing/);
});

Deno.test("X-Y pool too small: fewer examples with two languages than a batch", () => {
  const data = parallel(20, ["de", "en"]);
  for (let i = 0; i < 18; i++) delete data[i].texts.de;
  assert.throws(
    () => new BatchSampler(data, { batchSize: 3, alpha: 0, seed: 1 }),
    /X-Y \(examples with ≥ 2 training languages\) has 2 distinct groups/,
  );
});

// ---------------------------------------------------------------- crossPairs: "per-batch"

/** The ordered pairs per-batch X-Y can draw, computed independently of the sampler. */
function eligiblePairs(config: Config): [string, string][] {
  const { examples, options } = config;
  const langs = options.languages!;
  const out: [string, string][] = [];
  for (const q of langs) {
    for (const p of langs) {
      if (q === p) continue;
      const both = examples.filter((ex) => q in ex.texts && p in ex.texts);
      const units = options.uniqueGroups === false
        ? both.length
        : new Set(both.map((e) => e.group)).size;
      if (units >= options.batchSize) out.push([q, p]);
    }
  }
  return out;
}

Deno.test('crossPairs "per-batch": random configurations: exact length, one pair per X-Y batch, determinism, resume (300 trials)', () => {
  const rng = new Rng(20240821);
  let built = 0, xyBatches = 0;
  for (let trial = 0; trial < 300; trial++) {
    const base = randomConfig(rng);
    const config = { ...base, options: { ...base.options, crossPairs: "per-batch" as const } };
    const { options, examples } = config;
    const B = options.batchSize;
    const expected = pools(config);
    const pairs = options.alpha < 1 ? eligiblePairs(config) : [];
    const needXX = options.alpha > 0 && expected.xx.some((u) => u < B);
    if (needXX || (options.alpha < 1 && pairs.length === 0)) {
      assert.throws(
        () => new BatchSampler(examples, options),
        (e: unknown) => e instanceof InputError && /Cannot build batches/.test(e.message),
        `trial ${trial}: expected a validation error`,
      );
      continue;
    }
    built++;
    const sampler = new BatchSampler(examples, options);
    assert.deepEqual(sampler.crossPairList, pairs, `trial ${trial}: pairs`);
    const inPair = (ex: ParallelExample) => pairs.some(([q, p]) => q in ex.texts && p in ex.texts);
    const usable = options.alpha > 0 ? expected.usable : examples.filter(inPair).length;
    assert.equal(sampler.usable, usable, `trial ${trial}: usable`);
    assert.equal(sampler.length, Math.floor(usable / B), `trial ${trial}: length`);
    const e0 = checkEpoch(sampler, config, 0);
    const e1 = checkEpoch(sampler, config, 1);
    for (const batch of [...e0, ...e1]) {
      if (batch.kind !== "xy") continue;
      xyBatches++;
      const { queryLang, passageLang } = batch.items[0];
      assert.ok(
        pairs.some(([q, p]) => q === queryLang && p === passageLang),
        `trial ${trial}: ${queryLang}>${passageLang} is not an eligible pair`,
      );
      for (const it of batch.items) {
        assert.equal(it.queryLang, queryLang, `trial ${trial}: one query language per batch`);
        assert.equal(it.passageLang, passageLang, `trial ${trial}: one passage language per batch`);
      }
    }
    assert.deepEqual([...sampler.batches(0)], e0, `trial ${trial}: repeat`);
    assert.deepEqual([...new BatchSampler(examples, options).batches(1)], e1, `trial ${trial}`);
    for (const k of [rng.int(sampler.length + 1), sampler.length]) {
      assert.deepEqual([...sampler.batches(1, k)], e1.slice(k), `trial ${trial}: resume at ${k}`);
    }
  }
  console.log(`${built} valid of 300, ${xyBatches} per-batch X-Y batches checked`);
  assert.ok(built >= 100, `only ${built} valid configurations`);
  assert.ok(xyBatches >= 500, `only ${xyBatches} X-Y batches`);
});

Deno.test('crossPairs "per-batch": every example once per epoch on parallel data, pairs uniform, α mixing', () => {
  const langs = ["ar", "de", "en", "zh"];
  const examples = parallel(600, langs);
  for (const alpha of [0, 0.5, 1]) {
    const sampler = new BatchSampler(examples, {
      batchSize: 20,
      alpha,
      seed: 11,
      crossPairs: "per-batch",
    });
    assert.equal(sampler.length, 30);
    assert.equal(sampler.crossPairList.length, alpha < 1 ? 12 : 0);
    for (let epoch = 0; epoch < 3; epoch++) {
      const used = [...sampler.batches(epoch)].flatMap((b) => b.items.map((it) => it.example));
      assert.equal(new Set(used).size, 600, `α ${alpha} epoch ${epoch}`);
    }
  }
  const sampler = new BatchSampler(examples, {
    batchSize: 10,
    alpha: 0.5,
    seed: 5,
    crossPairs: "per-batch",
  });
  const counts = new Map<string, number>();
  let xx = 0, total = 0;
  for (let epoch = 0; epoch < 60; epoch++) {
    for (const b of sampler.batches(epoch)) {
      total++;
      if (b.kind === "xx") xx++;
      else {
        const key = `${b.items[0].queryLang}>${b.items[0].passageLang}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  assert.equal(total, 3600);
  assert.ok(Math.abs(xx - total / 2) <= 4 * Math.sqrt(total / 4), `${xx} X-X of ${total}`);
  const values = [...counts.values()];
  assert.equal(values.length, 12);
  const n = values.reduce((a, b) => a + b, 0);
  const stat = chi2(values, values.map(() => n / 12));
  assert.ok(stat < chi2Limit(11), `chi2 ${stat}, counts ${values}`);
});

Deno.test('crossPairs "per-batch" under partial coverage: only pairs that fill a batch, examples with both languages', () => {
  // en in every example, de in 30, es in 7 (5 of them with de): batches of 8 only have
  // en/de and de/en; batches of 6 also en/es and es/en, never de/es.
  const examples = parallel(60, ["en"]);
  for (let i = 0; i < 30; i++) examples[i].texts.de = { query: "q", passage: "p" };
  for (let i = 25; i < 32; i++) examples[i].texts.es = { query: "q", passage: "p" };
  const options = { batchSize: 8, alpha: 0, seed: 3, crossPairs: "per-batch" as const };
  const sampler = new BatchSampler(examples, { ...options, batchSize: 6 });
  assert.deepEqual(sampler.crossPairList, [["de", "en"], ["en", "de"], ["en", "es"], ["es", "en"]]);
  const strict = new BatchSampler(examples, options);
  assert.deepEqual(strict.crossPairList, [["de", "en"], ["en", "de"]]);
  assert.equal(strict.usable, 30);
  for (const b of strict.batches(0)) for (const it of b.items) assert.ok(it.example < 30);
  assert.throws(
    () => new BatchSampler(examples, { ...options, batchSize: 31 }),
    /crossPairs "per-batch" needs a pair of training languages whose shared examples fill a batch of 31; the best pair has 30 distinct groups/,
  );
  assert.throws(
    () => new BatchSampler(examples, { ...options, crossPairs: "per-item" as "per-batch" }),
    /crossPairs: expected "per-example" or "per-batch", got "per-item"/,
  );
});

Deno.test('crossPairs "per-example" is the default: same batches and fingerprint; "per-batch" changes both', () => {
  const data = parallel(40, ["de", "en", "zh"]);
  const options = { batchSize: 4, alpha: 0.5, seed: 1 };
  const plain = new BatchSampler(data, options);
  const explicit = new BatchSampler(data, { ...options, crossPairs: "per-example" });
  const perBatch = new BatchSampler(data, { ...options, crossPairs: "per-batch" });
  assert.deepEqual([...explicit.batches(0)], [...plain.batches(0)]);
  assert.equal(explicit.fingerprint(), plain.fingerprint());
  assert.notEqual(perBatch.fingerprint(), plain.fingerprint());
  assert.notDeepEqual([...perBatch.batches(0)], [...plain.batches(0)]);
});
