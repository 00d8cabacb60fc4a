/**
 * The code part of a cache key: every local module a step can execute,
 * found by following the imports of its entry modules (static `import` /
 * `export … from`, side-effect imports, and `import("…")` with a literal
 * specifier), hashed with the lockfile that pins its npm packages. A change
 * to any file the step can reach — `lib/wasm` kernels included — changes the
 * key; a change to a file it cannot reach (reports, notebooks) does not.
 *
 * The scan is textual, after removing block comments (doc examples do not run
 * in a step) and whole-line `//` comments, and deliberately over-inclusive:
 * type-only imports are followed too (a spurious cache miss at worst, never
 * a stale hit).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT } from "../util/root.ts";

const STATIC = /\b(?:import|export)\b[^'"`;]*?\bfrom\s*["']([^"']+)["']/g;
const BARE = /\bimport\s*["']([^"']+)["']/g;
const DYNAMIC = /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

/**
 * The local module specifiers (`./`, `../`, `/`, `file:`) a source text
 * imports, in order of first appearance, without duplicates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localImports } from "./code_hash.ts";
 * const src = `import { a } from "./a.ts";\nimport type { B } from "../b.ts";\n` +
 *   `export * from "./c.ts";\nimport "npm:x";\nconst d = await import("./d.ts");`;
 * assert.deepEqual(localImports(src), ["./a.ts", "../b.ts", "./c.ts", "./d.ts"]);
 * ```
 */
export function localImports(source: string): string[] {
  source = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: { at: number; spec: string }[] = [];
  for (const re of [STATIC, BARE, DYNAMIC]) {
    for (const m of source.matchAll(re)) found.push({ at: m.index, spec: m[1] });
  }
  found.sort((a, b) => a.at - b.at);
  const out: string[] = [];
  for (const { spec } of found) {
    const local = spec.startsWith("./") || spec.startsWith("../") || spec.startsWith("/") ||
      spec.startsWith("file:");
    if (local && !out.includes(spec)) out.push(spec);
  }
  return out;
}

function toPath(p: string | URL): string {
  return p instanceof URL || p.startsWith("file:") ? fileURLToPath(p) : resolve(p);
}

/**
 * Every local module reachable from `entries` by imports, as sorted absolute
 * paths (entries included).
 *
 * @throws {Error} naming the importing file when an imported module does not exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importGraph } from "./code_hash.ts";
 * import { fromRoot } from "../util/root.ts";
 * const files = await importGraph([new URL("./code_hash.ts", import.meta.url)]);
 * // it imports node: built-ins and one local module
 * assert.deepEqual(files, [fromRoot("lib/pipeline/code_hash.ts"), fromRoot("lib/util/root.ts")]);
 * ```
 */
export async function importGraph(entries: readonly (string | URL)[]): Promise<string[]> {
  const seen = new Set<string>();
  const stack = entries.map(toPath);
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (err) {
      throw new Error(`Cannot read module ${file} for the cache key: ${(err as Error).message}`);
    }
    for (const spec of localImports(text)) {
      const target = spec.startsWith("file:") ? fileURLToPath(spec) : resolve(dirname(file), spec);
      if (!seen.has(target)) {
        try {
          await Deno.stat(target);
        } catch {
          throw new Error(`${file} imports ${spec}, which does not exist (${target})`);
        }
        stack.push(target);
      }
    }
  }
  return [...seen].sort();
}

/** Options of {@linkcode codeHash}. */
export interface CodeHashOptions {
  /** Paths in the hash are relative to it (default: the checkout root). */
  root?: string;
  /** Extra files hashed with the modules (default: the root's `deno.json` and `deno.lock`, when present). */
  extra?: readonly string[];
}

const memo = new Map<string, Promise<string>>();

/**
 * sha256 over the modules {@linkcode importGraph} finds from `entries` (path
 * relative to the root, then content) and the lockfile, memoised per process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeHash } from "./code_hash.ts";
 * const h = await codeHash([new URL("./code_hash.ts", import.meta.url)]);
 * assert.match(h, /^[0-9a-f]{64}$/);
 * ```
 */
export function codeHash(
  entries: readonly (string | URL)[],
  options: CodeHashOptions = {},
): Promise<string> {
  const root = resolve(options.root ?? ROOT);
  const extra = options.extra ?? [join(root, "deno.json"), join(root, "deno.lock")];
  const key = JSON.stringify([entries.map(toPath), root, extra]);
  let h = memo.get(key);
  if (!h) {
    h = (async () => {
      const hash = createHash("sha256");
      for (const f of await importGraph(entries)) {
        hash.update(relative(root, f)).update("\u0000").update(await Deno.readFile(f))
          .update("\u0000");
      }
      for (const f of extra) {
        const bytes = await Deno.readFile(f).catch(() => null);
        hash.update(relative(root, f)).update("\u0000").update(bytes ?? "absent").update("\u0000");
      }
      return hash.digest("hex");
    })();
    memo.set(key, h);
    h.catch(() => memo.delete(key));
  }
  return h;
}
