/**
 * Test helper: runs a `tasks/` script in a subprocess from the checkout root,
 * as `deno task` would, and returns its exit code and output.
 *
 * @module
 */

import { ROOT } from "../lib/util/root.ts";

/** Exit code and decoded output of a task run. */
export interface TaskOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno run <permissions> tasks/<script> <args>` (permissions default to
 * `-A`) with `XLIR_QUIET=1` plus `env`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runTask } from "./_run_task.ts";
 * const { code, stderr } = await runTask("trec_eval.ts", ["-m", "nosuchmeasure", "qrels", "run"]);
 * assert.equal(code, 2); // an InputError: one line, no stack
 * assert.match(stderr, /^error: unknown measure "nosuchmeasure"/);
 * assert.equal((await runTask("eval.ts", ["--help"])).code, 0);
 * ```
 */
export async function runTask(
  script: string,
  args: string[],
  options: { permissions?: string[]; env?: Record<string, string> } = {},
): Promise<TaskOutput> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...(options.permissions ?? ["-A"]), `tasks/${script}`, ...args],
    cwd: ROOT,
    env: { XLIR_QUIET: "1", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}
