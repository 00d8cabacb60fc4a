import assert from "node:assert/strict";
import { InputError } from "./errors.ts";
import { readJsonObject, readOptionalJson, readOptionalJsonObject } from "./json.ts";

Deno.test("readJsonObject / readOptionalJsonObject name the file and what is wrong with it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = (name: string) => `${dir}/${name}`;
    await Deno.writeTextFile(path("ok.json"), '{"a": [1, 2]}');
    await Deno.writeTextFile(path("bad.json"), '{"a": ');
    await Deno.writeTextFile(path("list.json"), "[1, 2]");
    assert.deepEqual(await readJsonObject(path("ok.json"), "t"), { a: [1, 2] });
    assert.deepEqual(await readOptionalJsonObject(path("ok.json"), "t"), { a: [1, 2] });
    assert.equal(await readOptionalJsonObject(path("none.json"), "t"), undefined);
    const rejects = (p: Promise<unknown>, re: RegExp) =>
      assert.rejects(p, (e) => e instanceof InputError && re.test(e.message));
    await rejects(
      readJsonObject(path("none.json"), "model config"),
      /Cannot read model config: .*none\.json/,
    );
    for (const read of [readJsonObject, readOptionalJsonObject]) {
      await rejects(read(path("bad.json"), "t"), /bad\.json is not valid JSON/);
      await rejects(read(path("list.json"), "t"), /list\.json is not a JSON object/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readOptionalJson() reads any JSON value, answers undefined for a missing file and names a broken one", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/rows.json`, '[{"model": "x"}]');
  await Deno.writeTextFile(`${dir}/bad.json`, "[1,");
  assert.deepEqual(await readOptionalJson(`${dir}/rows.json`, "t"), [{ model: "x" }]);
  assert.equal(await readOptionalJson(`${dir}/none.json`, "t"), undefined);
  await assert.rejects(
    () => readOptionalJson(`${dir}/bad.json`, "t"),
    /bad\.json is not valid JSON/,
  );
  await Deno.remove(dir, { recursive: true });
});
