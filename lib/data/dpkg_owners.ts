/**
 * Which Debian package installed a file: the provenance recorded on pairs read
 * from system catalogs. dpkg keeps one `{package}[:{arch}].list` per installed
 * package in `/var/lib/dpkg/info/`, one installed path a line; this reads the
 * lists once and answers by path.
 *
 * @module
 */

import { join } from "node:path";

/** Where dpkg keeps its per-package file lists. */
export const DPKG_INFO_DIR = "/var/lib/dpkg/info";

/**
 * Maps installed paths to the package that owns them, for the paths under
 * `prefix` (reading every list, keeping only those lines).
 *
 * @param prefix Only paths starting with this are kept (e.g. `"/usr/share/locale/"`).
 * @param infoDir dpkg's info folder (default {@linkcode DPKG_INFO_DIR}).
 * @returns Path → package name (the architecture suffix dropped); empty when
 * the folder does not exist (not a Debian system).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dpkgOwners } from "./dpkg_owners.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/sed.list`, "/usr/bin/sed\n/usr/share/locale/de/LC_MESSAGES/sed.mo\n");
 * const owners = await dpkgOwners("/usr/share/locale/", dir);
 * assert(owners.get("/usr/share/locale/de/LC_MESSAGES/sed.mo") === "sed" && owners.size === 1);
 * ```
 */
export async function dpkgOwners(
  prefix: string,
  infoDir: string = DPKG_INFO_DIR,
): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(infoDir)];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return owners;
    throw error;
  }
  const lists = entries.filter((e) => e.isFile && e.name.endsWith(".list")).map((e) => e.name)
    .sort();
  for (const name of lists) {
    const pkg = name.slice(0, -".list".length).split(":")[0];
    const text = await Deno.readTextFile(join(infoDir, name));
    if (!text.includes(prefix)) continue;
    for (const line of text.split("\n")) {
      if (line.startsWith(prefix) && !owners.has(line)) owners.set(line, pkg);
    }
  }
  return owners;
}
