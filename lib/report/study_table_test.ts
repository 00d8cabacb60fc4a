import assert from "node:assert/strict";
import { readStudyTable } from "./study_table.ts";

Deno.test("readStudyTable() reads the rows and refuses a file that is not a study table", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/standin_study.json`, '[{"model": "BM25", "kind": "lexical"}]');
  assert.deepEqual(await readStudyTable(dir), [{ model: "BM25", kind: "lexical" }]);
  await Deno.writeTextFile(`${dir}/standin_study.json`, '{"model": "BM25"}');
  await assert.rejects(() => readStudyTable(dir), /standin_study\.json is not a study table/);
  await Deno.writeTextFile(`${dir}/standin_study.json`, "[");
  await assert.rejects(() => readStudyTable(dir), /is not valid JSON/);
  await Deno.remove(dir, { recursive: true });
});
