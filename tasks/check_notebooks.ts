/**
 * `deno task check`'s last step: type-checks the notebooks' code cells,
 * which `deno check` cannot read in `.ipynb` form. Each notebook's code cells
 * become one module, in order (the Deno kernel keeps one scope across a
 * notebook's cells), with its relative imports pointed at the notebook's
 * folder; the modules are written to a temp folder and checked with the
 * checkout's `deno.json`. An error names the module as `NN_name.ipynb.ts` and
 * a comment above each cell says which cell it came from.
 *
 * ```sh
 * deno run --allow-read --allow-write --allow-run --allow-env tasks/check_notebooks.ts [DIR]
 * ```
 *
 * @module
 */

import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { fromRoot } from "../lib/util/root.ts";

const USAGE = `Usage: deno run -A tasks/check_notebooks.ts [DIR]

  Type-checks the code cells of DIR/*.ipynb (default: notebooks/).`;

/** A notebook's cell as nbformat 4 stores it. */
interface Cell {
  cell_type: string;
  source: string | string[];
}

/** Relative specifiers of static and dynamic imports and re-exports. */
const RELATIVE_IMPORT = /((?:\bfrom|\bimport)\s*\(?\s*)(["'])(\.\.?\/[^"']+)\2/g;

/**
 * One notebook's code cells as a TypeScript module: the cells in order, each
 * after a comment naming it, relative imports rewritten to `file:` URLs
 * against `dir` (the notebook's folder), so that the module type-checks from
 * anywhere.
 *
 * @param json The `.ipynb` text.
 * @param dir The notebook's folder.
 * @param name The notebook's file name, for the comments and errors.
 * @returns The module's source.
 * @throws {InputError} when the text is not a notebook.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebookModule } from "./check_notebooks.ts";
 * const nb = JSON.stringify({ cells: [
 *   { cell_type: "markdown", source: "# Title" },
 *   { cell_type: "code", source: ['import { x } from "../lib/x.ts";\n', "x"] },
 *   { cell_type: "code", source: "const y: number = 1;" },
 * ] });
 * const module = notebookModule(nb, "/repo/notebooks", "00_a.ipynb");
 * assert.equal(module, [
 *   "// 00_a.ipynb, cell 2",
 *   'import { x } from "file:///repo/lib/x.ts";',
 *   "x",
 *   "",
 *   "// 00_a.ipynb, cell 3",
 *   "const y: number = 1;",
 *   "",
 * ].join("\n"));
 * ```
 */
export function notebookModule(json: string, dir: string, name: string): string {
  let cells: Cell[];
  try {
    cells = JSON.parse(json).cells;
  } catch (err) {
    throw new InputError(`${name} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(cells)) throw new InputError(`${name} has no "cells" array`);
  const base = pathToFileURL(dir.endsWith("/") ? dir : `${dir}/`);
  const parts: string[] = [];
  cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source ?? "";
    const code = source.replace(
      RELATIVE_IMPORT,
      (_m, head: string, quote: string, spec: string) =>
        `${head}${quote}${new URL(spec, base).href}${quote}`,
    );
    parts.push(`// ${name}, cell ${i + 1}\n${code.trimEnd()}\n`);
  });
  return parts.join("\n");
}

/**
 * Writes the modules of every `*.ipynb` in `dir` to a temp folder and runs
 * `deno check` on them with the checkout's config.
 *
 * @param dir The notebooks' folder.
 * @returns `deno check`'s exit code (0: every cell type-checks).
 * @throws {InputError} when the folder holds no notebook or one is malformed.
 */
export async function checkNotebooks(dir: string): Promise<number> {
  const names = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new InputError(`${dir} holds no .ipynb notebook`);
  const tmp = await Deno.makeTempDir({ prefix: "xlir-notebooks-" });
  try {
    const modules: string[] = [];
    for (const name of names) {
      const path = join(tmp, `${name}.ts`);
      await Deno.writeTextFile(
        path,
        notebookModule(await Deno.readTextFile(join(dir, name)), dir, name),
      );
      modules.push(path);
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", fromRoot("deno.json"), ...modules],
      cwd: tmp,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (out.success) console.error(`check_notebooks: ${names.length} notebooks' cells type-check`);
    return out.code;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

async function main(): Promise<void> {
  const { positionals } = parseFlags(Deno.args, {}, USAGE, true);
  if (positionals.length > 1) throw new InputError(`expected at most one folder\n\n${USAGE}`);
  const dir = positionals[0] === undefined ? fromRoot("notebooks") : resolve(positionals[0]);
  const code = await checkNotebooks(dir);
  if (code !== 0) {
    throw new InputError(`the code cells of ${basename(dir)}/*.ipynb do not type-check (above)`);
  }
}

if (import.meta.main) await runMain(main);
