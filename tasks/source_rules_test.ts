// Rules on the checkout's own code that no type checker or linter here enforces:
// - no assert of the console anywhere (a false one prints and passes: doc examples and tests
//   assert with node:assert/strict);
// - no test or doc example changes the process's environment or working directory:
//   `deno test --parallel` runs test modules as isolates of one process, so a test that set
//   XLIR_CACHE moved the cache of the test beside it (a CI failure: a second runExperiment
//   retrained). Such a test runs a child process (`runWithEnv` in lib/util/testing.ts), and
//   the cache root of a test is set per isolate (`setCacheRoot`).
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fromRoot } from "../lib/util/root.ts";

/** A breach of a rule: file, line and what. */
interface Breach {
  file: string;
  line: number;
  rule: string;
}

const SHARED_STATE = /\bDeno\.(?:env\.(?:set|delete)|chdir)\(|\bprocess\.chdir\(/;
// Spelled in parts so that this file does not itself contain the call it looks for.
const CONSOLE_ASSERT = new RegExp(String.raw`\bconsole\.` + "assert\\(");

/**
 * The breaches in one file's text: the console's assert anywhere; a change of the
 * process's environment or working directory in a test file or a doc example
 * (a JSDoc line, ` * ...`).
 */
function breaches(file: string, text: string): Breach[] {
  const test = /_test\.ts$/.test(file);
  const out: Breach[] = [];
  text.split("\n").forEach((line, i) => {
    if (CONSOLE_ASSERT.test(line)) out.push({ file, line: i + 1, rule: "the console's assert" });
    if (SHARED_STATE.test(line) && (test || /^\s*\* /.test(line))) {
      out.push({ file, line: i + 1, rule: "changes the process's environment or cwd in a test" });
    }
  });
  return out;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...sources(p));
    else if (e.isFile && e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

Deno.test("the rules catch what they name, in tests and doc examples only for shared state", () => {
  const set = 'Deno.env.set("XLIR_CACHE", dir);';
  assert.equal(breaches("a_test.ts", set).length, 1);
  assert.equal(breaches("a.ts", ` * ${set}`).length, 1, "a doc example");
  assert.equal(breaches("a.ts", `  ${set}`).length, 0, "library code may (e.g. XDG_RUNTIME_DIR)");
  assert.equal(breaches("a_test.ts", "Deno.chdir(tmp);").length, 1);
  assert.equal(breaches("a_test.ts", 'Deno.env.delete("X");').length, 1);
  assert.equal(breaches("a.ts", ` * console.${"assert"}(x === 1);`).length, 1);
  assert.equal(breaches("a_test.ts", 'Deno.env.get("X");').length, 0);
});

Deno.test("no assert of the console, and no test or doc example changes the environment or cwd", () => {
  const root = fromRoot(".");
  const found: string[] = [];
  for (const dir of ["lib", "tasks", "bench"]) {
    for (const f of sources(join(root, dir))) {
      if (f === fromRoot("tasks/source_rules_test.ts")) continue; // its own patterns
      for (const b of breaches(f, Deno.readTextFileSync(f))) {
        found.push(`${relative(root, b.file)}:${b.line}: ${b.rule}`);
      }
    }
  }
  assert.deepEqual(found, []);
});
