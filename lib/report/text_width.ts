/**
 * How wide a label is drawn, so that figures leave room for it: the advance
 * widths of DejaVu Sans (the first font of every figure), read from the font's
 * `hmtx` table for printable ASCII, and conservative widths for the rest
 * (CJK and other full-width characters 1 em, everything else 0.7 em).
 *
 * @module
 */

// DejaVu Sans 2.37 (Debian's fonts-dejavu-core), advance widths of U+0020 … U+007E
// in thousandths of an em (units per em 2048), read from its hmtx table via its
// cmap (format 4). Figures are checked against the real rendering in figures_test.ts.
const ASCII = [
  318,
  401,
  460,
  838,
  636,
  950,
  780,
  275,
  390,
  390,
  500,
  838,
  318,
  361,
  318,
  337,
  636,
  636,
  636,
  636,
  636,
  636,
  636,
  636,
  636,
  636,
  337,
  337,
  838,
  838,
  838,
  531,
  1000,
  684,
  686,
  698,
  770,
  632,
  575,
  775,
  752,
  295,
  295,
  656,
  557,
  863,
  748,
  787,
  603,
  787,
  695,
  635,
  611,
  732,
  684,
  989,
  685,
  611,
  685,
  390,
  337,
  390,
  838,
  500,
  500,
  613,
  635,
  550,
  635,
  615,
  352,
  635,
  634,
  278,
  278,
  579,
  278,
  974,
  634,
  612,
  635,
  635,
  411,
  521,
  392,
  634,
  592,
  818,
  592,
  592,
  525,
  636,
  337,
  636,
  838,
];
/** Symbols the figures use, same source. */
const SYMBOLS: Record<string, number> = {
  "α": 659,
  "−": 838,
  "→": 838,
  "↑": 838,
  "↓": 838,
  "·": 318,
  "…": 1000,
  "•": 590,
  "±": 838,
  "◇": 838,
  "–": 500,
  "—": 1000,
};

/** Full-width: CJK, Hangul, kana, full-width forms. */
function _wide(code: number): boolean {
  return (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) || code >= 0x20000;
}

/**
 * The drawn width of `text` in pixels at font size `px` (DejaVu Sans metrics;
 * an upper bound for characters outside printable ASCII).
 *
 * @param text One line of text.
 * @param px The font size in pixels.
 * @returns The width in pixels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textWidth } from "./text_width.ts";
 * assert.equal(textWidth("mAP", 10), 22.61); // m 0.974 + A 0.684 + P 0.603 em
 * assert.equal(textWidth("中文", 10), 20);
 * ```
 */
export function textWidth(text: string, px: number): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 32 && code <= 126) em += ASCII[code - 32];
    else if (ch in SYMBOLS) em += SYMBOLS[ch];
    else if (code >= 0x300 && code <= 0x36f) em += 0; // combining marks
    else em += _wide(code) ? 1000 : 700;
  }
  return Math.round(em * px) / 1000;
}

/**
 * Breaks `text` into lines no wider than `width` pixels at font size `px`, at
 * spaces (a word wider than the line gets a line of its own).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wrapText } from "./text_width.ts";
 * assert.deepEqual(wrapText("one two three", 50, 10), ["one two", "three"]);
 * ```
 */
export function wrapText(text: string, width: number, px: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, px) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}
