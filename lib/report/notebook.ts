/**
 * What a notebook needs besides its prose: its configuration (a JSON file
 * named by `XLIR_NB_CONFIG`, else the full run's {@linkcode notebookDefaults}
 * into a scratch directory
 * — papermill cannot inject parameters into a Deno kernel), and writers that put each table
 * (CSV + JSON + Markdown) and figure (SVG + PNG) under the output directory,
 * record it for the manifest, and return something the Deno kernel displays
 * inline.
 *
 * @module
 */

import { join, relative } from "node:path";
import { writeFileAtomic, writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import { InputError } from "../util/errors.ts";
import { gitRevision } from "../util/git.ts";
import { sha256Hex } from "../util/hash.ts";
import { readJsonObject } from "../util/json.ts";
import { fromRoot } from "../util/root.ts";
import { Buffer } from "node:buffer";
import { svgTitle } from "./svg_title.ts";
import { svgToPng } from "./render.ts";
import type { Row } from "../util/row.ts";
import { toMarkdown, writeTable } from "./tables.ts";

/** The checkout's root folder (re-exported for the notebooks). */
export { ROOT } from "../util/root.ts";

/** A notebook run's settings. */
export interface NotebookConfig {
  /** Experiment config (configs/experiment.json or configs/experiment.quick.json). */
  experiment: string;
  /** Output directory for tables, figures and artifact records. */
  out: string;
  /** The CI configuration: small settings everywhere. */
  quick: boolean;
  /** Queries timed one by one in the BEIR latency measurement. */
  beirLatencyQueries: number;
  /** First N BEIR queries (0 = all). */
  beirMaxQueries: number;
}

/**
 * The notebooks' settings, full run or `--quick` (the CI configuration): the
 * one place they are defined. `deno task reproduce` writes them (with its
 * `--out`) to the file it names in `XLIR_NB_CONFIG`; a notebook opened
 * without that variable runs with the full run's.
 *
 * @param quick The CI configuration.
 * @param out The output directory (default: `out/quick` or `results`, relative to the checkout).
 * @returns The settings (paths as given, not resolved).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebookDefaults } from "./notebook.ts";
 * assert.equal(notebookDefaults(false).experiment, "configs/experiment.json");
 * assert.deepEqual(notebookDefaults(true, "/tmp/q"), {
 *   experiment: "configs/experiment.quick.json",
 *   out: "/tmp/q",
 *   quick: true,
 *   beirLatencyQueries: 30,
 *   beirMaxQueries: 60,
 * });
 * ```
 */
export function notebookDefaults(quick: boolean, out?: string): NotebookConfig {
  return {
    experiment: quick ? "configs/experiment.quick.json" : "configs/experiment.json",
    out: out ?? (quick ? "out/quick" : "results"),
    quick,
    beirLatencyQueries: quick ? 30 : 200,
    beirMaxQueries: quick ? 60 : 0,
  };
}

/** Where a notebook opened without settings writes: a scratch directory, never `results/`. */
export const INTERACTIVE_OUT = "out/interactive";

/**
 * Reads the notebook configuration: the file `path` (default: the one
 * `XLIR_NB_CONFIG` names), the fields it leaves out taken from
 * {@linkcode notebookDefaults} of its `quick`; without a file, the full run's
 * settings writing into {@linkcode INTERACTIVE_OUT} (a notebook opened by hand
 * does not overwrite the committed `results/`; `deno task reproduce` and
 * `deno task jupyter --update-results` name `results/` in their file).
 * Relative paths are taken from the checkout root.
 *
 * @throws {InputError} naming the file when it cannot be read or a path field is not a string.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { loadNotebookConfig } from "./notebook.ts";
 * import { ROOT } from "../util/root.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(join(dir, "nb.json"), JSON.stringify({ quick: true, out: dir }));
 * const config = await loadNotebookConfig(join(dir, "nb.json"));
 * assert.equal(config.experiment, join(ROOT, "configs/experiment.quick.json"));
 * assert.equal(config.out, dir);
 * assert.equal(config.beirMaxQueries, 60);
 * assert.equal((await loadNotebookConfig(undefined)).out, join(ROOT, "out/interactive"));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadNotebookConfig(
  path: string | undefined = Deno.env.get("XLIR_NB_CONFIG"),
): Promise<NotebookConfig> {
  let config = notebookDefaults(false, INTERACTIVE_OUT);
  if (path !== undefined) {
    const raw = await readJsonObject(fromRoot(path), "the notebook config");
    config = { ...notebookDefaults(raw.quick === true), ...raw } as NotebookConfig;
    for (const k of ["experiment", "out"] as const) {
      if (typeof config[k] !== "string") throw new InputError(`${path}: "${k}" must be a string`);
    }
  }
  return { ...config, experiment: fromRoot(config.experiment), out: fromRoot(config.out) };
}

/** What the Deno Jupyter kernel displays: an object with a `Jupyter.display` method. */
export type Displayable = Record<symbol, () => Record<string, string>>;

/** A value the Deno Jupyter kernel displays as the given MIME bundle. */
export function displayable(bundle: Record<string, string>): Displayable {
  return { [Symbol.for("Jupyter.display")]: () => bundle };
}

/** Displays a bundle now (inside the Deno kernel); a no-op elsewhere. */
export function show(bundle: Record<string, string>): void {
  const jupyter =
    (Deno as unknown as { jupyter?: { display(b: unknown, o: unknown): void } }).jupyter;
  jupyter?.display(bundle, { raw: true });
}

/** One file a notebook wrote, as the manifest lists it. */
export interface ArtifactRecord {
  /** Relative to the output directory. */
  path: string;
  sha256: string;
  notebook: string;
  kind: "table" | "figure" | "data";
}

/**
 * A notebook's writer: tables and figures into the output directory, each
 * recorded; `finish()` writes the record (`artifacts/<notebook>.json`) with
 * the configuration, seeds, backend and git revision.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotebookContext, notebookDefaults } from "./notebook.ts";
 * const out = await Deno.makeTempDir();
 * const nb = await NotebookContext.open("01_map_table", notebookDefaults(true, out));
 * const rows = [{ strategy: "hybrid", map: 0.5 }, { strategy: "X-X", map: 0.25 }];
 * await nb.table("table1_map", rows);
 * await nb.finish({ seeds: [1, 2, 3], backend: "js" });
 * const record = JSON.parse(await Deno.readTextFile(`${out}/artifacts/01_map_table.json`));
 * assert.deepEqual(record.artifacts.map((a: { path: string }) => a.path), [
 *   "tables/table1_map.csv", "tables/table1_map.json", "tables/table1_map.md",
 * ]);
 * assert.deepEqual(record.seeds, [1, 2, 3]);
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export class NotebookContext {
  readonly artifacts: ArtifactRecord[] = [];
  readonly started: string = new Date().toISOString();

  private constructor(readonly name: string, readonly config: NotebookConfig) {}

  /**
   * Opens the context of notebook `name` with the configured settings
   * ({@linkcode loadNotebookConfig}), or with `config` when given.
   */
  static async open(name: string, config?: NotebookConfig): Promise<NotebookContext> {
    return new NotebookContext(name, config ?? await loadNotebookConfig());
  }

  #record(path: string, bytes: Uint8Array | string, kind: ArtifactRecord["kind"]): void {
    this.artifacts.push({
      path: relative(this.config.out, path),
      sha256: sha256Hex(bytes),
      notebook: this.name,
      kind,
    });
  }

  /** Writes `tables/<name>.{csv,json,md}` and returns the table for display. */
  async table(name: string, rows: Row[], digits = 3): Promise<Displayable> {
    const paths = await writeTable(join(this.config.out, "tables"), name, rows);
    for (const p of paths) this.#record(p, await Deno.readFile(p), "table");
    const md = toMarkdown(rows, digits);
    return displayable({ "text/markdown": md, "text/plain": md });
  }

  /**
   * Writes `figures/<name>.svg` and `.png` and returns the figure for
   * display as the PNG (what every front end shows: nbconvert's HTML drops
   * inline SVG and Jupyter hides it in an untrusted notebook), with its title
   * as the text alternative.
   */
  async figure(name: string, svg: string): Promise<Displayable> {
    const svgPath = join(this.config.out, "figures", `${name}.svg`);
    const pngPath = join(this.config.out, "figures", `${name}.png`);
    await writeTextFileAtomic(svgPath, svg);
    const png = svgToPng(svg);
    await writeFileAtomic(pngPath, png);
    this.#record(svgPath, svg, "figure");
    this.#record(pngPath, png, "figure");
    return displayable({
      "image/png": Buffer.from(png).toString("base64"),
      "text/plain": `Figure: ${svgTitle(svg) ?? name}`,
    });
  }

  /**
   * Writes a finding in words (`findings/<name>.md`) and returns it for
   * display as Markdown, under the table it describes.
   */
  async finding(name: string, text: string): Promise<Displayable> {
    const path = join(this.config.out, "findings", `${name}.md`);
    await writeTextFileAtomic(path, text + "\n");
    this.#record(path, text + "\n", "data");
    return displayable({ "text/markdown": text, "text/plain": text });
  }

  /** Writes a JSON data file (`data/<name>.json`). */
  async data(name: string, value: unknown): Promise<void> {
    const path = join(this.config.out, "data", `${name}.json`);
    const text = JSON.stringify(value, null, 2) + "\n";
    await writeTextFileAtomic(path, text);
    this.#record(path, text, "data");
  }

  /** Records files another process wrote under the output directory (e.g. `deno task beir`'s outputs). */
  async recordFiles(dir: string): Promise<void> {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.isFile) this.#record(path, await Deno.readFile(path), "data");
      else if (e.isDirectory) await this.recordFiles(path);
    }
  }

  /** Writes this notebook's artifact record for the manifest. */
  async finish(
    meta: { seeds: number[] | null; backend: string; [k: string]: unknown },
  ): Promise<void> {
    await writeJsonAtomic(join(this.config.out, "artifacts", `${this.name}.json`), {
      notebook: this.name,
      started: this.started,
      finished: new Date().toISOString(),
      config: this.config,
      git_revision: await gitRevision(),
      ...meta,
      artifacts: this.artifacts,
    });
  }
}
