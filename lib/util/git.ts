/**
 * The git revision of the working tree, recorded with every result.
 *
 * @module
 */

import { fileURLToPath as fromFileUrl } from "node:url";

let cached: string | undefined;

/**
 * Returns `git rev-parse HEAD` of the xlir checkout, with `-dirty` appended
 * when tracked files differ from HEAD; `"unknown"` outside a git checkout.
 *
 * @example
 * ```ts
 * import { gitRevision } from "./git.ts";
 * const rev = await gitRevision();
 * console.assert(typeof rev === "string");
 * ```
 */
export async function gitRevision(): Promise<string> {
  if (cached !== undefined) return cached;
  const cwd = fromFileUrl(new URL("../..", import.meta.url));
  try {
    const head = await new Deno.Command("git", { args: ["rev-parse", "HEAD"], cwd, stderr: "null" })
      .output();
    if (!head.success) return (cached = "unknown");
    const rev = new TextDecoder().decode(head.stdout).trim();
    const status = await new Deno.Command("git", {
      args: ["status", "--porcelain", "--untracked-files=no"],
      cwd,
      stderr: "null",
    }).output();
    const dirty = new TextDecoder().decode(status.stdout).trim().length > 0;
    return (cached = dirty ? `${rev}-dirty` : rev);
  } catch {
    return (cached = "unknown");
  }
}
