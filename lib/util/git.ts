/**
 * The git revision of the working tree, recorded with every result.
 *
 * @module
 */

import { ROOT } from "./root.ts";

let cached: string | undefined;

/**
 * Returns `git rev-parse HEAD` of the xlir checkout, with `-dirty` appended
 * when tracked files differ from HEAD — except under `results/`, which the
 * tasks themselves regenerate (a rerun rewrites committed results; they are
 * outputs, not code); `"unknown"` outside a git checkout.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gitRevision } from "./git.ts";
 * const rev = await gitRevision();
 * assert(typeof rev === "string");
 * ```
 */
export async function gitRevision(): Promise<string> {
  if (cached !== undefined) return cached;
  return (cached = await gitRevisionOf(ROOT));
}

/**
 * {@linkcode gitRevision} of the git checkout at `dir`, uncached.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gitRevisionOf } from "./git.ts";
 * assert(typeof await gitRevisionOf(".") === "string");
 * ```
 */
export async function gitRevisionOf(dir: string): Promise<string> {
  const git = (args: string[]) =>
    new Deno.Command("git", { args, cwd: dir, stdout: "piped", stderr: "null" }).output();
  try {
    const head = await git(["rev-parse", "HEAD"]);
    if (!head.success) return "unknown";
    const rev = new TextDecoder().decode(head.stdout).trim();
    const status = await git([
      "status",
      "--porcelain",
      "--untracked-files=no",
      "--",
      ".",
      ":(exclude)results",
    ]);
    const dirty = new TextDecoder().decode(status.stdout).trim().length > 0;
    return dirty ? `${rev}-dirty` : rev;
  } catch {
    return "unknown";
  }
}
