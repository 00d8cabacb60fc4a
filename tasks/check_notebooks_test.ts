import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { fromRoot } from "../lib/util/root.ts";
import { InputError } from "../lib/util/errors.ts";
import { checkNotebooks, notebookModule } from "./check_notebooks.ts";

const NOTEBOOK = fromRoot("lib/report/notebook.ts");

/** A folder with one notebook of these code cells (and a markdown cell first). */
async function notebookDir(cells: string[]): Promise<string> {
  const dir = await Deno.makeTempDir();
  const json = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", metadata: {}, source: "# A notebook" },
      ...cells.map((source) => ({ cell_type: "code", metadata: {}, source, outputs: [] })),
    ],
  };
  await Deno.writeTextFile(join(dir, "00_t.ipynb"), JSON.stringify(json));
  return dir;
}

Deno.test("checkNotebooks() passes cells that use the library correctly across cells", async () => {
  const dir = await notebookDir([
    `import { notebookDefaults } from "${
      pathToFileURL(NOTEBOOK).href
    }";\nconst c = notebookDefaults(true);`,
    "const n: number = c.beirMaxQueries;\nn",
  ]);
  assert.equal(await checkNotebooks(dir), 0);
});

Deno.test("checkNotebooks() fails on a type error in a cell and on a wrong library call", async () => {
  for (
    const bad of [
      'const n: number = "sixty";',
      `import { notebookDefaults } from "${
        pathToFileURL(NOTEBOOK).href
      }";\nnotebookDefaults("quick");`,
    ]
  ) {
    assert.notEqual(await checkNotebooks(await notebookDir([bad])), 0, bad);
  }
});

Deno.test("notebookModule() rewrites relative imports against the notebook's folder", () => {
  const json = JSON.stringify({
    cells: [{
      cell_type: "code",
      source:
        'import { a } from "../lib/a.ts";\nconst m = await import("./b.ts");\nexport { c } from \'../c.ts\';',
    }],
  });
  assert.equal(
    notebookModule(json, "/r/notebooks", "x.ipynb"),
    '// x.ipynb, cell 1\nimport { a } from "file:///r/lib/a.ts";\n' +
      'const m = await import("file:///r/notebooks/b.ts");\n' +
      "export { c } from 'file:///r/c.ts';\n",
  );
});

Deno.test("checkNotebooks() names a malformed notebook and an empty folder", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => checkNotebooks(dir),
    (e) => e instanceof InputError && /holds no \.ipynb/.test(e.message),
  );
  await Deno.writeTextFile(join(dir, "01_x.ipynb"), "{ nope");
  await assert.rejects(
    () => checkNotebooks(dir),
    (e) => e instanceof InputError && /01_x\.ipynb is not valid JSON/.test(e.message),
  );
});
