/**
 * Errors for bad input. Messages name the thing (file, line or JSON path) and
 * what was expected, e.g.
 * `Cannot read qrels: line 12 of qrels.tsv has 3 fields, expected 4`.
 *
 * @module
 */

/** Bad input: a malformed file, a missing field, an unknown language code. */
export class InputError extends Error {
  /**
   * @param message What is wrong, naming the file/field and what was expected.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InputError";
  }
}

/**
 * Returns `value` when it is not `undefined`/`null`, else throws an
 * {@linkcode InputError} naming `where`.
 *
 * @example
 * ```ts
 * import { required } from "./errors.ts";
 * const id: string = required({ id: "x" }.id, "en.json: data[0].paragraphs[0].qas[0].id");
 * ```
 */
export function required<T>(value: T | undefined | null, where: string, expected = "a value"): T {
  if (value === undefined || value === null) {
    throw new InputError(`${where} is missing, expected ${expected}`);
  }
  return value;
}

/**
 * A result could not be written (disk full, read-only, permission denied) or
 * its output directory is busy. The message names the path and says what was
 * left as it was; tasks print it as one line, without a stack.
 */
export class OutputError extends Error {
  /**
   * @param message What could not be written, naming the path.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OutputError";
  }
}

/** What an OS error's code means, in words (`ENOSPC` → `no space left on device`). */
const OS_REASONS: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
  ENOENT: "no such file or directory",
  EEXIST: "already exists",
  ENOTEMPTY: "directory not empty",
  EIO: "input/output error",
  EMFILE: "too many open files",
  ENAMETOOLONG: "file name too long",
};

/**
 * The OS error code of `err` (`"ENOSPC"`, …), or `undefined` when it is not
 * an OS error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { osErrorCode } from "./errors.ts";
 * const err = Object.assign(new Error("x"), { code: "ENOSPC" });
 * assert.equal(osErrorCode(err), "ENOSPC");
 * assert.equal(osErrorCode(new Error("y")), undefined);
 * ```
 */
export function osErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * Turns an OS error met while writing `path` into an {@linkcode OutputError}
 * naming the path and the reason in words (`no space left on device`);
 * other errors (and errors that already explain themselves) pass unchanged.
 *
 * @param err The caught error.
 * @param path What was being written.
 * @param kept What was left as it was, appended to the message (e.g. `"out/ is unchanged"`).
 * @returns The error to throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OutputError, writeError } from "./errors.ts";
 * const e = writeError(Object.assign(new Error("os error 28"), { code: "ENOSPC" }), "out/a.tsv");
 * assert(e instanceof OutputError);
 * assert.equal(e.message, "Cannot write out/a.tsv: no space left on device (ENOSPC)");
 * ```
 */
export function writeError(err: unknown, path: string, kept?: string): Error {
  if (err instanceof OutputError || err instanceof InputError) return err;
  const code = osErrorCode(err);
  if (code === undefined) return err instanceof Error ? err : new Error(String(err));
  const reason = OS_REASONS[code] ?? (err as Error).message;
  return new OutputError(
    `Cannot write ${path}: ${reason} (${code})${kept ? `; ${kept}` : ""}`,
    { cause: err },
  );
}
