import assert from "node:assert/strict";
import { writeFileAtomic, writeJsonAtomic, writeTextFileAtomic } from "./atomic.ts";

Deno.test("writeTextFileAtomic() creates parents and replaces the file whole", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/a/b/c.txt`;
  await writeTextFileAtomic(path, "one");
  await writeTextFileAtomic(path, "two");
  assert.equal(await Deno.readTextFile(path), "two");
  assert.deepEqual([...Deno.readDirSync(`${dir}/a/b`)].map((e) => e.name), ["c.txt"]);
});

Deno.test("writeJsonAtomic() writes pretty JSON with a trailing newline", async () => {
  const dir = await Deno.makeTempDir();
  await writeJsonAtomic(`${dir}/x.json`, { a: 1 });
  assert.equal(await Deno.readTextFile(`${dir}/x.json`), '{\n  "a": 1\n}\n');
});

Deno.test("writeFileAtomic() leaves the old file and no temp file when the write fails", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/keep.txt`;
  await writeTextFileAtomic(path, "old");
  // A non-empty directory where the target should go makes the rename fail.
  await Deno.mkdir(`${dir}/sub`);
  await Deno.writeTextFile(`${dir}/sub/x`, "x");
  await assert.rejects(() => writeFileAtomic(`${dir}/sub`, new Uint8Array([1])));
  assert.equal(await Deno.readTextFile(path), "old");
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["keep.txt", "sub"]);
});
