import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { buildIctExamples, ICT_LANGUAGES, loadIctExamples, splitByGroup } from "./ict.ts";
import type { AlignedSentence, ParallelExample } from "./types.ts";

const DATA = Deno.env.get("XLIR_DATA") ?? "";
const HAS_DATA = DATA !== "" && exists(join(DATA, "parallel/ntrex128")) &&
  exists(join(DATA, "parallel/flores200"));

/** Documents of the given sizes; sentence k of doc d reads `"d{d}s{k}"` (zh: `"文{d}{k}"`). */
function corpus(sizes: number[]): AlignedSentence[] {
  const out: AlignedSentence[] = [];
  sizes.forEach((n, d) => {
    for (let k = 0; k < n; k++) {
      out.push({
        id: `c:${out.length}`,
        doc: `doc${d}`,
        text: { en: `d${d}s${k}`, zh: `文${d}${k}` },
      });
    }
  });
  return out;
}

Deno.test("buildIctExamples() pairs each sentence with its ±window neighbours, itself removed", () => {
  const examples = buildIctExamples(corpus([6]), { languages: ["en"], window: 2 });
  assert.deepEqual(examples.map((e) => [e.texts.en.query, e.texts.en.passage]), [
    ["d0s0", "d0s1 d0s2"],
    ["d0s1", "d0s0 d0s2 d0s3"],
    ["d0s2", "d0s0 d0s1 d0s3 d0s4"],
    ["d0s3", "d0s1 d0s2 d0s4 d0s5"],
    ["d0s4", "d0s2 d0s3 d0s5"],
    ["d0s5", "d0s3 d0s4"],
  ]);
});

Deno.test("buildIctExamples() never takes passage sentences from another document", () => {
  const examples = buildIctExamples(corpus([3, 4, 2]), { languages: ["en"], window: 3 });
  assert.equal(examples.length, 9);
  for (const e of examples) {
    const doc = e.texts.en.query.split("s")[0];
    for (const s of e.texts.en.passage.split(" ")) assert.equal(s.split("s")[0], doc);
    assert.ok(!e.texts.en.passage.split(" ").includes(e.texts.en.query));
    assert.equal(e.group, `c:doc${doc.slice(1)}`);
  }
});

Deno.test("buildIctExamples() gives the same example in every language", () => {
  const examples = buildIctExamples(corpus([4]), { languages: ["en", "zh"], window: 1 });
  assert.deepEqual(examples[1].texts, {
    en: { query: "d0s1", passage: "d0s0 d0s2" },
    zh: { query: "文01", passage: "文00文02" },
  });
});

Deno.test("buildIctExamples() skips documents shorter than minDocSentences", () => {
  const sizes = [1, 2, 3, 5];
  assert.equal(buildIctExamples(corpus(sizes), { languages: ["en"] }).length, 10);
  assert.equal(
    buildIctExamples(corpus(sizes), { languages: ["en"], minDocSentences: 3 }).length,
    8,
  );
});

Deno.test("buildIctExamples() rejects a missing language, a split document and a zero window", () => {
  assert.throws(
    () => buildIctExamples(corpus([2]), { languages: ["en", "de"] }),
    (e: unknown) => e instanceof InputError && /Sentence c:0 has no "de" text/.test(e.message),
  );
  const split = corpus([2, 1]);
  split.push({ ...split[0], id: "c:9" });
  assert.throws(
    () => buildIctExamples(split, { languages: ["en"] }),
    (e: unknown) => e instanceof InputError && /c:9 returns to document doc0/.test(e.message),
  );
  assert.throws(() => buildIctExamples(corpus([2]), { languages: ["en"], window: 0 }), InputError);
});

function groupsOf(examples: ParallelExample[]): Set<string> {
  return new Set(examples.map((e) => e.group));
}

Deno.test("splitByGroup() is deterministic and keeps each group on one side", () => {
  const examples = buildIctExamples(corpus([5, 3, 8, 2, 6, 4, 7, 3, 5, 4]), { languages: ["en"] });
  const a = splitByGroup(examples, { validFraction: 0.2, seed: 7 });
  const b = splitByGroup(examples, { validFraction: 0.2, seed: 7 });
  assert.deepEqual(a, b);
  assert.equal(a.train.length + a.valid.length, examples.length);
  const trainGroups = groupsOf(a.train);
  for (const g of groupsOf(a.valid)) assert.ok(!trainGroups.has(g));
});

Deno.test("splitByGroup() reaches the validation fraction, overshooting by less than a group", () => {
  const sizes = [5, 3, 8, 2, 6, 4, 7, 3, 5, 4];
  const examples = buildIctExamples(corpus(sizes), { languages: ["en"] });
  for (const seed of [0, 1, 2, 3]) {
    const { valid } = splitByGroup(examples, { validFraction: 0.25, seed });
    const target = 0.25 * examples.length;
    assert.ok(valid.length >= target);
    assert.ok(valid.length < target + Math.max(...sizes));
  }
});

Deno.test("splitByGroup() changes with the seed and keeps input order", () => {
  const examples = buildIctExamples(corpus(Array(40).fill(3)), { languages: ["en"] });
  const splits = [0, 1, 2].map((seed) => splitByGroup(examples, { validFraction: 0.1, seed }));
  assert.ok(new Set(splits.map((s) => [...groupsOf(s.valid)].join())).size > 1);
  const ids = splits[0].train.map((e) => Number(e.id.split(":")[1]));
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
});

Deno.test("splitByGroup() rejects a fraction outside (0, 1)", () => {
  assert.throws(
    () => splitByGroup([], { validFraction: 1 }),
    (e: unknown) => e instanceof InputError && /validFraction is 1/.test(e.message),
  );
});

Deno.test({
  name: "loadIctExamples() builds 3,008 examples from NTREX-128 and FLORES-200",
  ignore: skipUnless(HAS_DATA, "XLIR_DATA with parallel/ntrex128 and parallel/flores200"),
  async fn() {
    const examples = await loadIctExamples({ dataDir: DATA });
    // NTREX 1,997 (no document shorter than 4) + FLORES 1,012 less one 1-sentence article.
    assert.equal(examples.length, 3008);
    assert.equal(groupsOf(examples).size, 123 + 280);
    for (const e of examples) assert.deepEqual(Object.keys(e.texts), [...ICT_LANGUAGES]);
    const longer = await loadIctExamples({ dataDir: DATA, minDocSentences: 3 });
    assert.equal(longer.length, 1997 + 1012 - 1 - 49 * 2);
    const { train, valid } = splitByGroup(examples, { validFraction: 0.1, seed: 0 });
    assert.equal(train.length + valid.length, 3008);
    assert.ok(valid.length >= 301 && valid.length < 301 + 40);
  },
});

Deno.test("buildIctExamples() with partial coverage keeps the languages a sentence and a neighbour have", () => {
  const s = (i: number, text: Record<string, string>) => ({ id: `c:${i}`, doc: "d", text });
  const examples = buildIctExamples([
    s(0, { en: "A", de: "a" }),
    s(1, { en: "B" }),
    s(2, { en: "C", de: "c", zh: "丙" }),
    s(3, { zh: "丁" }),
  ], { languages: ["en", "de", "zh"], window: 2, partial: true });
  assert.deepEqual(examples.map((e) => e.texts), [
    { en: { query: "A", passage: "B C" }, de: { query: "a", passage: "c" } },
    { en: { query: "B", passage: "A C" } },
    {
      en: { query: "C", passage: "A B" },
      de: { query: "c", passage: "a" },
      zh: { query: "丙", passage: "丁" },
    },
    { zh: { query: "丁", passage: "丙" } },
  ]);
});

Deno.test({
  name: "loadIctExamples() reads the LibreOffice help pages as partial-coverage documents",
  ignore: skipUnless(
    HAS_DATA && exists("/usr/share/libreoffice/help/de/text") &&
      exists("/usr/share/libreoffice/help/zh-CN/text"),
    "XLIR_DATA and the libreoffice-help-* Debian packages",
  ),
  async fn() {
    const examples = await loadIctExamples({
      dataDir: DATA,
      corpora: ["libreoffice-help"],
      languages: ["ar", "de", "en", "zh"],
    });
    // LibreOffice 7.4: 55.9k examples over 2.5k pages; no Arabic help in bookworm.
    assert.ok(examples.length > 50000, `${examples.length}`);
    const count = (l: string) => examples.filter((e) => e.texts[l]).length;
    assert.equal(count("ar"), 0);
    assert.ok(count("de") > 47000 && count("zh") > 34000);
    assert.ok(examples.every((e) => e.group.startsWith("libreoffice-help:text/")));
    assert.ok(examples.every((e) => Object.values(e.texts).every((t) => t.query && t.passage)));
  },
});
