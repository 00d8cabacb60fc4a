import assert from "node:assert/strict";
import { join } from "node:path";
import { exists, skipUnless } from "../util/testing.ts";
import { resolveConfig } from "./config.ts";
import { buildTrainingSet } from "./training_set.ts";

const DATA = Deno.env.get("XLIR_DATA") ?? "";
const HAS_DATA = DATA !== "" && exists(join(DATA, "parallel/ntrex128")) &&
  exists(join(DATA, "parallel/flores200")) && exists(join(DATA, "xquad-r"));

const config = (data: Record<string, unknown>) => resolveConfig({ data }).data;

Deno.test({
  name: "buildTrainingSet() caps a source per language pair and weights its training examples",
  ignore: skipUnless(HAS_DATA, "XLIR_DATA with parallel/ and xquad-r/"),
  async fn() {
    const base = {
      protocol: "translation",
      languages: ["de", "en", "zh"],
      sources: ["ntrex", "flores"],
      validFraction: 0.1,
    };
    const plain = await buildTrainingSet(config(base), 1, DATA);
    const mixed = await buildTrainingSet(
      config({ ...base, sourceCaps: { ntrex: 500 }, sourceWeights: { flores: 2, ntrex: 0.5 } }),
      1,
      DATA,
    );
    const count = (set: typeof plain, family: string, side: "train" | "valid") =>
      set[side].filter((e) => e.id.startsWith(`${family}:`)).length;
    // NTREX: 2 × 1,997 pairs without a cap, 2 × 500 with it; FLORES: 2 × 1,012.
    assert.equal(count(plain, "ntrex", "train") + count(plain, "ntrex", "valid"), 3994);
    const capped = await buildTrainingSet(config({ ...base, sourceCaps: { ntrex: 500 } }), 1, DATA);
    assert.equal(count(capped, "ntrex", "train") + count(capped, "ntrex", "valid"), 1000);
    assert.equal(count(mixed, "ntrex", "valid"), count(capped, "ntrex", "valid"));
    // Validation is not weighted; FLORES' training examples are doubled, NTREX's halved (seeded).
    assert.equal(count(mixed, "flores", "train"), 2 * count(capped, "flores", "train"));
    const half = count(mixed, "ntrex", "train") / count(capped, "ntrex", "train");
    assert.ok(half > 0.4 && half < 0.6, `${half}`);
    assert.equal(new Set(mixed.train.map((e) => e.id)).size, mixed.train.length);
    assert.deepEqual(mixed.description.source_weights, { flores: 2, ntrex: 0.5 });
    assert.equal(plain.description.source_weights, undefined);
    const again = await buildTrainingSet(
      config({ ...base, sourceCaps: { ntrex: 500 }, sourceWeights: { flores: 2, ntrex: 0.5 } }),
      1,
      DATA,
    );
    assert.deepEqual(again.train.map((e) => e.id), mixed.train.map((e) => e.id));
  },
});

Deno.test({
  name: "buildTrainingSet() adds the LibreOffice help pages as an ICT corpus, capped",
  ignore: skipUnless(
    HAS_DATA && exists("/usr/share/libreoffice/help/de/text"),
    "XLIR_DATA and the libreoffice-help-* Debian packages",
  ),
  async fn() {
    const set = await buildTrainingSet(
      config({
        protocol: "ict",
        languages: ["ar", "de", "en", "es", "hi", "ru", "th", "tr", "zh"],
        corpora: ["ntrex", "libreoffice-help"],
        sourceCaps: { "libreoffice-help": 3000 },
      }),
      1,
      DATA,
    );
    const all = [...set.train, ...set.valid];
    assert.equal(all.filter((e) => e.id.startsWith("ntrex:")).length, 1997);
    assert.equal(all.filter((e) => e.id.startsWith("libreoffice-help:")).length, 3000);
    assert.ok(set.languages.includes("ar") && set.languages.includes("th"));
  },
});
