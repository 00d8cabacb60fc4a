/**
 * The committed `results/` and its manifest agree: every file the manifest
 * lists is there with the listed sha256, and every file there is listed — so
 * `results/` holds nothing that `deno task reproduce` no longer writes (a
 * table of a dropped protocol, a hand edit). Outside the manifest by design:
 * the manifest itself, `notebook_config.json`, the notebooks' records in
 * `artifacts/`, and what other tasks write (`bench/`, `study/`).
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { sha256File } from "../lib/util/hash.ts";
import { fromRoot } from "../lib/util/root.ts";

const RESULTS = fromRoot("results");
const OUTSIDE = [
  /^manifest\.json$/,
  /^notebook_config\.json$/,
  /^artifacts\//,
  /^bench\//,
  /^study\//,
];

function walk(dir: string, out: string[] = []): string[] {
  for (const e of Deno.readDirSync(dir)) {
    if (e.name.startsWith(".") || e.name.endsWith(".lock")) continue; // a run in progress
    const path = join(dir, e.name);
    if (e.isDirectory) walk(path, out);
    else out.push(relative(RESULTS, path));
  }
  return out;
}

Deno.test("results/ holds exactly the files its manifest lists, with their sha256", async () => {
  const manifest = JSON.parse(await Deno.readTextFile(join(RESULTS, "manifest.json")));
  const listed = new Map<string, string>();
  for (const e of [...manifest.artifacts, ...manifest.notebooks]) listed.set(e.path, e.sha256);
  const present = walk(RESULTS).filter((p) => !OUTSIDE.some((re) => re.test(p))).sort();
  assert.deepEqual(present.filter((p) => !listed.has(p)), [], "files no manifest entry lists");
  assert.deepEqual([...listed.keys()].filter((p) => !present.includes(p)), [], "listed, missing");
  const changed = [];
  for (const p of present) {
    if (await sha256File(join(RESULTS, p)) !== listed.get(p)) changed.push(p);
  }
  assert.deepEqual(changed, [], "files whose sha256 differs from the manifest's");
});
