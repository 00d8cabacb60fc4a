/**
 * A content-addressed cache for expensive steps (trained models, evaluation
 * results): an entry's key is the sha256 of what produced it — the step's
 * kind, its inputs (configs, the keys of upstream entries), the code it runs
 * (every module its entry modules import, `code_hash.ts`) and the data it
 * reads — never file times. An
 * entry is a directory written under a temporary name and renamed into place
 * once complete (with `entry.json` recording the inputs), so an interrupted
 * step leaves nothing that looks finished.
 *
 * @module
 */

import { join, relative } from "node:path";
import { createHash } from "node:crypto";
import { tempPath, writeJsonAtomic } from "../util/atomic.ts";
import { canonicalJson } from "../train/config.ts";
import { sha256Hex } from "../util/hash.ts";
import { fromRoot } from "../util/root.ts";
import { cleanStaleTemps } from "../util/stale_tmp.ts";
import { statOrNull } from "../util/stat_or_null.ts";
import { codeHash } from "./code_hash.ts";

let rootOverride: string | undefined;

/**
 * Where entries live: the root set by {@linkcode setCacheRoot}, else
 * `XLIR_CACHE`, else `.cache/xlir` in the checkout.
 */
export function cacheRoot(): string {
  return rootOverride ?? Deno.env.get("XLIR_CACHE") ?? fromRoot(".cache/xlir");
}

/**
 * Sets the cache root of this module instance (`undefined`: back to
 * `XLIR_CACHE`). For tests and doc examples: `deno test --parallel` runs test
 * modules as isolates of one process, which share its environment, so a test
 * that set `XLIR_CACHE` would move the cache of every test running beside it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheRoot, setCacheRoot } from "./cache.ts";
 * const dir = await Deno.makeTempDir();
 * setCacheRoot(dir);
 * assert.equal(cacheRoot(), dir);
 * setCacheRoot(undefined);
 * assert.notEqual(cacheRoot(), dir);
 * ```
 */
export function setCacheRoot(dir: string | undefined): void {
  rootOverride = dir;
}

async function hashTree(root: string, keep: (rel: string) => boolean): Promise<string> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile && keep(relative(root, p))) files.push(p);
    }
  };
  await walk(root);
  files.sort();
  const h = createHash("sha256");
  for (const f of files) {
    h.update(relative(root, f));
    h.update("\u0000");
    // Streamed: a model folder's weights can be gigabytes.
    using file = await Deno.open(f, { read: true });
    for await (const chunk of file.readable) h.update(chunk);
    h.update("\u0000");
  }
  return h.digest("hex");
}

const dataHashes = new Map<string, Promise<string>>();

/**
 * sha256 over the files of some folders (e.g. datasets in the data
 * directory), memoised for the process; a missing folder hashes as absent.
 * Only the folders' contents (relative paths and bytes) and their order count,
 * not where they are: the same data under another directory hashes the same.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { folderHash } from "./cache.ts";
 * const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
 * for (const d of [a, b]) await Deno.writeTextFile(`${d}/x.txt`, "same");
 * assert.equal(await folderHash([a]), await folderHash([b]));
 * assert.notEqual(await folderHash([a]), await folderHash([`${a}/missing`]));
 * ```
 */
export function folderHash(dirs: readonly string[]): Promise<string> {
  const key = dirs.join("\u0000");
  let h = dataHashes.get(key);
  if (!h) {
    h = (async () => {
      const parts: string[] = [];
      for (const [i, d] of dirs.entries()) {
        try {
          parts.push(`${i}:${await hashTree(d, () => true)}`);
        } catch {
          parts.push(`${i}:absent`);
        }
      }
      return sha256Hex(parts.join("\n"));
    })();
    dataHashes.set(key, h);
  }
  return h;
}

/**
 * Renames the finished `tmp` to `dir`; false when `dir` already holds a
 * finished entry (a concurrent producer's), which is left as it is. A
 * `dir` without `entry.json` (left half-removed) is replaced.
 */
async function publish(tmp: string, dir: string): Promise<boolean> {
  try {
    await Deno.rename(tmp, dir);
    return true;
  } catch (err) {
    if (await finished(dir)) return false;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    try {
      await Deno.rename(tmp, dir);
    } catch {
      if (await finished(dir)) return false;
      throw err;
    }
    return true;
  }
}

/** True when `dir` holds a finished entry (its `entry.json` is written last). */
async function finished(dir: string): Promise<boolean> {
  return (await statOrNull(join(dir, "entry.json")))?.isFile === true;
}

/** A cache entry: its key and directory. */
export interface CacheEntry {
  key: string;
  dir: string;
  /** True when this call produced it (false: it was already there). */
  fresh: boolean;
}

/**
 * The key of the entry for (kind, inputs) whose step runs the modules
 * reachable from `code` (its entry modules), their paths taken relative to
 * `codeRoot` (default: the checkout root).
 */
export async function cacheKey(
  kind: string,
  inputs: unknown,
  code: readonly (string | URL)[],
  codeRoot?: string,
): Promise<{ key: string; code: string }> {
  const codeKey = await codeHash(code, { root: codeRoot });
  return { key: sha256Hex(canonicalJson({ kind, inputs, code: codeKey })), code: codeKey };
}

/**
 * Returns the entry for (kind, inputs), producing it with `produce(tmpDir)`
 * when absent. `inputs` must hold everything the result depends on besides
 * the code (configs, upstream keys, data hashes); `code` names the step's
 * entry modules — every module they can import is part of the key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cached, setCacheRoot } from "./cache.ts";
 * setCacheRoot(await Deno.makeTempDir());
 * const code = [new URL("./cache.ts", import.meta.url)];
 * const a = await cached("demo", { n: 1 }, (dir) => Deno.writeTextFile(`${dir}/x`, "1"), code);
 * const b = await cached("demo", { n: 1 }, () => { throw new Error("not called"); }, code);
 * assert.equal(a.key, b.key);
 * assert.deepEqual([a.fresh, b.fresh], [true, false]);
 * ```
 */
export async function cached(
  kind: string,
  inputs: unknown,
  produce: (dir: string) => Promise<void>,
  code: readonly (string | URL)[],
): Promise<CacheEntry> {
  const { key, code: codeKey } = await cacheKey(kind, inputs, code);
  const dir = join(cacheRoot(), kind, key);
  if (await finished(dir)) return { key, dir, fresh: false };
  // What a killed producer of this entry left (its process is gone).
  await cleanStaleTemps(join(cacheRoot(), kind), { recursive: false, prefix: `${key}.` });
  const tmp = tempPath(dir);
  await Deno.mkdir(tmp, { recursive: true });
  try {
    await produce(tmp);
    await writeJsonAtomic(join(tmp, "entry.json"), {
      kind,
      key,
      inputs,
      code: codeKey,
      created: new Date().toISOString(),
    });
    if (!await publish(tmp, dir)) {
      // Another process finished the same entry first (same inputs and code): keep theirs.
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      return { key, dir, fresh: false };
    }
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
  return { key, dir, fresh: true };
}
