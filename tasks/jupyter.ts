/**
 * `deno task jupyter [--quick] [--out DIR | --update-results] [--install-only] [-- JUPYTER ARGS]`
 *
 * Interactive notebooks. Registers the notebooks' kernel, `xlir-deno`
 * ("Deno (xlir)"), in the user's Jupyter data directory with the absolute
 * path of this checkout's Deno (so neither `deno` on `PATH` nor
 * `JUPYTER_PATH` is needed), writes the settings the kernel's notebooks run
 * with, and starts Jupyter Notebook in `notebooks/`.
 *
 * Interactive runs write into a scratch directory, `out/interactive/` (or
 * `--out`), never into the committed `results/` unless `--update-results`
 * says so. They reuse the cache `deno task reproduce` fills (`.cache/xlir`,
 * or `XLIR_CACHE`): after a reproduce, a notebook runs in seconds to a
 * minute; on a cold cache notebook 01 first trains the grid (the full grid
 * about 20 minutes on 2 cores, `--quick` about 4).
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { resolveDataDir } from "../lib/data/data_dir.ts";
import { INTERACTIVE_OUT, notebookDefaults } from "../lib/report/notebook.ts";
import { writeJsonAtomic } from "../lib/util/atomic.ts";
import { parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { fromRoot, ROOT } from "../lib/util/root.ts";

const USAGE =
  `Usage: deno task jupyter [--quick] [--out DIR | --update-results] [--install-only] [-- JUPYTER ARGS]

  --quick           the CI settings (configs/experiment.quick.json): small, minutes on a cold cache
  --out             where interactive runs write tables, figures and records (default: out/interactive)
  --update-results  write into results/ (the committed outputs) instead
  --install-only    register the kernel and write the settings, but do not start Jupyter
  --data            data directory (default: $XLIR_DATA or data/)
  after --           passed to jupyter notebook (e.g. -- --no-browser --port 8899)`;

/** The kernel spec: this checkout's Deno by absolute path, and the settings file. */
export function kernelSpec(deno: string, env: Record<string, string>): Record<string, unknown> {
  return {
    argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno (xlir)",
    language: "typescript",
    env,
  };
}

async function jupyter(args: string[], what: string): Promise<string> {
  let out;
  try {
    out = await new Deno.Command("jupyter", { args, stdout: "piped", stderr: "piped" }).output();
  } catch {
    throw new InputError(
      `${what}: jupyter is not installed (tasks/setup.sh installs Debian's jupyter-notebook)`,
    );
  }
  if (!out.success) {
    throw new InputError(`${what}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

async function main(): Promise<void> {
  const split = Deno.args.indexOf("--");
  const own = split < 0 ? Deno.args : Deno.args.slice(0, split);
  const jupyterArgs = split < 0 ? [] : Deno.args.slice(split + 1);
  const { values } = parseFlags(own, {
    quick: { type: "boolean" },
    out: { type: "string" },
    "update-results": { type: "boolean" },
    "install-only": { type: "boolean" },
    data: { type: "string" },
  }, USAGE);
  if (values.out && values["update-results"]) {
    throw new InputError(`--out and --update-results exclude each other\n\n${USAGE}`);
  }
  const quick = values.quick ?? false;
  const out = values["update-results"]
    ? fromRoot(notebookDefaults(false).out)
    : resolve(values.out ?? fromRoot(INTERACTIVE_OUT));
  // The settings live in the scratch folder even with --update-results (nothing but the
  // notebooks' outputs is written into results/).
  const config = fromRoot("out/jupyter/notebook_config.json");
  await writeJsonAtomic(config, notebookDefaults(quick, out));
  const dataDir = resolveDataDir(values.data);

  const specDir = await Deno.makeTempDir({ prefix: "xlir-kernel-" });
  const kernelDir = join(specDir, "xlir-deno");
  await Deno.mkdir(kernelDir);
  const env: Record<string, string> = { XLIR_NB_CONFIG: config, XLIR_DATA: dataDir, NO_COLOR: "1" };
  for (const k of ["XLIR_CACHE", "XLIR_BACKEND", "XLIR_THREADS", "XLIR_SEARCH_KERNEL"]) {
    const v = Deno.env.get(k);
    if (v) env[k] = v;
  }
  await Deno.writeTextFile(
    join(kernelDir, "kernel.json"),
    JSON.stringify(kernelSpec(Deno.execPath(), env), null, 2) + "\n",
  );
  await jupyter(
    ["kernelspec", "install", "--user", "--name", "xlir-deno", kernelDir],
    "registering the xlir-deno kernel",
  );
  await Deno.remove(specDir, { recursive: true });
  const where = await jupyter(["--data-dir"], "finding Jupyter's data directory");
  console.error(
    `jupyter: kernel "xlir-deno" (Deno (xlir)) registered in ${
      join(where, "kernels", "xlir-deno")
    }, running ${Deno.execPath()}`,
  );
  console.error(
    `jupyter: notebooks write into ${out} (settings ${config}: ${
      quick ? "--quick" : "the full run's"
    }${values["update-results"] ? "; --update-results: the committed results/" : ""})`,
  );
  if (values["install-only"]) return;
  console.error(
    `jupyter: starting Jupyter Notebook in ${join(ROOT, "notebooks")} (Ctrl-C twice to stop)`,
  );
  const child = new Deno.Command("jupyter", {
    // Jupyter refuses to run as root (containers, CI) unless told to.
    args: [
      "notebook",
      `--notebook-dir=${join(ROOT, "notebooks")}`,
      ...(Deno.uid() === 0 ? ["--allow-root"] : []),
      ...jupyterArgs,
    ],
    env: { PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}` },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const status = await child.status;
  if (!status.success) Deno.exit(status.code || 1);
}

if (import.meta.main) await runMain(main);
