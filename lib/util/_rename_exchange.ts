/**
 * Linux `renameat2(RENAME_EXCHANGE)` through FFI: swaps two paths in one
 * atomic step, which is how a complete new directory replaces an old one
 * with no moment at which neither exists. Available on Linux with glibc and
 * `--allow-ffi`; elsewhere (and on file systems without the flag) the caller
 * falls back to two renames.
 *
 * @module
 */

const AT_FDCWD = -100;
const RENAME_EXCHANGE = 2;
const ERRNO: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  5: "EIO",
  13: "EACCES",
  16: "EBUSY",
  18: "EXDEV",
  20: "ENOTDIR",
  21: "EISDIR",
  22: "EINVAL",
  28: "ENOSPC",
  30: "EROFS",
  38: "ENOSYS",
  39: "ENOTEMPTY",
  95: "EOPNOTSUPP",
};
/** errnos meaning "not supported here": the caller falls back. */
const UNSUPPORTED = new Set(["EINVAL", "ENOSYS", "EOPNOTSUPP"]);

const SYMBOLS = {
  renameat2: { parameters: ["i32", "buffer", "i32", "buffer", "u32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

let libc: Deno.DynamicLibrary<typeof SYMBOLS> | null | undefined;

function open(): Deno.DynamicLibrary<typeof SYMBOLS> | null {
  if (libc !== undefined) return libc;
  libc = null;
  try {
    if (Deno.build.os !== "linux") return libc;
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return libc;
    libc = Deno.dlopen("libc.so.6", SYMBOLS);
  } catch {
    libc = null;
  }
  return libc;
}

const cString = (s: string) => new TextEncoder().encode(s + "\0");

/**
 * Atomically exchanges the paths `a` and `b` (both must exist).
 *
 * @returns `true` when swapped; `false` when the exchange is not available
 *   here (no FFI permission, not Linux/glibc, a file system without it).
 * @throws {Error} with the OS error's `code` (e.g. `"ENOENT"`) on other failures.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exchangePaths } from "./_rename_exchange.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a`, "A");
 * await Deno.writeTextFile(`${dir}/b`, "B");
 * if (exchangePaths(`${dir}/a`, `${dir}/b`)) assert.equal(await Deno.readTextFile(`${dir}/a`), "B");
 * ```
 */
export function exchangePaths(a: string, b: string): boolean {
  const lib = open();
  if (lib === null) return false;
  const rc = lib.symbols.renameat2(AT_FDCWD, cString(a), AT_FDCWD, cString(b), RENAME_EXCHANGE);
  if (rc === 0) return true;
  const ptr = lib.symbols.__errno_location();
  const errno = ptr === null ? 0 : new Deno.UnsafePointerView(ptr).getInt32();
  const code = ERRNO[errno] ?? `E${errno}`;
  if (UNSUPPORTED.has(code)) return false;
  throw Object.assign(new Error(`renameat2 '${a}' <-> '${b}' failed (errno ${errno})`), { code });
}
