/**
 * Number formatting exactly as C `printf("%.Nf")` (glibc): the exact binary
 * value rounded to N decimals, exact ties to even (JavaScript's `toFixed`
 * rounds exact ties up: `(0.03125).toFixed(4)` is `"0.0313"`, C prints
 * `0.0312`), the sign kept on negative values that round to zero, and NaN as
 * `-nan` (what trec_eval prints on x86-64, where 0/0 sets the sign bit).
 *
 * @module
 */

/**
 * Formats `x` with `digits` decimals as C `printf("%.*f", digits, x)` does.
 *
 * @param x The value.
 * @param digits Decimals (0–20).
 * @returns The text, e.g. `"0.0312"` for 0.03125 and 4 decimals.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFixed } from "./_format.ts";
 * assert(formatFixed(0.03125, 4) === "0.0312");
 * assert(formatFixed(0.09375, 4) === "0.0938");
 * assert(formatFixed(-412.66666, 4) === "-412.6667");
 * ```
 */
export function formatFixed(x: number, digits: number): string {
  // trec_eval's NaNs come from arithmetic (0/0), which on x86-64 yields the
  // default NaN with its sign bit set: glibc prints "-nan". JavaScript does
  // not keep NaN signs reliably, so every NaN prints that way.
  if (Number.isNaN(x)) return "-nan";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const a = Math.abs(x);
  if (a === Infinity) return `${sign}inf`;
  if (a >= 1e21) {
    // toFixed switches to exponent form here; such a double is an integer.
    return `${sign}${BigInt(a)}${digits > 0 ? "." + "0".repeat(digits) : ""}`;
  }
  let s = a.toFixed(digits);
  // An exact tie (a = (n + 1/2) / 10^digits) is rounded up by toFixed; C
  // rounds it to even. Ties are rare, so test cheaply before the exact check.
  const scaled = a * 10 ** digits * 2;
  if (Number.isInteger(scaled) && scaled % 2 === 1 && isExactTie(a, digits)) {
    const last = s.charCodeAt(s.length - 1) - 48;
    if (last % 2 === 1) s = decrementLastDigit(s, digits);
  }
  return sign + s;
}

/** True when the exact decimal expansion of `a` is `d.ddd5` (digits + 1 decimals, last 5). */
function isExactTie(a: number, digits: number): boolean {
  const full = a.toFixed(100);
  const dot = full.indexOf(".");
  const rest = full.slice(dot + 1 + digits);
  return rest.charCodeAt(0) === 53 && /^5[0]*$/.test(rest);
}

/** Subtracts one unit in the last place of a non-negative fixed-point string. */
function decrementLastDigit(s: string, digits: number): string {
  const n = BigInt(s.replace(".", "")) - 1n;
  let t = n.toString().padStart(digits + 1, "0");
  if (digits > 0) t = `${t.slice(0, t.length - digits)}.${t.slice(t.length - digits)}`;
  return t;
}

/**
 * One line of trec_eval output: `%-22s\t%s\t%s`.
 *
 * @param name Measure value name, e.g. `"P_5"`.
 * @param qid Query id or `"all"`.
 * @param value The formatted value.
 * @returns The line, without newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trecLine } from "./_format.ts";
 * assert(trecLine("map", "all", "0.1785") === "map                   \tall\t0.1785");
 * ```
 */
export function trecLine(name: string, qid: string, value: string): string {
  return `${name.padEnd(22)}\t${qid}\t${value}`;
}
