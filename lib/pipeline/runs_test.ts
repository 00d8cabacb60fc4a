import assert from "node:assert/strict";
import { cacheRoot, setCacheRoot } from "./cache.ts";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { writeTinyDataDir } from "../data/_testing.ts";
import { datasetPath } from "../data/data_dir.ts";
import { MBERT_VOCAB } from "../data/tokenizer.ts";
import { loadStaticEncoder } from "../model/static_encoder.ts";
import { resolveConfig } from "../train/config.ts";
import { buildModel } from "../train/model_factory.ts";
import { ROOT } from "../util/root.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { EVAL_ENTRIES, evalKey, initCached, svdCached, TRAIN_ENTRIES, trainKey } from "./runs.ts";

const SETTINGS = { maxQueries: 0, mlqaSource: "lareqa" } as const;

/** A copy of the data directory with one file's content replaced. */
async function editedCopy(dataDir: string, rel: string, text: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), "xlir-data-copy-"));
  await cp(dataDir, copy, { recursive: true });
  await Deno.writeTextFile(join(copy, rel), text);
  return copy;
}

/** A copy of lib/ and the lockfiles, and the step's entries mapped into it. */
async function codeCopy(entries: readonly URL[]): Promise<{ root: string; entries: string[] }> {
  const root = await mkdtemp(join(tmpdir(), "xlir-code-"));
  await cp(join(ROOT, "lib"), join(root, "lib"), { recursive: true });
  for (const f of ["deno.json", "deno.lock"]) await cp(join(ROOT, f), join(root, f));
  return { root, entries: entries.map((u) => join(root, relative(ROOT, fileURLToPath(u)))) };
}

Deno.test("trainKey() is the same for equal configs, whatever their key order or source", async () => {
  const dataDir = await writeTinyDataDir();
  const a = resolveConfig({ seed: 2, optim: { lr: 0.1, warmup: 0.2 } });
  const b = resolveConfig({ optim: { warmup: 0.2, lr: 0.1 }, seed: 2 }, "another file");
  assert.equal(await trainKey(a, dataDir), await trainKey(b, dataDir));
  // The same data in another directory: the key is about content, not location.
  const moved = await mkdtemp(join(tmpdir(), "xlir-data-moved-"));
  await cp(dataDir, moved, { recursive: true });
  assert.equal(await trainKey(a, dataDir), await trainKey(a, moved));
  await rm(moved, { recursive: true });
});

Deno.test("trainKey() moves with any config field: seed, α, learning rate, model size", async () => {
  const dataDir = await writeTinyDataDir();
  const base = await trainKey(resolveConfig({}), dataDir);
  const changed = [
    { seed: 2 },
    { sampling: { alpha: 0.25 } },
    { optim: { lr: 0.01 } },
    { model: { dim: 128 } },
    { train: { epochs: 3 } },
  ];
  const keys = await Promise.all(changed.map((c) => trainKey(resolveConfig(c), dataDir)));
  for (const [i, k] of keys.entries()) assert.notEqual(k, base, JSON.stringify(changed[i]));
  assert.equal(new Set(keys).size, keys.length);
});

Deno.test("trainKey() moves when the data its protocol reads changes, and only then", async () => {
  const dataDir = await writeTinyDataDir();
  const ict = resolveConfig({ data: { protocol: "ict" } });
  // A QA run from a saved base reads no idf text (a fresh model's init reads parallel/).
  const qa = resolveConfig({
    data: { protocol: "qa", dataset: "xquad-r" },
    model: { initFrom: "/models/base" },
  });
  const qaFresh = resolveConfig({ data: { protocol: "qa", dataset: "xquad-r" } });
  // ICT reads NTREX-128: an edited sentence moves its key, and a fresh QA model's (the
  // idf statistics), not the QA run's from a saved base.
  const ntrex = await editedCopy(
    dataDir,
    "parallel/ntrex128/newstest2019-ref.deu.txt",
    "x\ny\nz\n",
  );
  assert.notEqual(await trainKey(ict, dataDir), await trainKey(ict, ntrex));
  assert.equal(await trainKey(qa, dataDir), await trainKey(qa, ntrex));
  assert.notEqual(await trainKey(qaFresh, dataDir), await trainKey(qaFresh, ntrex));
  // QA reads XQuAD-R.
  const xquad = await editedCopy(dataDir, "xquad-r/de.json", '{"version": "1.0", "data": []}');
  assert.notEqual(await trainKey(qa, dataDir), await trainKey(qa, xquad));
  // Both read the vocabulary.
  const vocab = await editedCopy(
    dataDir,
    "vocab/bert-base-multilingual-cased/tokenizer.json",
    "{}",
  );
  assert.notEqual(await trainKey(ict, dataDir), await trainKey(ict, vocab));
});

Deno.test("trainKey() and evalKey() move when a module the step runs changes, and only then", async () => {
  const dataDir = await writeTinyDataDir();
  const config = resolveConfig({});
  const edit = (root: string, rel: string) =>
    Deno.writeTextFile(join(root, rel), "\n// edited\n", { append: true });
  // Copies edited before any key is computed (code hashes are memoised per process).
  const [t1, t2, tSampler, tReport] = await Promise.all(
    [1, 2, 3, 4].map(() => codeCopy(TRAIN_ENTRIES)),
  );
  const [e1, e2, eMetric, eReport] = await Promise.all(
    [1, 2, 3, 4].map(() => codeCopy(EVAL_ENTRIES)),
  );
  try {
    // The sampler is training code; the LAReQA evaluation is evaluation code; the report is neither.
    await edit(tSampler.root, "lib/sampling/batch_sampler.ts");
    await edit(eMetric.root, "lib/eval/lareqa.ts");
    await edit(tReport.root, "lib/report/figures.ts");
    await edit(eReport.root, "lib/report/figures.ts");
    const train = (code: { root: string; entries: string[] }) => trainKey(config, dataDir, code);
    const evaluation = (code: { root: string; entries: string[] }) =>
      evalKey("bm25", "xquad-r", SETTINGS, dataDir, "plain", code);
    // Identical copies give identical keys (paths count relative to the root).
    assert.equal(await train(t1), await train(t2));
    assert.equal(await evaluation(e1), await evaluation(e2));
    assert.notEqual(await train(t1), await train(tSampler));
    assert.notEqual(await evaluation(e1), await evaluation(eMetric));
    assert.equal(await train(t1), await train(tReport));
    assert.equal(await evaluation(e1), await evaluation(eReport));
  } finally {
    for (const x of [t1, t2, tSampler, tReport, e1, e2, eMetric, eReport]) {
      await rm(x.root, { recursive: true });
    }
  }
});

Deno.test("evalKey() moves with the model's key, the dataset, the settings, the variant and the data", async () => {
  const dataDir = await writeTinyDataDir();
  const model = { key: await trainKey(resolveConfig({}), dataDir) };
  const other = { key: await trainKey(resolveConfig({ seed: 9 }), dataDir) };
  const base = await evalKey(model, "xquad-r", SETTINGS, dataDir);
  assert.equal(base, await evalKey({ key: model.key }, "xquad-r", { ...SETTINGS }, dataDir));
  const moved = [
    await evalKey(other, "xquad-r", SETTINGS, dataDir),
    await evalKey("bm25", "xquad-r", SETTINGS, dataDir),
    await evalKey(model, "mlqa-r", SETTINGS, dataDir),
    await evalKey(model, "xquad-r", { ...SETTINGS, maxQueries: 60 }, dataDir),
    await evalKey(model, "xquad-r", { ...SETTINGS, mlqaSource: "rebuild" }, dataDir),
    await evalKey(model, "xquad-r", { ...SETTINGS, maxLength: 512 }, dataDir),
    await evalKey(model, "xquad-r", SETTINGS, dataDir, "mean-centered"),
    await evalKey(
      model,
      "xquad-r",
      SETTINGS,
      await editedCopy(dataDir, "xquad-r/en.json", '{"version": "1.0", "data": []}'),
    ),
  ];
  for (const k of moved) assert.notEqual(k, base);
  assert.equal(new Set(moved).size, moved.length);
  // MLQA-R's key reads MLQA dev too (the rebuild's source); XQuAD-R's does not.
  const dev = await editedCopy(dataDir, "mlqa/dev/dev-context-en-question-en.json", "{}");
  assert.notEqual(
    await evalKey(model, "mlqa-r", SETTINGS, dataDir),
    await evalKey(model, "mlqa-r", SETTINGS, dev),
  );
  assert.equal(base, await evalKey(model, "xquad-r", SETTINGS, dev));
  // BM25 reads whole texts: the dense models' evaluation length is not part of its key.
  assert.equal(
    await evalKey("bm25", "xquad-r", { ...SETTINGS, maxLength: 512 }, dataDir),
    await evalKey("bm25", "xquad-r", SETTINGS, dataDir),
  );
  // A plain evaluation's key is what it was before variants existed; BM25 has no other variant.
  assert.equal(base, await evalKey(model, "xquad-r", SETTINGS, dataDir, "plain"));
  await assert.rejects(
    evalKey("bm25", "xquad-r", SETTINGS, dataDir, "mean-centered"),
    /bm25 has no mean-centered variant/,
  );
});

const haveData = exists(join(datasetPath(MBERT_VOCAB), "tokenizer.json")) &&
  exists(datasetPath("parallel"));

Deno.test({
  name: "initCached() saves exactly the initialisation a fine-tuning run at that seed starts from",
  ignore: skipUnless(haveData, "the mBERT vocabulary and parallel data (XLIR_DATA)"),
  async fn() {
    setCacheRoot(await Deno.makeTempDir());
    const config = resolveConfig({
      seed: 3,
      model: { architecture: "static", dim: 8, maxLength: 16 },
      data: { protocol: "ict", languages: ["en", "de"] },
    }, "test");
    const saved = await initCached(config);
    assert.equal(saved.run.result.status, "initialised");
    assert.equal(saved.run.result.steps, 0);
    const again = await initCached({ ...config, name: "other name, same model and seed" });
    assert.equal(again.key, saved.key);
    assert.equal(again.fresh, false);
    const other = await initCached({ ...config, seed: 4 });
    assert.notEqual(other.key, saved.key);
    const loaded = await loadStaticEncoder(saved.modelDir);
    const { model } = await buildModel(config);
    try {
      assert.deepEqual(loaded.embeddings, (model as typeof loaded).embeddings);
    } finally {
      loaded.dispose();
      model.dispose();
    }
  },
});

Deno.test("trainDataFolders() names what a run reads: its protocol's, its sources', its init's", async () => {
  const { trainDataFolders, initDataFolders } = await import("./runs.ts");
  const d = "/data";
  const p2 = resolveConfig({ data: { protocol: "qa", dataset: "mlqa-r" } });
  assert.deepEqual(trainDataFolders(p2, d), [
    "/data/mlqa-r",
    "/data/parallel",
    "/data/vocab",
    "/data/xquad-r",
  ]);
  const svd = resolveConfig({
    model: { init: "svd", svdSources: ["tatoeba", "freedict", "gettext"] },
    data: { protocol: "ict", corpora: ["ntrex", "libreoffice-help"] },
  });
  const folders = trainDataFolders(svd, d);
  for (const f of ["/usr/share/dictd", "/usr/share/locale", "/usr/share/libreoffice/help"]) {
    assert.ok(folders.includes(f), `${f} missing from ${folders}`);
  }
  assert.ok(folders.includes("/data/xquad-r")); // the svd init filters evaluation texts out
  // A fine-tuning run from a saved base reads no initialisation data.
  const ft = resolveConfig({ model: { initFrom: "/models/base", init: "svd" } });
  assert.deepEqual(initDataFolders(ft.model, d), []);
  assert.ok(!trainDataFolders(ft, d).includes("/data/parallel"));
});

/** A static model section with a tiny SVD block over the tiny data's parallel text. */
const SVD_MODEL = {
  dim: 12,
  maxLength: 16,
  init: "svd",
  svdRank: 4,
  svdSources: ["tatoeba", "ntrex", "flores"],
};

Deno.test("svdCached() computes an SVD block once, and a model built from it has the same bits", async () => {
  setCacheRoot(await Deno.makeTempDir());
  const dataDir = await writeTinyDataDir();
  const config = resolveConfig({
    seed: 2,
    model: SVD_MODEL,
    data: { protocol: "ict", languages: ["en", "de"] },
  }, "test");
  assert.equal(await svdCached(resolveConfig({}).model, dataDir), undefined); // no SVD init
  const svd = (await svdCached(config.model, dataDir))!;
  assert.equal(svd.rank, 4);
  assert.ok(svd.vectors.some((x) => x !== 0));
  const entries = [...Deno.readDirSync(join(cacheRoot(), "svd"))];
  assert.equal(entries.length, 1);
  // Another seed, same SVD settings: the same entry (the seed is not an input).
  assert.deepEqual((await svdCached({ ...config.model }, dataDir))!.vectors, svd.vectors);
  assert.equal([...Deno.readDirSync(join(cacheRoot(), "svd"))].length, 1);
  const given = await buildModel(config, dataDir, { svd });
  const computed = await buildModel(config, dataDir);
  try {
    type Static = { embeddings: Float32Array };
    assert.deepEqual(
      (given.model as unknown as Static).embeddings,
      (computed.model as unknown as Static).embeddings,
    );
  } finally {
    given.model.dispose();
    computed.model.dispose();
  }
  // A block of the wrong rank is refused, naming both shapes.
  await assert.rejects(
    () => buildModel({ ...config, model: { ...config.model, svdRank: 3 } }, dataDir, { svd }),
    /given SVD block is \d+ × 4; model\.svdRank 3/,
  );
});

Deno.test("svdCached() refuses a cached vectors file of the wrong size, naming it", async () => {
  setCacheRoot(await Deno.makeTempDir());
  const dataDir = await writeTinyDataDir();
  const model = resolveConfig({ model: SVD_MODEL }).model;
  await svdCached(model, dataDir);
  const [entry] = [...Deno.readDirSync(join(cacheRoot(), "svd"))];
  const file = join(cacheRoot(), "svd", entry.name, "vectors.f32");
  await Deno.truncate(file, 100);
  // A new process would read it again: simulated by a fresh module instance.
  const fresh = await import(`./runs.ts?again=${Date.now()}`);
  await assert.rejects(() => fresh.svdCached(model, dataDir), (err: Error) => {
    assert.equal(err.name, "InputError");
    assert.match(err.message, /vectors\.f32: 100 bytes, but svd\.json says/);
    return true;
  });
});
