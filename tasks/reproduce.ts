/**
 * `deno task reproduce [--quick] [--out DIR] [--only a,b] [--data DIR]`
 *
 * Executes every notebook through the real Deno Jupyter kernel (Debian's
 * jupyter-client, driven by `tasks/nbrun.py`, which keeps reading until each
 * cell's outputs are complete and fails on any error), writes the executed
 * notebooks to `OUT/notebooks/`, checks that each notebook rewrote its
 * expected artifacts, and writes `OUT/manifest.json`. Trained models,
 * embeddings and evaluations are cached by content hash (`.cache/xlir`), so a
 * rerun with nothing changed only re-executes cheap cells.
 *
 * `--quick` is the CI configuration (configs/experiment.quick.json, into
 * `out/quick` by default); the default writes the full results into `results/`.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { resolveDataDir } from "../lib/data/data_dir.ts";
import {
  buildManifest,
  checkNotebookRecord,
  mergeManifest,
  type NotebookRecord,
} from "../lib/report/manifest.ts";
import { notebookDefaults } from "../lib/report/notebook.ts";
import { NOTEBOOKS } from "../lib/report/notebooks.ts";
import { writeJsonAtomic } from "../lib/util/atomic.ts";
import { readOptionalJsonObject } from "../lib/util/json.ts";
import { parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { gitRevision } from "../lib/util/git.ts";
import { sha256File } from "../lib/util/hash.ts";
import { fromRoot, ROOT } from "../lib/util/root.ts";

const USAGE = `Usage: deno task reproduce [--quick] [--out DIR] [--only NAME,NAME] [--data DIR]

  --quick  the CI configuration: every notebook end to end on small settings
  --out    output directory (default: results/, or out/quick with --quick)
  --only   run only these notebooks (e.g. 00_data,01_map_table); the manifest keeps
           the other notebooks' entries
  --data   data directory (default: $XLIR_DATA or data/)`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    quick: { type: "boolean" },
    out: { type: "string" },
    only: { type: "string" },
    data: { type: "string" },
  }, USAGE);
  const quick = values.quick ?? false;
  const out = resolve(values.out ?? fromRoot(notebookDefaults(quick).out));
  const dataDir = resolveDataDir(values.data);
  const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const specs = only ? NOTEBOOKS.filter((n) => only.includes(n.name)) : NOTEBOOKS;
  if (only && specs.length !== only.length) {
    throw new InputError(
      `--only: unknown notebook in ${only.join(",")}; expected ${
        NOTEBOOKS.map((n) => n.name).join(", ")
      }`,
    );
  }
  // With --only, the manifest already there is merged into; read it first, so that a
  // malformed one stops the run before anything is written.
  const manifestPath = join(out, "manifest.json");
  const previous = only ? await readOptionalJsonObject(manifestPath, "the manifest") : undefined;
  const { experiment } = notebookDefaults(quick);
  const nbConfig = join(out, "notebook_config.json");
  await writeJsonAtomic(nbConfig, notebookDefaults(quick, out));
  const env = {
    ...Deno.env.toObject(),
    XLIR_NB_CONFIG: nbConfig,
    XLIR_DATA: dataDir,
    JUPYTER_PATH: join(ROOT, "notebooks"),
    PATH: `${join(ROOT, "node_modules/.bin")}:${Deno.env.get("PATH") ?? ""}`,
    NO_COLOR: "1",
  };
  const records: NotebookRecord[] = [];
  const executed: { name: string; path: string; sha256: string; seconds: number }[] = [];
  const t0 = performance.now();
  for (const [i, spec] of specs.entries()) {
    const started = new Date();
    const s0 = performance.now();
    console.error(`reproduce: [${i + 1}/${specs.length}] ${spec.name} — ${spec.title}`);
    const outNb = join(out, "notebooks", `${spec.name}.ipynb`);
    const proc = await new Deno.Command("/usr/bin/python3", {
      args: [
        join(ROOT, "tasks/nbrun.py"),
        join(ROOT, "notebooks", `${spec.name}.ipynb`),
        outNb,
        "--timeout",
        "3600",
      ],
      env,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!proc.success) throw new InputError(`reproduce: ${spec.name} failed (see ${outNb})`);
    records.push(await checkNotebookRecord(out, spec, started));
    const seconds = (performance.now() - s0) / 1000;
    executed.push({
      name: spec.name,
      path: `notebooks/${spec.name}.ipynb`,
      sha256: await sha256File(outNb),
      seconds,
    });
    console.error(`reproduce: ${spec.name} done in ${seconds.toFixed(0)}s`);
  }
  const manifest = buildManifest(records, executed, {
    command: `deno task reproduce${quick ? " --quick" : ""}`,
    experiment,
    experiment_sha256: await sha256File(join(ROOT, experiment)),
    git_revision: await gitRevision(),
    data_dir: dataDir,
    created: new Date().toISOString(),
    seconds: (performance.now() - t0) / 1000,
  });
  await writeJsonAtomic(
    manifestPath,
    only ? mergeManifest(previous, manifest, NOTEBOOKS.map((n) => n.name)) : manifest,
  );
  console.error(
    `reproduce: all ${specs.length} notebooks ran; manifest at ${manifestPath}`,
  );
}

if (import.meta.main) await runMain(main);
