/**
 * Reading JSON objects from files with errors that name the file.
 *
 * @module
 */

import { InputError } from "./errors.ts";

/**
 * Reads a file holding one JSON object.
 *
 * @param path The file.
 * @param what What the file is, for the error message (e.g. `"model config"`).
 * @returns The object.
 * @throws {InputError} naming the file when it cannot be read, is not valid
 *   JSON, or holds something other than an object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJsonObject } from "./json.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.json`, '{"x": 1}');
 * assert((await readJsonObject(`${dir}/a.json`, "test file")).x === 1);
 * ```
 */
export async function readJsonObject(path: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new InputError(`Cannot read ${what}: ${path} (${(err as Error).message})`, {
      cause: err,
    });
  }
  return checkObject(parseJson(text, path), path);
}

/**
 * The JSON value a file holds, or `undefined` when the file does not exist.
 *
 * @param path The file.
 * @param what What the file is, for the error message.
 * @throws {InputError} naming the file when it cannot be read or is not valid JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readOptionalJson } from "./json.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.json`, "[1, 2]");
 * assert.deepEqual(await readOptionalJson(`${dir}/a.json`, "test file"), [1, 2]);
 * assert.equal(await readOptionalJson(`${dir}/b.json`, "test file"), undefined);
 * ```
 */
export async function readOptionalJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw new InputError(`Cannot read ${what}: ${path} (${(err as Error).message})`, {
      cause: err,
    });
  }
  return parseJson(text, path);
}

/**
 * {@linkcode readJsonObject}, or `undefined` when the file does not exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readOptionalJsonObject } from "./json.ts";
 * assert(await readOptionalJsonObject("/nonexistent/a.json", "test file") === undefined);
 * ```
 */
export async function readOptionalJsonObject(
  path: string,
  what: string,
): Promise<Record<string, unknown> | undefined> {
  const value = await readOptionalJson(path, what);
  return value === undefined ? undefined : checkObject(value, path);
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

function checkObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(`${path} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}
