/**
 * A test hook that makes writes fail as a full disk would, where a real full
 * disk (a small tmpfs) cannot be mounted: every atomic write and directory
 * commit of this package first asks {@linkcode checkWriteFault} whether its
 * path is to fail. Off unless a test turns it on, in process with
 * {@linkcode setWriteFault} or in a subprocess with the environment variable
 * `XLIR_FAIL_WRITES=<substring>` (every write whose path contains the
 * substring fails with `ENOSPC`; a trailing `$` anchors it at the path's end,
 * so `/model$` fails the swap of `model/` but not the files written before it).
 *
 * @module
 */

const ENV = "XLIR_FAIL_WRITES";

let inProcess: string | null = null;
let fromEnv: string | null | undefined;

function envFault(): string | null {
  if (fromEnv !== undefined) return fromEnv;
  let value: string | undefined;
  try {
    if (Deno.permissions.querySync({ name: "env", variable: ENV }).state === "granted") {
      value = Deno.env.get(ENV);
    }
  } catch {
    value = undefined;
  }
  return fromEnv = value ? value : null;
}

/**
 * Makes every later write whose path contains `match` fail with `ENOSPC`
 * (`null` turns it off).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setWriteFault } from "./write_faults.ts";
 * import { writeTextFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * setWriteFault("b.txt");
 * try {
 *   await writeTextFileAtomic(`${dir}/a.txt`, "kept");
 *   await assert.rejects(() => writeTextFileAtomic(`${dir}/b.txt`, "x"), /no space left/);
 * } finally {
 *   setWriteFault(null);
 * }
 * ```
 */
export function setWriteFault(match: string | null): void {
  inProcess = match;
}

/**
 * Throws the error a full disk gives (`code: "ENOSPC"`) when writes to
 * `path` are set to fail; does nothing otherwise.
 *
 * @param path The file or directory about to be written.
 * @throws {Error} with `code` `"ENOSPC"` when a fault is set for `path`.
 *
 * @example
 * ```ts
 * import { checkWriteFault } from "./write_faults.ts";
 * checkWriteFault("/tmp/x"); // no fault set: returns
 * ```
 */
export function checkWriteFault(path: string): void {
  const match = inProcess ?? envFault();
  if (match === null) return;
  const hit = match.endsWith("$") ? path.endsWith(match.slice(0, -1)) : path.includes(match);
  if (hit) {
    throw Object.assign(
      new Error(`No space left on device (os error 28), injected by ${ENV}: write '${path}'`),
      { code: "ENOSPC" },
    );
  }
}
