import assert from "node:assert/strict";
import { join } from "node:path";
import { loadBeir } from "../data/beir.ts";
import { tinyTokenizer, writeTinyDataDir } from "../data/_testing.ts";
import { loadXquadR } from "../data/xquad_r.ts";
import { evaluateLareqa } from "./lareqa.ts";
import { writeLareqaOutputs } from "./lareqa_export.ts";
import { lareqaBeirPools, writeLareqaBeir } from "./lareqa_beir.ts";
import { Bm25Scorer } from "./scorers.ts";

Deno.test("writeLareqaBeir() writes every problem the evaluation scores, with the evaluation's own relevance", async () => {
  const ds = await loadXquadR({ dataDir: await writeTinyDataDir(), langs: ["de", "en", "zh"] });
  const dir = await Deno.makeTempDir();
  await writeLareqaBeir(join(dir, "beir"), ds, { maxQueries: 2 });
  const r = evaluateLareqa(ds, new Bm25Scorer(await tinyTokenizer()), {
    maxQueries: 2,
    runDepth: 0,
    progress: false,
  });
  const evalDir = join(dir, "eval");
  await writeLareqaOutputs(evalDir, r, { runid: "bm25" });
  const problems = lareqaBeirPools(ds, { maxQueries: 2 });
  assert.equal(problems.length, 3 * 3 + 3);
  for (const p of problems) {
    // BEIR's layout, read back by the BEIR loader
    const beir = await loadBeir(p.path, { dataDir: dir });
    assert.equal(beir.corpus.size, p.corpus.length, p.path);
    // the same judgements as the qrels deno task eval exports for the same run
    const [setting, pair] = p.path.split("/");
    const run = setting === "multi" ? `${pair}-all` : setting === "mono" ? `${pair}-${pair}` : pair;
    const trec = (await Deno.readTextFile(join(evalDir, "qrels", `${run}.qrels`))).trim().split(
      "\n",
    )
      .map((l) => l.split(" ")).map(([q, , d]) => `${q} ${d}`).sort();
    const judged = [...beir.qrels].flatMap(([q, docs]) => [...docs.keys()].map((d) => `${q} ${d}`))
      .sort();
    assert.deepEqual(judged, trec, p.path);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("lareqaBeirPools() names an unknown language", async () => {
  const ds = await loadXquadR({ dataDir: await writeTinyDataDir(), langs: ["de", "en"] });
  assert.throws(
    () => lareqaBeirPools(ds, { langs: ["de", "xx"] }),
    /Unknown language "xx" for xquad-r/,
  );
});
