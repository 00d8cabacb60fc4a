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
