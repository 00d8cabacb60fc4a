/**
 * `deno task download <name...> [--data DIR] [--list]`: downloads datasets
 * into the data directory (verified, resumable), or lists what is there.
 *
 * @module
 */

import { parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { resolveDataDir } from "../lib/data/data_dir.ts";
import { downloadDataset, type DownloadOptions, fileStatus } from "../lib/data/download.ts";
import { type DatasetSource, getSource, SOURCES } from "../lib/data/sources.ts";

const USAGE = `Usage: deno task download <name...> [--data DIR] [--list]

Downloads datasets into the data directory (--data, else $XLIR_DATA, else data/),
verifying each file's checksum, resuming interrupted downloads, and skipping
files already present with the right checksum.

  --data DIR   data directory
  --list       list datasets (all, or the names given), their files and whether
               each is present and verified locally; downloads nothing

Datasets: xquad-r, mlqa-r, mlqa, miracl, miracl-corpus-<lang>, beir/<name>,
ntrex128, flores200, tatoeba, vocab/bert-base-multilingual-cased (--list shows all).`;

/** Injection points for tests. */
export interface DownloadTaskIO extends DownloadOptions {
  /** The registry (default: {@linkcode SOURCES}). */
  sources?: Readonly<Record<string, DatasetSource>>;
  /** Where the listing goes (default: `console.log`). */
  print?: (line: string) => void;
}

async function list(
  datasets: DatasetSource[],
  dataDir: string,
  print: (line: string) => void,
): Promise<void> {
  print(`data directory: ${dataDir}`);
  for (const ds of datasets) {
    const rows = [];
    for (const file of ds.files) rows.push(...await fileStatus(file, dataDir));
    const ok = rows.filter((r) => r.state === "verified" || r.state === "present").length;
    print(`\n${ds.name}  (${ok}/${rows.length} present)  ${ds.description}`);
    for (const r of rows) print(`  ${r.state.padEnd(8)}  ${r.path}`);
  }
}

/**
 * Runs the task.
 *
 * @param args Command-line arguments.
 * @param io Registry, output and download options (tests).
 * @throws {InputError} On a bad flag, an unknown dataset, or failed downloads (listed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./download.ts";
 * const lines: string[] = [];
 * const dataDir = await Deno.makeTempDir();
 * await main(["--list", "--data", dataDir, "xquad-r"], { print: (l) => lines.push(l) });
 * assert(lines.some((l) => l.includes("xquad-r  (0/13 present)")));
 * assert(lines.some((l) => l.includes("missing   xquad-r/de.json")));
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function main(args: string[], io: DownloadTaskIO = {}): Promise<void> {
  const { values, positionals } = parseFlags(
    args,
    { data: { type: "string" }, list: { type: "boolean" } },
    USAGE,
    true,
  );
  const sources = io.sources ?? SOURCES;
  const print = io.print ?? ((line: string) => console.log(line));
  const log = io.log ?? ((line: string) => console.error(line));
  const dataDir = resolveDataDir(values.data);
  const names = positionals.length > 0 || !values.list ? positionals : Object.keys(sources);
  if (names.length === 0) {
    throw new InputError(`name at least one dataset (--list shows them)\n\n${USAGE}`);
  }
  const datasets = names.map((n) => getSource(n, sources));
  if (values.list) return await list(datasets, dataDir, print);
  const failed: string[] = [];
  for (const ds of datasets) {
    log(`== ${ds.name}: ${ds.description} (${ds.license})`);
    try {
      const outcomes = await downloadDataset(ds, dataDir, { ...io, log });
      const fetched = outcomes.filter((o) => o.action === "downloaded").length;
      log(`== ${ds.name}: ${fetched} downloaded, ${outcomes.length - fetched} already present`);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      log(`error: ${err.message}`);
      failed.push(`${ds.name}: ${err.message}`);
    }
  }
  if (failed.length > 0) {
    throw new InputError(`${failed.length} dataset(s) failed:\n  ${failed.join("\n  ")}`);
  }
}

if (import.meta.main) await runMain(() => main(Deno.args));
