import assert from "node:assert/strict";
import { runTask } from "./_run_task.ts";

const run = (...args: string[]) => runTask("reproduce.ts", args);

Deno.test("reproduce --only names an unknown notebook and exits 2", async () => {
  const r = await run("--only", "00_data,99_nope", "--out", await Deno.makeTempDir());
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--only: unknown notebook in 00_data,99_nope; expected 00_data, /);
});

Deno.test("reproduce --only stops on a malformed manifest before writing anything", async () => {
  const out = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${out}/manifest.json`, '{"notebooks": [');
    const r = await run("--only", "00_data", "--out", out);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /manifest\.json is not valid JSON/);
    assert.deepEqual([...Deno.readDirSync(out)].map((e) => e.name), ["manifest.json"]);
    assert.equal(await Deno.readTextFile(`${out}/manifest.json`), '{"notebooks": [');
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
