import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exists, skipUnless } from "../lib/util/testing.ts";

const DATA = Deno.env.get("XLIR_DATA") ?? "";
const T = join(DATA, "trec_eval", "test");
const HAS_DATA = DATA !== "" && exists(join(T, "out.test"));
const TASK = fileURLToPath(new URL("./trec_eval.ts", import.meta.url));

async function task(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", TASK, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test({
  name: "deno task trec_eval qrels.test results.test prints out.test byte for byte",
  ignore: skipUnless(HAS_DATA, "XLIR_DATA with trec_eval/test"),
  async fn() {
    const { code, stdout } = await task(join(T, "qrels.test"), join(T, "results.test"));
    assert.equal(code, 0);
    assert.equal(stdout, await Deno.readTextFile(join(T, "out.test")));
  },
});

Deno.test("deno task trec_eval exits 2 with one clear line on a malformed run", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "qrels"), "1 0 a 1\n");
  await Deno.writeTextFile(join(dir, "run"), "1 Q0 a 1 1.5 r\n1 Q0 b 2\n");
  const { code, stdout, stderr } = await task(join(dir, "qrels"), join(dir, "run"));
  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.equal(
    stderr.trim(),
    `error: Cannot read run: line 2 of ${
      join(dir, "run")
    } has 4 fields, expected 6 (qid Q0 docid rank score runid)`,
  );
});

Deno.test("deno task trec_eval -q -m map prints per-query then summary lines", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "qrels"), "1 0 a 1\n2 0 b 1\n");
  await Deno.writeTextFile(join(dir, "run"), "1 Q0 a 1 1 r\n2 Q0 c 1 2 r\n2 Q0 b 2 1 r\n");
  const { code, stdout } = await task("-q", "-m", "map", join(dir, "qrels"), join(dir, "run"));
  assert.equal(code, 0);
  assert.equal(
    stdout,
    "map                   \t1\t1.0000\nmap                   \t2\t0.5000\nmap                   \tall\t0.7500\n",
  );
});

/** Runs the task and checks it failed with exit 2 and exactly one line, no stack trace. */
async function failsWithOneLine(args: string[], message: RegExp) {
  const { code, stdout, stderr } = await task(...args);
  assert.equal(code, 2, stderr);
  assert.equal(stdout, "");
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0], message);
  assert.doesNotMatch(stderr, /\s+at /);
}

Deno.test("deno task trec_eval on a missing file, a directory, relevance 1e20: one line, exit 2", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "qrels"), "1 0 a 1\n");
  await Deno.writeTextFile(join(dir, "qrels.big"), "1 0 a 100000000000000000000\n");
  await Deno.writeTextFile(join(dir, "run"), "1 Q0 a 1 1.5 r\n");
  await failsWithOneLine(
    [join(dir, "absent"), join(dir, "run")],
    /^error: Cannot read qrels: .*absent does not exist$/,
  );
  await failsWithOneLine(
    [join(dir, "qrels"), dir],
    /^error: Cannot read run: .* is a directory, expected a file$/,
  );
  await failsWithOneLine(
    [join(dir, "qrels.big"), join(dir, "run")],
    /^error: Cannot read qrels: line 1 of .*qrels\.big has relevance "100000000000000000000", expected an integer ≤ 1000000/,
  );
});
