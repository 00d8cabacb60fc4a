/**
 * Test helpers shared by the test files.
 *
 * @module
 */

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
