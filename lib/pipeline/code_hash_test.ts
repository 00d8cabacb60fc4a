import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT } from "../util/root.ts";
import { codeHash, importGraph, localImports } from "./code_hash.ts";
import { EVAL_ENTRIES, TRAIN_ENTRIES } from "./runs.ts";

/** A copy of lib/ and the lockfiles in a temp root; the entries mapped into it. */
async function copyRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "xlir-code-"));
  await cp(join(ROOT, "lib"), join(dir, "lib"), { recursive: true });
  for (const f of ["deno.json", "deno.lock"]) await cp(join(ROOT, f), join(dir, f));
  return dir;
}

function inRoot(root: string, entries: readonly URL[]): string[] {
  return entries.map((u) => join(root, relative(ROOT, fileURLToPath(u))));
}

async function wasmSources(): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, "lib/wasm"))) {
    if (e.isFile && e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) {
      out.push(join(ROOT, "lib/wasm", e.name));
    }
  }
  return out.sort();
}

Deno.test("the training and evaluation steps reach the WebAssembly kernels under lib/wasm", async () => {
  const train = await importGraph(TRAIN_ENTRIES);
  const evaluation = await importGraph(EVAL_ENTRIES);
  for (const kernel of ["lib/wasm/static_kernels.ts", "lib/wasm/thread_pool.ts"]) {
    assert.ok(train.includes(join(ROOT, kernel)), `training does not reach ${kernel}`);
  }
  for (const kernel of ["lib/wasm/score_gemm.ts", "lib/wasm/static_kernels.ts"]) {
    assert.ok(evaluation.includes(join(ROOT, kernel)), `evaluation does not reach ${kernel}`);
  }
  assert.ok(!train.includes(join(ROOT, "lib/report/figures.ts")));
  assert.ok(!evaluation.includes(join(ROOT, "lib/report/figures.ts")));
});

Deno.test("editing a file under lib/wasm changes the training key and the evaluation key", async () => {
  const a = await copyRoot();
  const b = await copyRoot();
  try {
    const kernel = "lib/wasm/static_kernels.ts";
    await Deno.writeTextFile(join(b, kernel), "\n// edited\n", { append: true });
    for (const entries of [TRAIN_ENTRIES, EVAL_ENTRIES]) {
      const before = await codeHash(inRoot(a, entries), { root: a });
      const after = await codeHash(inRoot(b, entries), { root: b });
      assert.notEqual(before, after);
    }
    // Every kernel source the steps reach is part of the key (so editing any of them invalidates).
    const reached = new Set([
      ...await importGraph(TRAIN_ENTRIES),
      ...await importGraph(EVAL_ENTRIES),
    ]);
    for (const f of await wasmSources()) assert.ok(reached.has(f), `${f} is outside both keys`);
  } finally {
    await rm(a, { recursive: true });
    await rm(b, { recursive: true });
  }
});

Deno.test("editing a report module or the lockfile: only the lockfile changes the key", async () => {
  const a = await copyRoot();
  const b = await copyRoot();
  const c = await copyRoot();
  try {
    await Deno.writeTextFile(join(b, "lib/report/figures.ts"), "\n// edited\n", { append: true });
    await Deno.writeTextFile(join(c, "deno.lock"), "\n", { append: true });
    const key = (root: string) => codeHash(inRoot(root, TRAIN_ENTRIES), { root });
    assert.equal(await key(a), await key(b));
    assert.notEqual(await key(a), await key(c));
  } finally {
    for (const d of [a, b, c]) await rm(d, { recursive: true });
  }
});

Deno.test("importGraph() names the importer of a module that does not exist", async () => {
  const dir = await mkdtemp(join(tmpdir(), "xlir-code-"));
  try {
    await Deno.writeTextFile(join(dir, "a.ts"), 'import { b } from "./b.ts";\n');
    await assert.rejects(() => importGraph([join(dir, "a.ts")]), /a\.ts imports \.\/b\.ts/);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("localImports() follows multi-line, re-export and dynamic imports, not npm ones", () => {
  const src = [
    "import {",
    "  a,",
    "  b,",
    '} from "./ab.ts";',
    'export { c } from "../c.ts";',
    'import * as tf from "@tensorflow/tfjs-core";',
    'const m = await import("./lazy.ts");',
    'import "./side_effect.ts";',
  ].join("\n");
  assert.deepEqual(localImports(src), ["./ab.ts", "../c.ts", "./lazy.ts", "./side_effect.ts"]);
});
