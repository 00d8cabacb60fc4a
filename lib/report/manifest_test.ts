import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { sha256Hex } from "../util/hash.ts";
import {
  buildManifest,
  checkNotebookRecord,
  mergeManifest,
  type NotebookRecord,
} from "./manifest.ts";
import type { NotebookSpec } from "./notebooks.ts";

const spec: NotebookSpec = { name: "01_x", title: "x", artifacts: ["tables/t.csv"] };

async function fixture(content = "a,b\n1,2\n", finished = new Date().toISOString()) {
  const out = await Deno.makeTempDir();
  await Deno.mkdir(join(out, "tables"));
  await Deno.mkdir(join(out, "artifacts"));
  await Deno.writeTextFile(join(out, "tables/t.csv"), content);
  const record: NotebookRecord = {
    notebook: "01_x",
    started: finished,
    finished,
    config: { experiment: "e.json" },
    git_revision: "abc",
    seeds: [1, 2],
    backend: "wasm",
    artifacts: [{
      path: "tables/t.csv",
      sha256: sha256Hex(new TextEncoder().encode(content)),
      notebook: "01_x",
      kind: "table",
    }],
  };
  await Deno.writeTextFile(join(out, "artifacts/01_x.json"), JSON.stringify(record));
  return { out, record };
}

const rejects = (p: Promise<unknown>, re: RegExp) =>
  assert.rejects(p, (e) => e instanceof InputError && re.test(e.message));

Deno.test("checkNotebookRecord accepts a fresh, complete record", async () => {
  const since = new Date(Date.now() - 1000);
  const { out, record } = await fixture();
  assert.deepEqual(await checkNotebookRecord(out, spec, since), record);
});

Deno.test("checkNotebookRecord names what is missing, stale or changed", async () => {
  const since = new Date(Date.now() - 1000);
  const empty = await Deno.makeTempDir();
  await rejects(
    checkNotebookRecord(empty, spec, since),
    /01_x: no artifact record at .*01_x\.json/,
  );
  const old = await fixture(undefined, "2020-01-01T00:00:00.000Z");
  await rejects(checkNotebookRecord(old.out, spec, since), /is from an earlier run \(2020-01-01/);
  const { out } = await fixture();
  await rejects(
    checkNotebookRecord(out, { ...spec, artifacts: ["tables/t.csv", "figures/f.svg"] }, since),
    /expected artifact figures\/f\.svg was not written/,
  );
  await Deno.writeTextFile(join(out, "tables/t.csv"), "edited\n");
  await rejects(
    checkNotebookRecord(out, spec, since),
    /tables\/t\.csv changed after it was recorded/,
  );
  await Deno.remove(join(out, "tables/t.csv"));
  await rejects(checkNotebookRecord(out, spec, since), /artifact tables\/t\.csv is missing/);
});

Deno.test("buildManifest lists every artifact with its notebook's provenance", async () => {
  const { record } = await fixture();
  const m = buildManifest([record], [{ name: "01_x", path: "n", sha256: "s", seconds: 3 }], {
    command: "c",
  });
  assert.equal(m.command, "c");
  assert.deepEqual(m.artifacts, [{
    path: "tables/t.csv",
    sha256: record.artifacts[0].sha256,
    kind: "table",
    notebook: "01_x",
    config: { experiment: "e.json" },
    seeds: [1, 2],
    backend: "wasm",
    git_revision: "abc",
  }]);
});

const nb = (name: string, seconds: number) => ({ name, path: `n/${name}`, sha256: name, seconds });
const art = (notebook: string, path: string, git_revision: string) => ({
  path,
  notebook,
  git_revision,
});

Deno.test("mergeManifest: a --only run replaces its notebooks and keeps the others", () => {
  const previous = {
    command: "deno task reproduce",
    experiment: "configs/experiment.json",
    git_revision: "old",
    seconds: 100,
    notebooks: [nb("a", 10), nb("b", 20), nb("c", 30)],
    artifacts: [
      art("a", "a1", "old"),
      art("b", "b1", "old"),
      art("b", "b2", "old"),
      art("c", "c1", "old"),
    ],
  };
  const next = {
    command: "deno task reproduce",
    experiment: "configs/experiment.json",
    git_revision: "new",
    seconds: 6,
    notebooks: [nb("b", 5)],
    artifacts: [art("b", "b1", "new")],
  };
  const m = mergeManifest(previous, next, ["a", "b", "c"]);
  assert.deepEqual((m.notebooks as { name: string }[]).map((n) => n.name), ["a", "b", "c"]);
  assert.deepEqual(m.artifacts, [
    art("a", "a1", "old"),
    art("b", "b1", "new"),
    art("c", "c1", "old"),
  ]);
  assert.equal(m.seconds, 45);
  assert.deepEqual(m.rerun, ["b"]);
  assert.equal(m.git_revision, "new");
  assert.equal(m.command, "deno task reproduce");
});

Deno.test("mergeManifest: nothing to merge with, or another experiment, leaves the new manifest", () => {
  const next = { experiment: "configs/experiment.json", notebooks: [nb("b", 5)], artifacts: [] };
  assert.equal(mergeManifest(undefined, next, ["a", "b"]), next);
  const quick = { ...next, experiment: "configs/experiment.quick.json", notebooks: [nb("a", 1)] };
  assert.equal(mergeManifest(quick, next, ["a", "b"]), next);
});
