/**
 * The checkout's root folder, computed in one place: from this module's own
 * URL (`lib/util/root.ts`, two folders down), decoded as a file path, so that
 * a checkout under a path with spaces or other escaped characters works (a
 * URL's `pathname` keeps them percent-encoded).
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The root of the checkout that holds the module at `moduleUrl`, `levels`
 * folders above the module's own folder.
 *
 * @param moduleUrl A `file:` URL (e.g. `import.meta.url`).
 * @param levels Folders between the root and the module's folder (2 for `lib/util/`).
 * @returns The absolute path, without a trailing separator.
 * @throws {TypeError} for a URL that is not a `file:` URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rootOf } from "./root.ts";
 * assert.equal(rootOf("file:///tmp/my%20checkout/lib/util/root.ts", 2), "/tmp/my checkout");
 * assert.equal(rootOf("file:///srv/x/tasks/reproduce.ts", 1), "/srv/x");
 * ```
 */
export function rootOf(moduleUrl: string | URL, levels: number): string {
  return resolve(fileURLToPath(new URL(".", moduleUrl)), ...Array(levels).fill(".."));
}

/**
 * The checkout's root folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ROOT } from "./root.ts";
 * assert(Deno.statSync(`${ROOT}/deno.json`).isFile);
 * ```
 */
export const ROOT: string = rootOf(import.meta.url, 2);

/**
 * A path in the checkout: relative paths are taken from the root, absolute
 * ones are kept.
 *
 * @param parts A path, or path segments (joined).
 * @returns The absolute path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromRoot, ROOT } from "./root.ts";
 * assert.equal(fromRoot("configs/smoke.json"), `${ROOT}/configs/smoke.json`);
 * assert.equal(fromRoot("bench", "torch_peer.py"), `${ROOT}/bench/torch_peer.py`);
 * assert.equal(fromRoot("/etc/hosts"), "/etc/hosts");
 * ```
 */
export function fromRoot(...parts: string[]): string {
  const path = join(...parts);
  return isAbsolute(path) ? path : join(ROOT, path);
}
