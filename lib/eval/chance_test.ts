import assert from "node:assert/strict";
import { join } from "node:path";
import { datasetPath } from "../data/data_dir.ts";
import { loadMlqaR } from "../data/mlqa_r.ts";
import { loadXquadR } from "../data/xquad_r.ts";
import { averagePrecisionFromRanks } from "../metrics/map.ts";
import { exists, skipUnless } from "../util/testing.ts";
import {
  chanceLevels,
  expectedRandomAp,
  expectedRandomRange,
  simulatedRandomRange,
} from "./chance.ts";

/** Every r-subset of the positions 1..n (the relevant candidates' ranks of a random ranking). */
function* subsets(n: number, r: number, start = 1, acc: number[] = []): Generator<number[]> {
  if (acc.length === r) {
    yield acc.slice();
    return;
  }
  for (let i = start; i <= n; i++) {
    acc.push(i);
    yield* subsets(n, r, i + 1, acc);
    acc.pop();
  }
}

Deno.test("expectedRandomAp() equals the mean AP over every placement of the relevant candidates", () => {
  for (const [n, r] of [[1, 1], [4, 1], [6, 2], [7, 3], [9, 4], [8, 8]]) {
    let sum = 0, count = 0;
    for (const ranks of subsets(n, r)) {
      sum += averagePrecisionFromRanks(Float64Array.from(ranks), r);
      count++;
    }
    assert.ok(Math.abs(expectedRandomAp(n, r) - sum / count) < 1e-12, `n=${n} r=${r}`);
  }
  assert.throws(() => expectedRandomAp(3, 0), /1 ≤ r ≤ n/);
});

Deno.test("expectedRandomRange() equals the mean range over every placement, and the simulation agrees", () => {
  for (const [n, m] of [[5, 2], [8, 3], [10, 4]]) {
    let sum = 0, count = 0;
    for (const ranks of subsets(n, m)) {
      sum += ranks[m - 1] - ranks[0];
      count++;
    }
    assert.ok(Math.abs(expectedRandomRange(n, m) - sum / count) < 1e-12, `n=${n} m=${m}`);
  }
  const sim = simulatedRandomRange(2000, [1, 1, 1, 1, 1], 20000, 7);
  assert.ok(Math.abs(sim / expectedRandomRange(2000, 5) - 1) < 0.01, `${sim}`);
  assert.ok(Number.isNaN(expectedRandomRange(100, 1)));
});

Deno.test("simulatedRandomRange() with several answers in a language uses each language's best rank", () => {
  // Two languages, language 0 with 2 of the 3 positions among n = 3: enumerate.
  // placements {a,a,b}: best(a) = min of its two; range = |best(a) − b|
  let sum = 0, count = 0;
  const pos = [0, 1, 2];
  for (const b of pos) {
    const a = pos.filter((p) => p !== b);
    sum += Math.abs(Math.min(...a) - b);
    count++;
  }
  const sim = simulatedRandomRange(3, [2, 1], 30000, 3);
  assert.ok(Math.abs(sim - sum / count) < 0.02, `${sim} vs ${sum / count}`);
  assert.equal(simulatedRandomRange(30, [2, 1], 10, 5), simulatedRandomRange(30, [2, 1], 10, 5));
});

const haveXquad = exists(join(datasetPath("xquad-r"), "en.json"));
const haveMlqa = exists(datasetPath("mlqa-r"));

Deno.test({
  name:
    "chanceLevels() on XQuAD-R: 11 answers in a pool of 13,014 give a rank distance of about 10,846",
  ignore: skipUnless(haveXquad, "XQuAD-R (XLIR_DATA)"),
  async fn() {
    const c = chanceLevels(await loadXquadR());
    assert.equal(c.poolSize, 13014);
    assert.equal(c.biasMethod, "exact");
    assert.ok(Math.abs(c.multi.languageBias - (10 * 13015) / 12) < 1, `${c.multi.languageBias}`);
    assert.ok(Math.abs(c.multi.top10Own - 1 / 11) < 0.01);
    assert.ok(c.mono.map < 0.01 && c.cross.map < 0.01 && c.multi.map < 0.01);
  },
});

Deno.test({
  name: "chanceLevels() on MLQA-R: questions in 2–4 languages give a smaller chance rank distance",
  ignore: skipUnless(haveMlqa, "MLQA-R (XLIR_DATA)"),
  async fn() {
    const c = chanceLevels(await loadMlqaR(), { maxQueries: 200 });
    assert.ok(c.multi.languageBias > 0 && c.multi.languageBias < (6 * (c.poolSize + 1)) / 8);
    assert.ok(c.multi.ownRank < c.poolSize);
  },
});
