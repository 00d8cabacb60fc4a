/**
 * What a notebook needs besides its prose: its configuration (a JSON file
 * named by `XLIR_NB_CONFIG`, else `configs/notebooks.json` — papermill cannot
 * inject parameters into a Deno kernel), and writers that put each table
 * (CSV + JSON + Markdown) and figure (SVG + PNG) under the output directory,
 * record it for the manifest, and return something the Deno kernel displays
 * inline.
 *
 * @module
 */

import { isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic, writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import { InputError } from "../util/errors.ts";
import { gitRevision } from "../util/git.ts";
import { sha256Hex } from "../util/hash.ts";
import { svgToPng } from "./render.ts";
import { type Row, toMarkdown, writeTable } from "./tables.ts";

/** The checkout's root folder. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

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

const DEFAULT_CONFIG = "configs/notebooks.json";

function fromRoot(path: string): string {
  return isAbsolute(path) ? path : join(ROOT, path);
}

/** Reads the notebook configuration (`XLIR_NB_CONFIG`, else `configs/notebooks.json`). */
export async function loadNotebookConfig(): Promise<NotebookConfig> {
  const path = Deno.env.get("XLIR_NB_CONFIG") ?? DEFAULT_CONFIG;
  let raw: Partial<NotebookConfig>;
  try {
    raw = JSON.parse(await Deno.readTextFile(fromRoot(path)));
  } catch (err) {
    throw new InputError(`Cannot read the notebook config ${path}: ${(err as Error).message}`);
  }
  for (const k of ["experiment", "out"] as const) {
    if (typeof raw[k] !== "string") throw new InputError(`${path}: "${k}" must be a string`);
  }
  return {
    quick: false,
    beirLatencyQueries: 200,
    beirMaxQueries: 0,
    ...raw,
    experiment: fromRoot(raw.experiment!),
    out: fromRoot(raw.out!),
  } as NotebookConfig;
}

/** A value the Deno Jupyter kernel displays as the given MIME bundle. */
export function displayable(
  bundle: Record<string, string>,
): Record<symbol, () => Record<string, string>> {
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
 * ```ts ignore
 * const nb = await NotebookContext.open("01_map_table");
 * await nb.table("table1_map", rows);
 * await nb.finish({ seeds: [1, 2, 3], backend: "js" });
 * ```
 */
export class NotebookContext {
  readonly artifacts: ArtifactRecord[] = [];
  readonly started = new Date().toISOString();

  private constructor(readonly name: string, readonly config: NotebookConfig) {}

  /** Opens the context of notebook `name` with the configured settings. */
  static async open(name: string): Promise<NotebookContext> {
    return new NotebookContext(name, await loadNotebookConfig());
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
  async table(name: string, rows: Row[], digits = 3) {
    const paths = await writeTable(join(this.config.out, "tables"), name, rows);
    for (const p of paths) this.#record(p, await Deno.readFile(p), "table");
    const md = toMarkdown(rows, digits);
    return displayable({ "text/markdown": md, "text/plain": md });
  }

  /** Writes `figures/<name>.svg` and `.png` and returns the figure for display. */
  async figure(name: string, svg: string) {
    const svgPath = join(this.config.out, "figures", `${name}.svg`);
    const pngPath = join(this.config.out, "figures", `${name}.png`);
    await writeTextFileAtomic(svgPath, svg);
    const png = svgToPng(svg);
    await writeFileAtomic(pngPath, png);
    this.#record(svgPath, svg, "figure");
    this.#record(pngPath, png, "figure");
    return displayable({ "image/svg+xml": svg, "text/plain": `figure ${name}` });
  }

  /**
   * Writes a finding in words (`findings/<name>.md`) and returns it for
   * display as Markdown, under the table it describes.
   */
  async finding(name: string, text: string) {
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
