/**
 * `deno task reproduce [--quick] [--experiment FILE] [--out DIR] [--only a,b] [--data DIR]`
 *
 * Executes every notebook through the real Deno Jupyter kernel (Debian's
 * jupyter-client, driven by `tasks/nbrun.py`, which keeps reading until each
 * cell's outputs are complete and fails on any error), writes the executed
 * notebooks to `OUT/notebooks/`, checks that each notebook rewrote its
 * expected artifacts, and writes `OUT/manifest.json`. Trained models,
 * embeddings and evaluations are cached by content hash (`.cache/xlir`), so a
 * rerun with nothing changed only re-executes cheap cells.
 *
 * Nothing is lost and the manifest is true at every moment:
 * - `OUT` is locked for the whole run (a second reproduce into it is refused);
 * - each notebook writes its artifacts into a staging directory of its own
 *   (`OUT/.nb-<name>.<pid>.<n>.tmp/`); only when it succeeded, and its record
 *   checks out, are its artifacts, record and executed notebook moved into
 *   `OUT` — the manifest first drops the notebook's old entries, the files
 *   are moved, then the manifest lists the new ones (so whatever moment a run
 *   is killed at, every entry the manifest lists matches the file on disk);
 * - a failed notebook changes nothing in `OUT` (its executed copy goes to
 *   `OUT/.failed/<name>.ipynb` for inspection, outside the manifest);
 * - SIGINT, SIGTERM and SIGHUP are forwarded to the runner, which kills the
 *   kernel's whole process group (escalating to SIGKILL after 15 s; the
 *   kernel dies with the runner in any case), and the run stops with exit
 *   128 + the signal's number, the notebook being executed left out.
 *
 * `--quick` is the CI configuration (configs/experiment.quick.json, into
 * `out/quick` by default); the default writes the full results into `results/`.
 * `--experiment FILE` runs the notebooks on another grid (e.g.
 * `configs/experiment.real.json`, the paper's grid on XLM-R and LaBSE folders
 * given by path), into `out/<file's name>` by default — never `results/`,
 * which holds the stand-ins' committed run. The file is loaded and its bases
 * checked (they exist and load) before any notebook starts.
 *
 * Test hook: `XLIR_REPRODUCE_NOTEBOOKS=<file.json>` (`{"dir": DIR, "notebooks":
 * [{"name", "title", "artifacts"}]}`) runs those notebooks (`DIR/<name>.ipynb`)
 * instead of `lib/report/notebooks.ts`'s, so that the tests can interrupt and
 * break small ones.
 *
 * @module
 */

import { basename, dirname, join, relative, resolve } from "node:path";
import { resolveDataDir } from "../lib/data/data_dir.ts";
import {
  defaultWorkers,
  experimentWorkers,
  loadExperiment,
  planGrid,
} from "../lib/pipeline/experiment.ts";
import { givenModel } from "../lib/pipeline/given_model.ts";
import {
  buildManifest,
  checkNotebookRecord,
  mergeManifest,
  type NotebookRecord,
} from "../lib/report/manifest.ts";
import { notebookDefaults } from "../lib/report/notebook.ts";
import { NOTEBOOKS as REAL_NOTEBOOKS, type NotebookSpec } from "../lib/report/notebooks.ts";
import { tempPath, writeJsonAtomic, writeTextFileAtomic } from "../lib/util/atomic.ts";
import { checkOutputDir } from "../lib/util/atomic_dir.ts";
import { readJsonObject, readOptionalJsonObject } from "../lib/util/json.ts";
import { parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError, OutputError, writeError } from "../lib/util/errors.ts";
import { gitRevision } from "../lib/util/git.ts";
import { sha256File } from "../lib/util/hash.ts";
import { lockOutput } from "../lib/util/lock.ts";
import { processGroupAlive } from "../lib/util/processes.ts";
import { fromRoot, ROOT } from "../lib/util/root.ts";

const USAGE =
  `Usage: deno task reproduce [--quick] [--experiment FILE] [--out DIR] [--only NAME,NAME] [--data DIR]

  --quick       the CI configuration: every notebook end to end on small settings
  --experiment  the grid the notebooks run (default: configs/experiment.json, or
                configs/experiment.quick.json with --quick), e.g. configs/experiment.real.json
  --out    output directory (default: results/, out/quick with --quick, out/NAME with
           --experiment NAME.json); locked while
           this runs; a notebook's outputs reach it only when the notebook succeeded
  --only   run only these notebooks (e.g. 00_data,01_map_table); the manifest keeps
           the other notebooks' entries
  --data   data directory (default: $XLIR_DATA or data/)`;

/** Seconds between forwarding a signal to the runner and killing it. */
const KILL_AFTER_S = 15;
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

type Manifest = Record<string, unknown>;
type ManifestEntry = { notebook?: string; name?: string; [k: string]: unknown };

/** The manifest without notebook `name`'s entries (its files are about to change). */
function dropNotebook(manifest: Manifest | undefined, name: string): Manifest | undefined {
  if (manifest === undefined) return undefined;
  const notebooks = (manifest.notebooks as ManifestEntry[] | undefined) ?? [];
  const artifacts = (manifest.artifacts as ManifestEntry[] | undefined) ?? [];
  if (!notebooks.some((n) => n.name === name) && !artifacts.some((a) => a.notebook === name)) {
    return manifest;
  }
  return {
    ...manifest,
    notebooks: notebooks.filter((n) => n.name !== name),
    artifacts: artifacts.filter((a) => a.notebook !== name),
  };
}

/**
 * The files `manifest` lists for notebook `name` that its new run (`written`)
 * did not write and no other notebook lists (`rest`: the manifest without it).
 */
function staleFiles(
  manifest: Manifest | undefined,
  rest: Manifest | undefined,
  name: string,
  written: { path: string }[],
): string[] {
  const listed = (m: Manifest | undefined) => (m?.artifacts as ManifestEntry[] | undefined) ?? [];
  const keep = new Set([...written.map((a) => a.path), ...listed(rest).map((a) => a.path)]);
  return [
    ...new Set(
      listed(manifest).filter((a) => a.notebook === name).map((a) => String(a.path)),
    ),
  ].filter((p) => !keep.has(p) && !p.split(/[\\/]/).includes(".."));
}

/** Removes `paths` (relative to `out`) and the folders they leave empty below `out`. */
async function removeStale(out: string, paths: string[]): Promise<void> {
  for (const rel of paths) {
    const file = join(out, rel);
    try {
      await Deno.remove(file);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw writeError(err, file);
      continue;
    }
    console.error(`reproduce: removed ${rel} (no longer written)`);
    for (let dir = dirname(file); dir.startsWith(out + "/"); dir = dirname(dir)) {
      try {
        await Deno.remove(dir); // only succeeds while the folder is empty
      } catch {
        break;
      }
    }
  }
}

/** Kills what is left of the kernel's process group (the runner records it). */
async function killKernelGroup(pgidFile: string): Promise<void> {
  let pgid: number;
  try {
    pgid = Number((await Deno.readTextFile(pgidFile)).trim());
  } catch {
    return;
  }
  if (!(pgid > 1)) return;
  for (let i = 0; i < 50 && processGroupAlive(pgid); i++) {
    try {
      Deno.kill(-pgid, "SIGKILL");
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Moves a staged file to its place in `out` (atomic per file). */
async function moveInto(staging: string, out: string, rel: string): Promise<void> {
  const to = join(out, rel);
  try {
    await Deno.mkdir(dirname(to), { recursive: true });
    await Deno.rename(join(staging, rel), to);
  } catch (err) {
    throw writeError(err, to);
  }
}

/**
 * The `--experiment` file, resolved, after loading it (a bad field is an
 * error naming it) and checking the bases it gives as model folders (they
 * exist and load), so that a wrong path stops the run before any notebook.
 */
async function checkedExperiment(path: string): Promise<string> {
  const file = resolve(path);
  const exp = await loadExperiment(file);
  for (const { base, model } of planGrid(exp).given) {
    await givenModel(model, `${path}: bases.${base}.model`);
  }
  return file;
}

/** The notebooks to run and where they are (the test hook, else the real ones). */
async function notebookSet(): Promise<{ dir: string; notebooks: readonly NotebookSpec[] }> {
  const hook = Deno.env.get("XLIR_REPRODUCE_NOTEBOOKS");
  if (!hook) return { dir: join(ROOT, "notebooks"), notebooks: REAL_NOTEBOOKS };
  const set = await readJsonObject(hook, "the notebook set (XLIR_REPRODUCE_NOTEBOOKS)");
  return { dir: String(set.dir), notebooks: set.notebooks as NotebookSpec[] };
}

async function main(): Promise<void> {
  const { dir: notebookDir, notebooks: NOTEBOOKS } = await notebookSet();
  const { values } = parseFlags(Deno.args, {
    quick: { type: "boolean" },
    out: { type: "string" },
    only: { type: "string" },
    data: { type: "string" },
    experiment: { type: "string" },
  }, USAGE);
  const quick = values.quick ?? false;
  const dataDir = resolveDataDir(values.data);
  const chosen = values.experiment === undefined
    ? undefined
    : await checkedExperiment(values.experiment);
  const out = resolve(
    values.out ??
      fromRoot(chosen ? join("out", basename(chosen, ".json")) : notebookDefaults(quick).out),
  );
  const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const specs = only ? NOTEBOOKS.filter((n) => only.includes(n.name)) : NOTEBOOKS;
  if (only && specs.length !== only.length) {
    throw new InputError(
      `--only: unknown notebook in ${only.join(",")}; expected ${
        NOTEBOOKS.map((n) => n.name).join(", ")
      }`,
    );
  }
  await checkOutputDir(out, "--out");
  // With --only, the manifest already there is merged into; read it first, so that a
  // malformed one stops the run before anything is written. A full run replaces it.
  const manifestPath = join(out, "manifest.json");
  const previous = only
    ? await readOptionalJsonObject(manifestPath, "the manifest")
    : await readOptionalJsonObject(manifestPath, "the manifest").catch(() => undefined);
  await using lock = await lockOutput(out, `deno task reproduce --out ${out}`);
  for (const note of lock.notes) console.error(`reproduce: ${note}`);

  const { out: _defaultOut, ...defaults } = notebookDefaults(quick);
  const nbSettings = chosen ? { ...defaults, experiment: relative(ROOT, chosen) } : defaults;
  const { experiment } = nbSettings;
  // The kernel is the real deno binary (not node_modules/.bin's Node wrapper),
  // so that it dies with the runner (PR_SET_PDEATHSIG in nbrun.py).
  const env = {
    ...Deno.env.toObject(),
    XLIR_DATA: dataDir,
    JUPYTER_PATH: join(ROOT, "notebooks"),
    PATH: `${dirname(Deno.execPath())}:${join(ROOT, "node_modules/.bin")}:${
      Deno.env.get("PATH") ?? ""
    }`,
    NO_COLOR: "1",
    // The grid's steps run in worker processes side by side (runExperiment).
    XLIR_WORKERS: String(Deno.env.get("XLIR_WORKERS") ? experimentWorkers() : defaultWorkers()),
  };
  const meta = async () => ({
    command: `deno task reproduce${quick ? " --quick" : ""}${
      chosen ? ` --experiment ${experiment}` : ""
    }`,
    experiment,
    experiment_sha256: await sha256File(join(ROOT, experiment)),
    workers: Number(env.XLIR_WORKERS),
    git_revision: await gitRevision(),
    data_dir: dataDir,
    created: new Date().toISOString(),
    seconds: (performance.now() - t0) / 1000,
  });
  const order = NOTEBOOKS.map((n) => n.name);

  let stopping: string | null = null;
  let child: Deno.ChildProcess | null = null;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const listeners = SIGNALS.map((sig) => {
    const fn = () => {
      if (stopping) return;
      stopping = sig;
      console.error(`reproduce: ${sig}: stopping the notebook runner and its kernel`);
      try {
        child?.kill(sig === "SIGINT" ? "SIGINT" : "SIGTERM");
      } catch {
        // already ended
      }
      killTimer = setTimeout(() => {
        try {
          child?.kill("SIGKILL");
        } catch {
          // already ended
        }
      }, KILL_AFTER_S * 1000);
    };
    Deno.addSignalListener(sig, fn);
    return [sig, fn] as const;
  });

  let current: Manifest | undefined = previous;
  const records: NotebookRecord[] = [];
  const executed: { name: string; path: string; sha256: string; seconds: number }[] = [];
  const t0 = performance.now();
  const stagings: string[] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      if (stopping) break;
      console.error(`reproduce: [${i + 1}/${specs.length}] ${spec.name} — ${spec.title}`);
      const staging = tempPath(join(out, `.nb-${spec.name}`));
      stagings.push(staging);
      const result = await runNotebook(
        join(notebookDir, `${spec.name}.ipynb`),
        spec,
        staging,
        out,
        nbSettings,
        env,
        (c) => (child = c),
      );
      child = null;
      if (stopping) break;
      if (!result.ok) {
        const failed = join(out, ".failed", `${spec.name}.ipynb`);
        await Deno.mkdir(dirname(failed), { recursive: true }).catch(() => {});
        await Deno.rename(join(staging, "notebooks", `${spec.name}.ipynb`), failed).catch(() => {});
        throw new InputError(
          `reproduce: ${spec.name} failed (the executed notebook is in ${failed}); ` +
            `nothing of it was written to ${out}`,
        );
      }
      const record = await checkNotebookRecord(staging, spec, result.started);
      record.config = { ...record.config, out };
      const entry = {
        name: spec.name,
        path: `notebooks/${spec.name}.ipynb`,
        sha256: await sha256File(join(staging, "notebooks", `${spec.name}.ipynb`)),
        seconds: result.seconds,
      };
      // Commit: the manifest forgets the notebook's old files, they are replaced, the
      // manifest lists the new ones.
      const without = dropNotebook(current, spec.name);
      if (without !== current) await writeJsonAtomic(manifestPath, without);
      for (const a of record.artifacts) await moveInto(staging, out, a.path);
      // Files this notebook wrote last time and no longer writes are removed, so that OUT
      // holds no table or figure that nothing regenerates (the manifest already forgot them).
      await removeStale(out, staleFiles(current, without, spec.name, record.artifacts));
      await writeJsonAtomic(join(out, "artifacts", `${spec.name}.json`), record);
      await moveInto(staging, out, entry.path);
      const nbConfig = JSON.stringify({ ...nbSettings, out }, null, 2) + "\n";
      if (
        (await Deno.readTextFile(join(out, "notebook_config.json")).catch(() => "")) !== nbConfig
      ) {
        await writeTextFileAtomic(join(out, "notebook_config.json"), nbConfig);
      }
      current = mergeManifest(without, buildManifest([record], [entry], await meta()), order);
      await writeJsonAtomic(manifestPath, current);
      await Deno.remove(staging, { recursive: true }).catch(() => {});
      records.push(record);
      executed.push(entry);
      console.error(`reproduce: ${spec.name} done in ${result.seconds.toFixed(0)}s`);
    }
    if (stopping) {
      console.error(
        `reproduce: stopped by ${stopping}; ${out} holds the ${executed.length} notebook(s) ` +
          `that finished, and its manifest lists exactly what it holds`,
      );
    } else {
      const manifest = buildManifest(records, executed, await meta());
      await writeJsonAtomic(
        manifestPath,
        only ? mergeManifest(previous, manifest, order) : manifest,
      );
      console.error(`reproduce: all ${specs.length} notebooks ran; manifest at ${manifestPath}`);
    }
  } catch (err) {
    if (err instanceof OutputError) {
      throw new OutputError(`${err.message}; the manifest lists only what is in place`, {
        cause: err,
      });
    }
    throw err;
  } finally {
    clearTimeout(killTimer);
    for (const [sig, fn] of listeners) Deno.removeSignalListener(sig, fn);
    for (const s of stagings) await Deno.remove(s, { recursive: true }).catch(() => {});
  }
  if (stopping) {
    await lock.release();
    Deno.exit(128 + SIGNAL_NUMBERS[stopping]);
  }
}

/** Runs one notebook into `staging` with the runner; the kernel's group is gone afterwards. */
async function runNotebook(
  input: string,
  spec: NotebookSpec,
  staging: string,
  out: string,
  settings: Record<string, unknown>,
  env: Record<string, string>,
  onChild: (c: Deno.ChildProcess) => void,
): Promise<{ ok: boolean; started: Date; seconds: number }> {
  const started = new Date();
  const s0 = performance.now();
  const nbConfig = join(staging, "notebook_config.json");
  const pgidFile = join(staging, "kernel.pgid");
  try {
    await Deno.mkdir(staging, { recursive: true });
    await writeJsonAtomic(nbConfig, { ...settings, out: staging });
  } catch (err) {
    throw writeError(err, staging, `${out} is unchanged`);
  }
  const staged = join(staging, "notebooks", `${spec.name}.ipynb`);
  const proc = new Deno.Command("/usr/bin/python3", {
    args: [
      join(ROOT, "tasks/nbrun.py"),
      input,
      staged,
      "--cwd",
      join(ROOT, "notebooks"),
      "--timeout",
      "3600",
      "--pgid-file",
      pgidFile,
    ],
    env: { ...env, XLIR_NB_CONFIG: nbConfig },
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  onChild(proc);
  const status = await proc.status;
  await killKernelGroup(pgidFile);
  if (status.success) {
    // The executed notebook shows the settings it ran with: name the real output directory.
    const text = await Deno.readTextFile(staged);
    if (text.includes(staging)) await Deno.writeTextFile(staged, text.replaceAll(staging, out));
  }
  return { ok: status.success, started, seconds: (performance.now() - s0) / 1000 };
}

if (import.meta.main) await runMain(main);
