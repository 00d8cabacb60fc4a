/**
 * Test helpers shared by the test files.
 *
 * @module
 */

import { fromRoot } from "./root.ts";

/** True when running under CI (`CI=true`). */
export const IN_CI: boolean = (Deno.env.get("CI") ?? "").toLowerCase() === "true";

/**
 * Decides whether a test that needs an optional resource (a Debian package,
 * the shared data, a native module) runs. Locally a missing resource skips the
 * test (returns `true` for `ignore`) with a note on stderr; under CI, where the
 * setup installs everything, it does not skip, so the test fails loudly.
 *
 * @param available Whether the resource is present.
 * @param what What is missing, for the note.
 * @returns The value for `Deno.test`'s `ignore` option.
 *
 * @example
 * ```ts
 * import { skipUnless } from "./testing.ts";
 * Deno.test({ name: "x", ignore: skipUnless(true, "nothing"), fn() {} });
 * ```
 */
export function skipUnless(available: boolean, what: string): boolean {
  if (available || IN_CI) return false;
  console.error(`(skipping: ${what} is not available here)`);
  return true;
}

/** True when `path` exists (file or directory). */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A small tmpfs mounted for a full-disk test. */
export interface SmallDisk {
  /** The mount point. */
  dir: string;
  /** Unmounts it and removes the mount point. */
  unmount(): void;
}

/**
 * Mounts a real tmpfs of `size` (e.g. `"64k"`) for a full-disk test, or
 * returns `null` with a note on stderr where mounting is not allowed (not
 * root, no `mount`, a sandbox without the capability): such a test skips,
 * under CI too — a missing mount right is the machine's, not the code's.
 *
 * @example
 * ```ts
 * import { mountSmallDisk } from "./testing.ts";
 * const disk = mountSmallDisk("64k");
 * disk?.unmount();
 * ```
 */
export function mountSmallDisk(size: string): SmallDisk | null {
  const dir = Deno.makeTempDirSync({ prefix: "xlir-disk-" });
  let ok = false;
  try {
    ok = new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    ok = false;
  }
  if (!ok) {
    Deno.removeSync(dir, { recursive: true });
    console.error("(skipping: cannot mount a tmpfs here, the full-disk test needs one)");
    return null;
  }
  return {
    dir,
    unmount() {
      new Deno.Command("umount", { args: ["-l", dir], stdout: "null", stderr: "null" })
        .outputSync();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

/** Names of the entries of `dir`, sorted (`[]` when it does not exist). */
export function listDir(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** Every file under `dir` with its text, by relative path (for before/after comparisons). */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of Deno.readDirSync(d)) {
      const p = `${d}/${e.name}`;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) walk(p, r);
      else out[r] = Deno.readTextFileSync(p);
    }
  };
  try {
    walk(dir, "");
  } catch {
    return {};
  }
  return out;
}

/**
 * Runs `code` (a module's source) in a child `deno` process with `env` added
 * to this process's environment (and in `cwd`, default this process's; the
 * checkout's `deno.json` either way), and returns what it printed. For a test of
 * what an environment variable does: `deno test --parallel` runs test modules
 * as isolates of one process, which share its environment, so a test that set
 * a variable (or the working directory) in-process would change it for
 * every test running beside it. (A variable set to `""` reads as unset in
 * this package.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runWithEnv } from "./testing.ts";
 * const out = await runWithEnv('console.log(Deno.env.get("XLIR_DEMO"));', { XLIR_DEMO: "7" });
 * assert.equal(out.trim(), "7");
 * assert.equal(Deno.env.get("XLIR_DEMO"), undefined);
 * ```
 */
export async function runWithEnv(
  code: string,
  env: Record<string, string>,
  cwd?: string,
): Promise<string> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", "--config", fromRoot("deno.json"), code],
    env,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  if (!r.success) throw new Error(`child failed (${r.code}): ${dec.decode(r.stderr)}`);
  return dec.decode(r.stdout);
}
