import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { computeStatistics } from "../pipeline/effects.ts";
import { syntheticResults } from "../pipeline/_synthetic.ts";
import { InputError } from "../util/errors.ts";
import { CLAIMS, claimText, judgeClaims, loadClaims } from "./claims.ts";
import { regimeChecks } from "./regime.ts";

const descriptive = {
  datasets: [
    { dataset: "xquad-r", languages: 11, monoPairs: 11, crossPairs: 110, parallel: true },
    { dataset: "mlqa-r", languages: 7, monoPairs: 7, crossPairs: 42, parallel: true },
  ],
  overlap: [{ finetune: "P1", dataset: "xquad-r", overlapping: 0, trainingTexts: 100 }],
  xxShare: { alpha: 0.5, share: 0.52, batches: 200 },
  miraclCorpus: false,
};

Deno.test("the claims' texts are the seed report's, when the report is beside the checkout", async (t) => {
  const path = fileURLToPath(
    new URL("../../../shared/seed/000_8cc2a6a1c75f72be.txt", import.meta.url),
  );
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    t.step({ name: "the seed report is not beside this checkout", ignore: true, fn() {} });
    return;
  }
  const section = text.slice(text.indexOf("Extracted Claims")).split("\n## ")[0];
  const rows = section.split("\n").map((l) => l.split("\t")).filter((p) =>
    p.length === 3 && p[0] !== "Claim"
  );
  assert.deepEqual(rows.map((r) => r[0]), CLAIMS.map((c) => c.text));
  assert.deepEqual(rows.map((r) => r[1]), CLAIMS.map((c) => c.seedVerified));
  assert.deepEqual(rows.map((r) => Number(r[2])), CLAIMS.map((c) => c.seedConfidence));
});

Deno.test("claimText() ends a truncated claim at a whole word", () => {
  for (const c of CLAIMS) {
    const shown = claimText(c);
    if (!c.truncated) {
      assert.equal(shown, c.text);
      continue;
    }
    assert.ok(shown.endsWith(" …"), shown);
    const words = shown.slice(0, -2).split(" ");
    const original = c.text.split(" ");
    words.forEach((w, i) =>
      assert.equal(w.replace(/[,;:]$/, ""), original[i].replace(/[,;:]$/, ""), c.id)
    );
    assert.ok(words.length < original.length);
  }
});

Deno.test("loadClaims() names the claim and field of bad data", () => {
  const bad = (edit: (c: Record<string, unknown>[]) => void, re: RegExp) => {
    const raw = { claims: structuredClone(CLAIMS) as unknown as Record<string, unknown>[] };
    edit(raw.claims);
    assert.throws(
      () => loadClaims(raw, "claims.json"),
      (e) => e instanceof InputError && re.test(e.message),
    );
  };
  bad(
    (c) => (c[7].rule = "hybrid-wins"),
    /claims\[7\] \(hybrid-best-multilingual\)\.rule is "hybrid-wins"/,
  );
  bad((c) => (c[1].id = c[0].id), /the id is used twice/);
  bad((c) => (c[2].kind = "finding"), /kind is "finding"/);
  bad((c) => (c[0].rule = "hybrid-best-multilingual"), /expected one of the descriptive rules/);
  bad((c) => delete c[3].checks, /checks must say what a descriptive claim checks/);
});

Deno.test("judgeClaims() joins verdicts by id and labels descriptive claims as checks", () => {
  const stats = computeStatistics(
    syntheticResults({ value: (p) => (p.setting === "bias" ? 900 : 0.5) }),
    { iterations: 100 },
  );
  const inputs = { stats, regime: regimeChecks(stats), descriptive };
  const { rows, details } = judgeClaims(inputs);
  const reversed = judgeClaims(inputs, [...CLAIMS].reverse()).rows;
  for (const r of rows) assert.equal(reversed.find((x) => x.id === r.id)!.verdict, r.verdict);
  assert.equal(details.length, CLAIMS.length);
  for (const r of rows) {
    if (r.kind === "comparative") {
      assert.equal(r.verdict, "not testable here");
      assert.match(r.regime, /regime holds in 0 of 2 cells/);
    } else {
      assert.match(
        r.kind,
        /^descriptive \(a check of (the data|the implementation|the paper's text)/,
      );
      assert.ok(["consistent", "partly consistent", "not consistent"].includes(r.verdict), r.id);
    }
  }
  assert.equal(rows.find((r) => r.id === "datasets-named")!.verdict, "partly consistent");
  const leak = judgeClaims({
    ...inputs,
    descriptive: { ...descriptive, overlap: [{ ...descriptive.overlap[0], overlapping: 3 }] },
  }).rows;
  assert.equal(leak.find((r) => r.id === "evaluation-data-unseen")!.verdict, "not consistent");
});
