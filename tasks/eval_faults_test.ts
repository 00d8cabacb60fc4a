/**
 * `deno task eval` under faults: a full disk while overwriting an existing
 * `--out` (a real tmpfs where it can be mounted, else an injected ENOSPC), a
 * second writer, `--out` naming a file, a corrupted or NaN model, and the
 * flags that used to be silently wrong. Each must end correctly or with a
 * non-zero exit and one line naming the file/flag/value, and leave what was
 * there before unchanged.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { datasetPath } from "../lib/data/data_dir.ts";
import { tinyTokenizer } from "../lib/model/_testing.ts";
import { readSafetensors, writeSafetensors } from "../lib/model/safetensors.ts";
import { createStaticEncoder } from "../lib/model/static_encoder.ts";
import { writeChecksums } from "../lib/util/checksums.ts";
import { lockOutput } from "../lib/util/lock.ts";
import { exists, listDir, mountSmallDisk, skipUnless, snapshotDir } from "../lib/util/testing.ts";
import { runTask } from "./_run_task.ts";

const haveData = exists(join(datasetPath("xquad-r"), "en.json")) &&
  exists(join(datasetPath("vocab/bert-base-multilingual-cased"), "tokenizer.json"));
const WHAT = "XQuAD-R and the mBERT vocabulary (XLIR_DATA)";

const BM25 = ["--dataset", "xquad-r", "--model", "bm25", "--langs", "en,de", "--max-queries", "3"];

function evalCli(args: string[], env: Record<string, string> = {}) {
  return runTask("eval.ts", args, { env });
}

/** A failure: the exit code, one `error:` line matching `message`, no stack trace. */
function assertOneLine(r: { code: number; stderr: string }, code: number, message: RegExp) {
  assert.equal(r.code, code, r.stderr);
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("error: "));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0], message);
  assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
}

/** An existing evaluation output directory (as a first run would leave it). */
async function previousOutput(root: string): Promise<string> {
  const out = join(root, "ev");
  const r = await evalCli([...BM25, "--out", out, "--max-queries", "1"]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

Deno.test({
  name: "eval: ENOSPC (injected) while overwriting --out: clear error, old outputs unchanged",
  ignore: skipUnless(haveData, WHAT),
  async fn() {
    const root = await Deno.makeTempDir();
    const out = await previousOutput(root);
    const before = snapshotDir(out);
    const r = await evalCli([...BM25, "--out", out], { XLIR_FAIL_WRITES: "summary.tsv" });
    assertOneLine(
      r,
      1,
      new RegExp(
        `^error: Cannot write ${out}/summary\\.tsv: no space left on device \\(ENOSPC\\); ${out} is unchanged$`,
      ),
    );
    assert.deepEqual(snapshotDir(out), before);
    assert.deepEqual(listDir(root), ["ev"], "no temporary directory or lock left");
  },
});

const disk = haveData ? mountSmallDisk("512k") : null;
Deno.test({
  name: "eval: a real full disk (1 MiB-class tmpfs) while overwriting --out: old outputs unchanged",
  ignore: disk === null,
  async fn() {
    try {
      const out = await previousOutput(disk!.dir);
      const before = snapshotDir(out);
      // --depth 0 writes every candidate of every query: far more than the disk holds.
      const r = await evalCli([...BM25, "--out", out, "--depth", "0", "--max-queries", "40"]);
      assertOneLine(r, 1, /no space left on device \(ENOSPC\); .* is unchanged$/);
      assert.deepEqual(snapshotDir(out), before);
      assert.deepEqual(listDir(disk!.dir), ["ev"]);
    } finally {
      disk!.unmount();
    }
  },
});

Deno.test({
  name: "eval: a second writer into the same --out is refused, naming the holder",
  ignore: skipUnless(haveData, WHAT),
  async fn() {
    const root = await Deno.makeTempDir();
    const out = await previousOutput(root);
    const before = snapshotDir(out);
    const lock = await lockOutput(out, "a first evaluation");
    try {
      const r = await evalCli([...BM25, "--out", out]);
      assertOneLine(
        r,
        1,
        new RegExp(`^error: ${out} is in use by pid ${Deno.pid} .*\\(a first evaluation\\)`),
      );
    } finally {
      await lock.release();
    }
    assert.deepEqual(snapshotDir(out), before);
  },
});

Deno.test("eval: --out naming an existing file stops before any work", async () => {
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(file, "keep me");
  const r = await evalCli([...BM25, "--out", file]);
  assertOneLine(r, 2, /^error: --out .* is a file, expected a directory/);
  assert.equal(await Deno.readTextFile(file), "keep me");
  assert.ok(!exists(`${file}.lock`), "refused before taking the lock");
});

Deno.test("eval: --langs en,en is refused, naming the language given twice", async () => {
  const out = join(await Deno.makeTempDir(), "ev");
  const r = await evalCli([
    "--dataset",
    "xquad-r",
    "--model",
    "bm25",
    "--out",
    out,
    "--langs",
    "en,de,en",
  ]);
  assertOneLine(r, 2, /^error: --langs en,de,en: en is given twice$/);
  assert.ok(!exists(out));
});

Deno.test("eval: --max-queries 0 says that it means all questions", async () => {
  const out = join(await Deno.makeTempDir(), "ev");
  const r = await evalCli([
    "--dataset",
    "nope",
    "--model",
    "bm25",
    "--out",
    out,
    "--max-queries",
    "0",
  ]);
  assert.match(r.stderr, /--max-queries 0: all questions of each language/);
  assert.equal(r.code, 2);
});

Deno.test("eval: --max-length 0 is refused before any work, naming the flag", async () => {
  const out = join(await Deno.makeTempDir(), "ev");
  const r = await evalCli([...BM25, "--out", out, "--max-length", "0"]);
  assertOneLine(r, 2, /^error: --max-length must be an integer >= 1, got "0"$/);
  assert.ok(!exists(out));
});

/** Saves a tiny static model (its own tokenizer) into `dir`, optionally with NaN weights. */
async function tinyModel(dir: string, nan: boolean): Promise<void> {
  const model = createStaticEncoder({
    tokenizer: await tinyTokenizer(),
    dim: 8,
    maxLength: 16,
    seed: 1,
  });
  await model.save(dir);
  model.dispose();
  if (nan) {
    const path = join(dir, "model.safetensors");
    const { tensors, metadata } = await readSafetensors(path);
    for (const t of Object.values(tensors)) if (t.data instanceof Float32Array) t.data.fill(NaN);
    await writeSafetensors(path, tensors, metadata);
  }
}

Deno.test({
  name: "eval: a model with NaN weights is reported as producing NaN scores, not a RangeError",
  ignore: skipUnless(haveData, WHAT),
  async fn() {
    const root = await Deno.makeTempDir();
    await tinyModel(join(root, "model"), true);
    const r = await evalCli([
      "--dataset",
      "xquad-r",
      "--model",
      join(root, "model"),
      "--out",
      join(root, "ev"),
      "--langs",
      "en",
      "--max-queries",
      "2",
    ]);
    assertOneLine(
      r,
      2,
      /^error: --model .*model produced NaN scores \(query en:.*\): its weights hold NaN/,
    );
    assert.ok(!exists(join(root, "ev")));
  },
});

Deno.test({
  name: "eval: a model whose weights changed after saving is refused by its checksums",
  ignore: skipUnless(haveData, WHAT),
  async fn() {
    const root = await Deno.makeTempDir();
    const dir = join(root, "model");
    await tinyModel(dir, false);
    await writeChecksums(dir);
    const bytes = await Deno.readFile(join(dir, "model.safetensors"));
    bytes[bytes.length - 5] ^= 0x20;
    await Deno.writeFile(join(dir, "model.safetensors"), bytes);
    const r = await evalCli([
      "--dataset",
      "xquad-r",
      "--model",
      dir,
      "--out",
      join(root, "ev"),
      "--langs",
      "en",
    ]);
    assertOneLine(
      r,
      2,
      /^error: The model in .* is corrupted: .*model\.safetensors does not match its sha256/,
    );
  },
});
