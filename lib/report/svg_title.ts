/**
 * A figure's title as its SVG carries it (`<title>`), read without rendering
 * anything (no native module), for the notebook outputs and the HTML check.
 *
 * @module
 */

/**
 * The text of an SVG's first `<title>` element (entities decoded), or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { svgTitle } from "./svg_title.ts";
 * assert.equal(svgTitle("<svg><title>mAP &amp; bias</title></svg>"), "mAP & bias");
 * assert.equal(svgTitle("<svg/>"), null);
 * ```
 */
export function svgTitle(svg: string): string | null {
  const m = /<title>([^<]*)<\/title>/.exec(svg);
  if (!m) return null;
  return m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
