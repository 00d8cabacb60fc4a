import assert from "node:assert/strict";
import { runTask } from "./_run_task.ts";
import { join } from "node:path";
import { datasetPath } from "../lib/data/data_dir.ts";
import { exists, skipUnless } from "../lib/util/testing.ts";

const haveData = exists(join(datasetPath("parallel"), "ntrex128")) &&
  exists(join(datasetPath("vocab/bert-base-multilingual-cased"), "tokenizer.json"));

function trainCli(args: string[]) {
  return runTask("train.ts", args);
}

Deno.test({
  name: "deno task train: configs/smoke.json is deterministic and resumes bit-identically",
  ignore: skipUnless(haveData, "NTREX-128/FLORES-200 and the mBERT vocabulary (XLIR_DATA)"),
  async fn() {
    const a = await Deno.makeTempDir();
    const b = await Deno.makeTempDir();
    const full = await trainCli(["--config", "configs/smoke.json", "--out", a]);
    assert.equal(full.code, 0, full.stderr);
    const stop = await trainCli([
      "--config",
      "configs/smoke.json",
      "--out",
      b,
      "--stop-after",
      "21",
    ]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(JSON.parse(stop.stdout).status, "interrupted");
    const resumed = await trainCli(["--config", "configs/smoke.json", "--out", b, "--resume"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    for (const f of ["model/model.safetensors", "model/config.json", "checkpoint.safetensors"]) {
      assert.deepEqual(await Deno.readFile(join(b, f)), await Deno.readFile(join(a, f)), f);
    }
    const run = JSON.parse(await Deno.readTextFile(join(a, "run.json")));
    for (const key of ["config", "seed", "backend", "git_revision", "result"]) {
      assert.ok(key in run, key);
    }
  },
});

Deno.test("deno task train names a bad config field", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "bad.json"), JSON.stringify({ sampling: { alpha: 2 } }));
  const r = await trainCli(["--config", join(dir, "bad.json"), "--out", join(dir, "out")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.json: sampling\.alpha is 2, expected a number in \[0, 1\]/);
  assert.ok(!exists(join(dir, "out")));
});

Deno.test("deno task train --out an existing file stops before any work, naming it", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "taken");
  await Deno.writeTextFile(file, "not a directory");
  await Deno.writeTextFile(join(dir, "ok.json"), JSON.stringify({ name: "x" }));
  const r = await trainCli(["--config", join(dir, "ok.json"), "--out", file]);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr.trim(),
    `error: --out ${file} is a file, expected a directory (or a path that does not exist yet)`,
  );
  assert.equal(await Deno.readTextFile(file), "not a directory");
});
