/**
 * A progress line on stderr: `label  done/total  rate/s  ETA  extra`.
 * Redrawn in place on a terminal; on a pipe (CI, notebooks) it prints a line
 * at most every few seconds and at the end, so logs stay short. When
 * `XLIR_PROGRESS_FILE` is set (the notebook runner sets it: Deno's kernel
 * sends a cell's output only when the cell ends) lines are appended to that
 * file instead, which the runner echoes as they come.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * Writes one progress line: to `XLIR_PROGRESS_FILE` when set, else stderr.
 *
 * @example
 * ```ts
 * import { progressLine } from "./progress.ts";
 * progressLine("step 1 of 3");
 * ```
 */
export function progressLine(text: string): void {
  const line = encoder.encode(text.endsWith("\n") ? text : text + "\n");
  const file = Deno.env.get("XLIR_PROGRESS_FILE");
  if (file) Deno.writeFileSync(file, line, { append: true });
  else Deno.stderr.writeSync(line);
}

/** Options for {@linkcode Progress}. */
export interface ProgressOptions {
  /** What is counted, e.g. `"pairs"`. Default `"items"`. */
  unit?: string;
  /** Seconds between lines when stderr is not a terminal. Default 5. */
  pipeIntervalS?: number;
  /** Write nothing (tests). Default: `XLIR_QUIET=1`. */
  quiet?: boolean;
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * A progress bar for a loop of known length.
 *
 * @example
 * ```ts
 * import { Progress } from "./progress.ts";
 * const bar = new Progress("encode", 3, { quiet: true });
 * for (let i = 0; i < 3; i++) bar.tick(1);
 * bar.done();
 * ```
 */
export class Progress {
  #label: string;
  #total: number;
  #count = 0;
  #start = performance.now();
  #last = 0;
  #unit: string;
  #tty: boolean;
  #interval: number;
  #quiet: boolean;
  #encoder = new TextEncoder();

  /**
   * @param label Shown first on the line.
   * @param total Number of items expected.
   * @param options See {@linkcode ProgressOptions}.
   */
  constructor(label: string, total: number, options: ProgressOptions = {}) {
    this.#label = label;
    this.#total = total;
    this.#unit = options.unit ?? "items";
    this.#interval = (options.pipeIntervalS ?? 5) * 1000;
    this.#quiet = options.quiet ?? Deno.env.get("XLIR_QUIET") === "1";
    this.#tty = !this.#quiet && !Deno.env.get("XLIR_PROGRESS_FILE") && Deno.stderr.isTerminal();
  }

  /** Items counted so far. */
  get count(): number {
    return this.#count;
  }

  /**
   * Counts `n` more items and redraws when due.
   *
   * @param n Items just finished.
   * @param extra Text appended to the line (e.g. `loss 1.234`).
   */
  tick(n = 1, extra = ""): void {
    this.#count += n;
    if (this.#quiet) return;
    const now = performance.now();
    const due = this.#tty ? now - this.#last > 100 : now - this.#last > this.#interval;
    if (due || this.#count >= this.#total) {
      this.#last = now;
      this.#write(extra, false);
    }
  }

  /** Prints the final line. */
  done(extra = ""): void {
    if (!this.#quiet) this.#write(extra, true);
  }

  #write(extra: string, final: boolean): void {
    const elapsed = (performance.now() - this.#start) / 1000;
    const rate = elapsed > 0 ? this.#count / elapsed : 0;
    const eta = rate > 0 ? (this.#total - this.#count) / rate : Infinity;
    const pct = this.#total > 0 ? Math.min(100, (100 * this.#count) / this.#total) : 100;
    const width = 20;
    const filled = Math.round((pct / 100) * width);
    const bar = "#".repeat(filled) + ".".repeat(width - filled);
    const line = `${this.#label} [${bar}] ${this.#count}/${this.#total} ${
      rate.toFixed(rate < 10 ? 2 : 0)
    } ${this.#unit}/s ${final ? `in ${fmtSeconds(elapsed)}` : `ETA ${fmtSeconds(eta)}`}${
      extra ? "  " + extra : ""
    }`;
    if (this.#tty) {
      Deno.stderr.writeSync(this.#encoder.encode(`\r\x1b[2K${line}${final ? "\n" : ""}`));
    } else progressLine(line);
  }
}
