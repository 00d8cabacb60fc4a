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
