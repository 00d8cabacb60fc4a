import assert from "node:assert/strict";
import { syntheticResults } from "../pipeline/_synthetic.ts";
import { perLanguageTable } from "../pipeline/summarize.ts";
import { perLanguageFinding, perLanguagePivot } from "./per_language.ts";

const results = syntheticResults({
  value: (p) => (p.setting === "bias" ? 900 : 0.4 + (p.strategy === "hybrid" ? 0.05 : 0)),
  noise: 0.005,
  languages: 3,
});
const rows = perLanguageTable(results, { P1: ["de", "en"] }); // zh unseen

Deno.test("perLanguagePivot() puts every per-language value in its language × setting cell", () => {
  const pivot = perLanguagePivot(rows, "map");
  const blocks = new Set(rows.map((r) => `${r.finetune}|${r.base}`)).size;
  assert.equal(pivot.length, blocks * (3 + 3)); // de, en, zh, mean, mean seen, mean unseen
  for (const r of rows) {
    const line = pivot.find((p) =>
      p.finetune === r.finetune && p.base === r.base && p.lang === r.lang
    )!;
    assert.equal(line[`mono ${r.strategy}`], r.mono_map);
    assert.equal(line[`cross ${r.strategy}`], r.cross_map);
    assert.equal(line[`multi ${r.strategy}`], r.multi_map);
    assert.equal(line.unseen, r.lang === "zh");
  }
  const unseen = pivot.find((p) => p.lang === "mean unseen")!;
  const zh = pivot.find((p) => p.lang === "zh" && p.base === unseen.base)!;
  assert.equal(unseen["multi hybrid"], zh["multi hybrid"]);
  const recall = perLanguagePivot(rows, "recall");
  assert.ok("mono R@1 X-X" in recall[0] && "multi R@10 hybrid" in recall[0]);
});

Deno.test("perLanguageFinding() reports hybrid ahead where the means are, seen and unseen apart", () => {
  const text = perLanguageFinding(rows);
  assert.match(
    text,
    /monolingual mAP, hybrid − X-X: seen languages \+0\.0[45]\d … \+0\.0[56]\d \(hybrid ahead in 4 of 4\); unseen languages \+0\.0[45]\d( … \+0\.0[56]\d)? \(hybrid ahead in 2 of 2\)/,
  );
});
