/**
 * C `strcmp` order for JavaScript strings: the order of their UTF-8 bytes,
 * which is Unicode code point order. (JavaScript's `<` compares UTF-16 code
 * units, which differs for characters above U+FFFF against U+E000–U+FFFF.)
 * It is trec_eval's order of query ids and, reversed, of tied documents; the
 * metrics and the searches both take it from here.
 *
 * @module
 */

/**
 * Compares two strings as C `strcmp` compares their UTF-8 encodings.
 *
 * @param a First string.
 * @param b Second string.
 * @returns Negative when `a` sorts first, positive when `b` does, 0 when equal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareUtf8 } from "./strcmp.ts";
 * assert(compareUtf8("AP-10", "AP-9") < 0);
 * assert(compareUtf8("\u{1F600}", "\uFFFD") > 0);
 * ```
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // A surrogate (0xD800–0xDFFF) starts a code point >= 0x10000.
        const xs = x < 0xe000;
        const ys = y < 0xe000;
        if (xs !== ys) return xs ? 1 : -1;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}
