/**
 * gettext's `Plural-Forms` header (`nplurals=3; plural=n%10==1 && n%100!=11 ?
 * 0 : …;`): the number of plural forms and the C expression that picks the
 * form for a count `n`, parsed into a function.
 *
 * The grammar is the C subset gettext's own `plural.y` accepts: the variable
 * `n`, non-negative integer literals, parentheses, unary `!`, `* / %`, `+ -`,
 * `< > <= >=`, `== !=`, `&&`, `||` and the right-associative `?:`, with C's
 * precedence. Comparisons and logical operators give 0 or 1; `/` and `%`
 * truncate like unsigned C integer division.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";

/** A parsed `Plural-Forms` header. */
export interface PluralForms {
  /** Number of plural forms (`nplurals`). */
  nplurals: number;
  /** The form index for a count (clamped to `[0, nplurals)`). */
  formFor(n: number): number;
}

type Node = (n: number) => number;

const TOKEN = /\s*(n|\d+|&&|\|\||==|!=|<=|>=|[-+*/%<>!?:()])/y;

/** Recursive-descent parser over the tokens of one expression. */
class _Parser {
  #tokens: string[] = [];
  #at = 0;

  constructor(readonly text: string, readonly where: string) {
    TOKEN.lastIndex = 0;
    let rest = text;
    while (rest.trim() !== "") {
      TOKEN.lastIndex = 0;
      const m = TOKEN.exec(rest);
      if (!m) this.#fail(`unexpected "${rest.trim().slice(0, 10)}"`);
      this.#tokens.push(m[1]);
      rest = rest.slice(m[0].length);
    }
  }

  #fail(what: string): never {
    throw new InputError(`Cannot read ${this.where}: plural expression "${this.text}": ${what}`);
  }

  #peek(): string | undefined {
    return this.#tokens[this.#at];
  }

  #take(expected?: string): string {
    const t = this.#tokens[this.#at++];
    if (t === undefined) this.#fail("ends early");
    if (expected !== undefined && t !== expected) this.#fail(`expected "${expected}", got "${t}"`);
    return t;
  }

  parse(): Node {
    const node = this.#ternary();
    if (this.#at !== this.#tokens.length) this.#fail(`unexpected "${this.#peek()}"`);
    return node;
  }

  #ternary(): Node {
    const cond = this.#binary(0);
    if (this.#peek() !== "?") return cond;
    this.#take("?");
    const yes = this.#ternary();
    this.#take(":");
    const no = this.#ternary();
    return (n) => cond(n) !== 0 ? yes(n) : no(n);
  }

  static readonly LEVELS: readonly (readonly string[])[] = [
    ["||"],
    ["&&"],
    ["==", "!="],
    ["<", ">", "<=", ">="],
    ["+", "-"],
    ["*", "/", "%"],
  ];

  #binary(level: number): Node {
    if (level === _Parser.LEVELS.length) return this.#unary();
    let left = this.#binary(level + 1);
    while (_Parser.LEVELS[level].includes(this.#peek() ?? "")) {
      const op = this.#take();
      const right = this.#binary(level + 1);
      left = _operator(op, left, right);
    }
    return left;
  }

  #unary(): Node {
    const t = this.#take();
    if (t === "!") {
      const inner = this.#unary();
      return (n) => inner(n) === 0 ? 1 : 0;
    }
    if (t === "(") {
      const inner = this.#ternary();
      this.#take(")");
      return inner;
    }
    if (t === "n") return (n) => n;
    if (/^\d+$/.test(t)) {
      const v = Number(t);
      return () => v;
    }
    this.#fail(`unexpected "${t}"`);
  }
}

function _operator(op: string, a: Node, b: Node): Node {
  const bool = (v: boolean) => v ? 1 : 0;
  switch (op) {
    case "||":
      return (n) => bool(a(n) !== 0 || b(n) !== 0);
    case "&&":
      return (n) => bool(a(n) !== 0 && b(n) !== 0);
    case "==":
      return (n) => bool(a(n) === b(n));
    case "!=":
      return (n) => bool(a(n) !== b(n));
    case "<":
      return (n) => bool(a(n) < b(n));
    case ">":
      return (n) => bool(a(n) > b(n));
    case "<=":
      return (n) => bool(a(n) <= b(n));
    case ">=":
      return (n) => bool(a(n) >= b(n));
    case "+":
      return (n) => a(n) + b(n);
    case "-":
      return (n) => a(n) - b(n);
    case "*":
      return (n) => a(n) * b(n);
    case "/":
      return (n) => b(n) === 0 ? 0 : Math.trunc(a(n) / b(n));
    default:
      return (n) => b(n) === 0 ? 0 : a(n) % b(n);
  }
}

/**
 * Parses a `Plural-Forms` header value. A missing header means gettext's
 * default, English's `nplurals=2; plural=n != 1`.
 *
 * @param header The header value, e.g. `"nplurals=2; plural=(n != 1);"`.
 * @param where The catalog, named in errors.
 * @returns The form count and the form function.
 * @throws {InputError} On a header without `nplurals`/`plural` or an
 * expression outside the grammar.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePluralForms } from "./plural_forms.ts";
 * const ru = parsePluralForms(
 *   "nplurals=3; plural=n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2;",
 * );
 * assert.deepEqual([1, 2, 5, 11, 21, 22].map((n) => ru.formFor(n)), [0, 1, 2, 2, 0, 1]);
 * ```
 */
export function parsePluralForms(header: string | undefined, where = "catalog"): PluralForms {
  const text = header ?? "nplurals=2; plural=n != 1;";
  const nplurals = /nplurals\s*=\s*(\d+)/.exec(text);
  const plural = /plural\s*=\s*([^;]+)/.exec(text.replace(/nplurals\s*=\s*\d+/, ""));
  if (!nplurals || !plural) {
    throw new InputError(
      `Cannot read ${where}: Plural-Forms "${text}" lacks nplurals= or plural=, expected e.g. "nplurals=2; plural=n != 1;"`,
    );
  }
  const count = Number(nplurals[1]);
  if (count < 1) {
    throw new InputError(`Cannot read ${where}: Plural-Forms has nplurals=${count}, expected >= 1`);
  }
  const node = new _Parser(plural[1].trim(), where).parse();
  return {
    nplurals: count,
    formFor: (n) => Math.min(Math.max(node(n), 0), count - 1),
  };
}
