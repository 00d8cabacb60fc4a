import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { loadTatoeba, TATOEBA_DIR, TATOEBA_LANGUAGES } from "./tatoeba.ts";

const DATA = Deno.env.get("XLIR_DATA") ?? "";
const HAS_DATA = DATA !== "" && exists(join(DATA, TATOEBA_DIR));
const WHAT = "XLIR_DATA with parallel/tatoeba";
const BASE = "tatoeba-test-v2021-08-07";

/** Writes `eng-zho/` with the given English lines and (label, text) Chinese lines. */
async function zhFixture(eng: string[], zho: [string, string][], engLabels = eng.map(() => "eng")) {
  const root = await Deno.makeTempDir();
  const dir = join(root, TATOEBA_DIR, "eng-zho");
  await Deno.mkdir(dir, { recursive: true });
  const write = (name: string, lines: string[]) =>
    Deno.writeTextFile(join(dir, `${BASE}.${name}`), lines.join("\n") + "\n");
  await write("eng", eng);
  await write("eng.labels", engLabels);
  await write("zho", zho.map(([, t]) => t));
  await write("zho.labels", zho.map(([l]) => l));
  return root;
}

Deno.test("loadTatoeba() keeps only Mandarin in Simplified script for zh by default", async () => {
  const dataDir = await zhFixture(["I see.", "Thanks.", "Good."], [
    ["cmn_Hans", "我明白。"],
    ["cmn_Hant", "謝謝。"],
    ["yue_Hans", "好嘢。"],
  ]);
  const pairs = await loadTatoeba({ dataDir, languages: ["zh"] });
  assert.deepEqual(pairs, [{
    srcLang: "en",
    tgtLang: "zh",
    src: "I see.",
    tgt: "我明白。",
    source: "tatoeba",
    srcLabel: "eng",
    tgtLabel: "cmn_Hans",
  }]);
  const all = await loadTatoeba({ dataDir, languages: ["zh"], variants: { zh: "all" } });
  assert.deepEqual(all.map((p) => p.tgtLabel), ["cmn_Hans", "cmn_Hant", "yue_Hans"]);
});

Deno.test("loadTatoeba() names the file and both counts when a labels file is short", async () => {
  const dataDir = await zhFixture(["A.", "B."], [["cmn_Hans", "甲。"], ["cmn_Hans", "乙。"]], [
    "eng",
  ]);
  await assert.rejects(
    () => loadTatoeba({ dataDir, languages: ["zh"] }),
    (e: unknown) =>
      e instanceof InputError &&
      e.message ===
        `Cannot read Tatoeba: eng-zho/${BASE}.eng.labels has 1 lines, expected 2 (as eng-zho/${BASE}.eng)`,
  );
});

Deno.test("loadTatoeba() rejects an unknown language", async () => {
  await assert.rejects(
    () => loadTatoeba({ dataDir: "/nonexistent", languages: ["en"] }),
    (e: unknown) => e instanceof InputError && /unknown language "en"/.test(e.message),
  );
});

Deno.test({
  name: "loadTatoeba() reads the standard variant of each of the 11 languages",
  ignore: skipUnless(HAS_DATA, WHAT),
  async fn() {
    const pairs = await loadTatoeba({ dataDir: DATA });
    const counts: Record<string, number> = {};
    for (const p of pairs) counts[p.tgtLang] = (counts[p.tgtLang] ?? 0) + 1;
    assert.deepEqual(counts, {
      ar: 9642,
      de: 17565,
      el: 10899,
      es: 16583,
      hi: 5000,
      ro: 5508,
      ru: 19424,
      th: 1154,
      tr: 13907,
      vi: 2499,
      zh: 4450,
    });
    assert.ok(pairs.every((p) => p.srcLang === "en" && p.srcLabel === "eng"));
    assert.ok(pairs.filter((p) => p.tgtLang === "zh").every((p) => p.tgtLabel === "cmn_Hans"));
  },
});

Deno.test({
  name: "loadTatoeba() with all variants reads all 113,236 pairs",
  ignore: skipUnless(HAS_DATA, WHAT),
  async fn() {
    const variants = Object.fromEntries(TATOEBA_LANGUAGES.map((l) => [l, "all" as const]));
    assert.equal((await loadTatoeba({ dataDir: DATA, variants })).length, 113236);
  },
});
