/**
 * Flag parsing for the `tasks/` scripts, on `node:util`'s `parseArgs`, with
 * errors that name the flag.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError, OutputError } from "./errors.ts";

/** Options of a command: `parseArgs`'s, with a usage text for errors and `--help`. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `args` against `spec`. `--help` prints `usage` and exits 0; an unknown
 * flag or a missing value throws an {@linkcode InputError} that names it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags } from "./cli.ts";
 * const { values } = parseFlags(["--out", "x"], { out: { type: "string" } }, "usage");
 * assert(values.out === "x");
 * ```
 */
export function parseFlags<T extends FlagSpec>(
  args: string[],
  spec: T,
  usage: string,
  allowPositionals = false,
) {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    Deno.exit(0);
  }
  try {
    return parseArgs({ args, options: spec, allowPositionals, strict: true });
  } catch (err) {
    throw new InputError(`${(err as Error).message}\n\n${usage}`);
  }
}

/**
 * Runs a task's `main`, printing an {@linkcode InputError} as one clear line
 * (no stack) and exiting 2, an {@linkcode OutputError} (a result that could
 * not be written, a busy output directory) likewise with exit 1; other errors
 * exit 1 with their stack.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * // A task whose main throws an InputError exits 2 with one line, no stack.
 * const cli = new URL("./cli.ts", import.meta.url).href;
 * const script = `import { runMain } from "${cli}";
 * import { InputError } from "${new URL("./errors.ts", import.meta.url).href}";
 * await runMain(() => { throw new InputError("--depth must be an integer >= 1, got 0"); });`;
 * const out = await new Deno.Command(Deno.execPath(), { args: ["eval", script], stderr: "piped" }).output();
 * assert.equal(out.code, 2);
 * assert.equal(new TextDecoder().decode(out.stderr), "error: --depth must be an integer >= 1, got 0\n");
 * ```
 */
export async function runMain(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof InputError || err instanceof OutputError) {
      console.error(`error: ${err.message}`);
      Deno.exit(err instanceof InputError ? 2 : 1);
    }
    console.error(err);
    Deno.exit(1);
  }
}

/**
 * Parses a required string flag into a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { intFlag } from "./cli.ts";
 * assert(intFlag("12", "--depth") === 12);
 * ```
 */
export function intFlag(value: string, name: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new InputError(`${name} must be an integer >= ${min}, got "${value}"`);
  }
  return n;
}
