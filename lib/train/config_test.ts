import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { DEFAULTS, loadConfig, resolveConfig } from "./config.ts";

/** Each case: a config patch and the message it must give. */
const BAD: [string, unknown, RegExp][] = [
  [
    "lr 1e999 (Infinity)",
    { optim: { lr: 1e999 } },
    /optim\.lr is Infinity, expected a finite positive number/,
  ],
  ["lr 0", { optim: { lr: 0 } }, /optim\.lr is 0, expected a finite positive number/],
  [
    "maxExamples -5",
    { data: { maxExamples: -5 } },
    /data\.maxExamples is -5, expected an integer ≥ 0/,
  ],
  ["maxExamples 1.5", { data: { maxExamples: 1.5 } }, /data\.maxExamples is 1\.5/],
  [
    "weightDecay -100",
    { optim: { weightDecay: -100 } },
    /optim\.weightDecay is -100, expected a finite number ≥ 0/,
  ],
  [
    "symmetric -5",
    { optim: { symmetric: -5 } },
    /optim\.symmetric is -5, expected a finite number ≥ 0/,
  ],
  [
    "idfPower -50",
    { model: { idfPower: -50 } },
    /model\.idfPower is -50, expected a number in \[0, 8\]/,
  ],
  [
    "window 1e9",
    { data: { window: 1e9 } },
    /data\.window is 1000000000, expected an integer in \[1, 100\]/,
  ],
  ["name an object", { name: { x: 1 } }, /name is \{"x":1\}, expected a non-empty string/],
  ["name a number", { name: 5 }, /name is 5, expected a non-empty string/],
  ["temperature -1e999", { optim: { temperature: -1e999 } }, /optim\.temperature is -Infinity/],
  [
    "alpha 1e999",
    { sampling: { alpha: 1e999 } },
    /sampling\.alpha is Infinity, expected a number in \[0, 1\]/,
  ],
  ["warmup Infinity", { optim: { warmup: 1e999 } }, /optim\.warmup is Infinity/],
  [
    "validFraction 1",
    { data: { validFraction: 1 } },
    /data\.validFraction is 1, expected a number in \[0, 1\)/,
  ],
  [
    "dim 1e9",
    { model: { dim: 1e9 } },
    /model\.dim is 1000000000, expected an integer in \[1, 16384\]/,
  ],
  ["batchSize 1e999", { sampling: { batchSize: 1e999 } }, /sampling\.batchSize is Infinity/],
  [
    "epochs 1e999",
    { train: { epochs: 1e999 } },
    /train\.epochs is Infinity, expected an integer ≥ 1/,
  ],
  ["maxSteps -1", { train: { maxSteps: -1 } }, /train\.maxSteps is -1/],
  ["seed 1.5", { seed: 1.5 }, /seed is 1\.5, expected an integer/],
  [
    "initFrom a number",
    { model: { initFrom: 5 } },
    /model\.initFrom is 5, expected a path \(string\) or null/,
  ],
  ["tokenizer empty", { model: { tokenizer: "" } }, /model\.tokenizer is "", expected a path/],
  [
    "languages with a number",
    { data: { languages: ["en", 3] } },
    /data\.languages\[1\] is 3, expected a non-empty string/,
  ],
  [
    "languages twice",
    { data: { languages: ["en", "en"] } },
    /data\.languages is \["en","en"\], expected distinct entries \("en" is given twice\)/,
  ],
  [
    "languages empty",
    { data: { languages: [] } },
    /data\.languages is \[\], expected at least 1 entry/,
  ],
  [
    "corpora unknown",
    { data: { corpora: ["wiki"] } },
    /data\.corpora\[0\] is "wiki", expected "ntrex", "flores" or "libreoffice-help"/,
  ],
  [
    "sources unknown",
    { data: { sources: ["x"] } },
    /data\.sources\[0\] is "x", expected "tatoeba", "ntrex", .* or "libreoffice-help"/,
  ],
  ["dataset unknown", { data: { dataset: "msmarco" } }, /data\.dataset is "msmarco"/],
  ["a null number", { model: { dim: null } }, /model\.dim is null, expected a number/],
  ["a null list", { data: { languages: null } }, /data\.languages is null, expected an array/],
  [
    "a string boolean",
    { sampling: { uniqueGroups: "yes" } },
    /sampling\.uniqueGroups is "yes", expected a boolean/,
  ],
];

for (const [what, patch, message] of BAD) {
  Deno.test(`resolveConfig() rejects ${what}, naming field and value`, () => {
    assert.throws(
      () => resolveConfig(patch, "c.json"),
      (e) => e instanceof InputError && message.test(e.message) && e.message.startsWith("c.json: "),
    );
  });
}

Deno.test("resolveConfig() accepts the defaults and every shipped config unchanged", async () => {
  assert.deepEqual(resolveConfig({}), DEFAULTS);
  for (const e of Deno.readDirSync(new URL("../../configs", import.meta.url))) {
    if (!e.name.endsWith(".json") || /^(experiment|notebooks|study)/.test(e.name)) continue;
    await loadConfig(new URL(`../../configs/${e.name}`, import.meta.url).pathname);
  }
});

Deno.test("resolveConfig(): data.hardNegatives and sampling.crossPairs, defaults and errors", () => {
  const c = resolveConfig({});
  assert.equal(c.data.hardNegatives, "none");
  assert.equal(c.sampling.crossPairs, "per-example");
  const ok = resolveConfig({
    data: { protocol: "qa", dataset: "xquad-r", hardNegatives: "bm25" },
    sampling: { crossPairs: "per-batch" },
  });
  assert.equal(ok.data.hardNegatives, "bm25");
  assert.equal(ok.sampling.crossPairs, "per-batch");
  assert.equal(resolveConfig({ data: { hardNegatives: "bm25" } }).data.protocol, "ict");
  const bad: [unknown, RegExp][] = [
    [
      { data: { hardNegatives: "dense" } },
      /c\.json: data\.hardNegatives is "dense", expected "none" or "bm25"/,
    ],
    [
      { data: { protocol: "translation", hardNegatives: "bm25" } },
      /data\.hardNegatives is "bm25", expected "none" for protocol "translation"/,
    ],
    [
      { sampling: { crossPairs: "per-pair" } },
      /sampling\.crossPairs is "per-pair", expected "per-example" or "per-batch"/,
    ],
    [{ sampling: { crossPairs: 1 } }, /sampling\.crossPairs is 1, expected a string/],
  ];
  for (const [given, message] of bad) {
    assert.throws(
      () => resolveConfig(given, "c.json"),
      (e) => e instanceof InputError && message.test(e.message),
      JSON.stringify(given),
    );
  }
});
