/**
 * `OUT/manifest.json`: every artifact of a reproduction (path relative to
 * OUT, sha256, the notebook that made it) with the configuration, seeds,
 * backend and git revision it came from, and the executed notebooks.
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { sha256Hex } from "../util/hash.ts";
import type { ArtifactRecord } from "./notebook.ts";
import type { NotebookSpec } from "./notebooks.ts";

/** What a notebook recorded in `artifacts/<name>.json`. */
export interface NotebookRecord {
  notebook: string;
  started: string;
  finished: string;
  config: Record<string, unknown>;
  git_revision: string;
  seeds: number[] | null;
  backend: string;
  artifacts: ArtifactRecord[];
  [k: string]: unknown;
}

/**
 * Reads a notebook's record and checks it against the spec: the record was
 * written after `since`, lists every expected artifact, and every listed file
 * exists with the recorded sha256.
 *
 * @throws {InputError} naming the notebook and the missing or stale artifact.
 */
export async function checkNotebookRecord(
  out: string,
  spec: NotebookSpec,
  since: Date,
): Promise<NotebookRecord> {
  const path = join(out, "artifacts", `${spec.name}.json`);
  let record: NotebookRecord;
  try {
    record = JSON.parse(await Deno.readTextFile(path));
  } catch {
    throw new InputError(
      `${spec.name}: no artifact record at ${path} (did the notebook reach nb.finish()?)`,
    );
  }
  if (new Date(record.finished) < since) {
    throw new InputError(
      `${spec.name}: its artifact record ${path} is from an earlier run (${record.finished})`,
    );
  }
  const listed = new Map(record.artifacts.map((a) => [a.path, a]));
  for (const expected of spec.artifacts) {
    if (!listed.has(expected)) {
      throw new InputError(`${spec.name}: expected artifact ${expected} was not written`);
    }
  }
  for (const a of record.artifacts) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(join(out, a.path));
    } catch {
      throw new InputError(`${spec.name}: artifact ${a.path} is missing`);
    }
    if (sha256Hex(bytes) !== a.sha256) {
      throw new InputError(`${spec.name}: artifact ${a.path} changed after it was recorded`);
    }
  }
  return record;
}

/** The manifest's content. */
export function buildManifest(
  records: NotebookRecord[],
  notebooks: { name: string; path: string; sha256: string; seconds: number }[],
  meta: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ...meta,
    notebooks,
    artifacts: records.flatMap((r) =>
      r.artifacts.map((a) => ({
        path: a.path,
        sha256: a.sha256,
        kind: a.kind,
        notebook: r.notebook,
        config: r.config,
        seeds: r.seeds,
        backend: r.backend,
        git_revision: r.git_revision,
      }))
    ),
  };
}

type ManifestNotebook = { name: string; seconds: number; [k: string]: unknown };
type ManifestArtifact = { notebook: string; [k: string]: unknown };

/**
 * The manifest after `deno task reproduce --only …`: the notebooks that ran
 * replace their entries (and artifacts) in the previous manifest of the same
 * output directory; the others' entries are kept as they were, each artifact
 * with its own git revision. `seconds` becomes the sum of the notebooks'
 * seconds, `command` stays the previous one (it still describes the whole
 * set) and `rerun` lists what this run executed. Without a previous manifest,
 * or with one of another experiment, the new manifest stands alone.
 *
 * @param previous The manifest already in the output directory, if any.
 * @param next The manifest of the notebooks that just ran ({@linkcode buildManifest}).
 * @param order Notebook names in execution order (entries are sorted by it).
 * @returns The merged manifest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeManifest } from "./manifest.ts";
 * const nb = (name: string, seconds: number) => ({ name, path: `notebooks/${name}.ipynb`, sha256: "", seconds });
 * const merged = mergeManifest(
 *   { command: "deno task reproduce", experiment: "e.json", notebooks: [nb("a", 10), nb("b", 20)], artifacts: [] },
 *   { command: "deno task reproduce", experiment: "e.json", notebooks: [nb("b", 5)], artifacts: [] },
 *   ["a", "b"],
 * );
 * assert(merged.seconds === 15);
 * ```
 */
export function mergeManifest(
  previous: Record<string, unknown> | undefined,
  next: Record<string, unknown>,
  order: readonly string[],
): Record<string, unknown> {
  if (previous === undefined || previous.experiment !== next.experiment) return next;
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i < 0 ? order.length : i;
  };
  const nextNotebooks = next.notebooks as ManifestNotebook[];
  const rerun = new Set(nextNotebooks.map((n) => n.name));
  const notebooks = [
    ...(previous.notebooks as ManifestNotebook[]).filter((n) => !rerun.has(n.name)),
    ...nextNotebooks,
  ].sort((a, b) => rank(a.name) - rank(b.name));
  const artifacts = [
    ...(previous.artifacts as ManifestArtifact[]).filter((a) => !rerun.has(a.notebook)),
    ...(next.artifacts as ManifestArtifact[]),
  ].sort((a, b) => rank(a.notebook) - rank(b.notebook));
  return {
    ...next,
    command: previous.command,
    seconds: notebooks.reduce((s, n) => s + n.seconds, 0),
    rerun: [...rerun],
    notebooks,
    artifacts,
  };
}
