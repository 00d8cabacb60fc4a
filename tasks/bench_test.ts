import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";

const script = fromFileUrl(new URL("./bench.ts", import.meta.url));

async function run(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--allow-env",
      "--allow-sys",
      script,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("bench --help prints the usage and exits 0", async () => {
  const r = await run("--help");
  assert.equal(r.code, 0);
  assert.match(r.stdout, /deno task bench \[--quick\] \[--only train,encode,search\]/);
});

Deno.test("bench --only names the unknown comparison and exits 2", async () => {
  const r = await run("--only", "train,sort");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--only: unknown comparison "sort", expected train, encode, search/);
});

Deno.test("bench rejects an unknown --ids and a bad --threads", async () => {
  const ids = await run("--ids", "zipf");
  assert.equal(ids.code, 2);
  assert.match(ids.stderr, /--ids is "zipf", expected text or uniform/);
  const threads = await run("--threads", "0");
  assert.equal(threads.code, 2);
  assert.match(threads.stderr, /--threads must be an integer >= 1/);
});

Deno.test("bench: a quick or partial run does not replace the committed full record", async () => {
  const { defaultOut } = await import("./bench.ts");
  assert.equal(defaultOut(false), "results/bench/bench.json");
  assert.equal(defaultOut(true), "out/bench/bench.json");
});
