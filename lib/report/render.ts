/**
 * Headless figures: Observable Plot rendered into a linkedom document, then
 * serialised as standalone SVG (with `xmlns`, which SVG→PNG needs) and
 * rasterised to PNG with resvg. Fonts come from the system (the setup installs
 * CJK, Devanagari and Thai fonts so labels in all 11 languages render).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { Resvg } from "@resvg/resvg-js";

/** The font stack every figure uses. */
export const FONT_FAMILY = "DejaVu Sans, WenQuanYi Micro Hei, Lohit Devanagari, Loma, sans-serif";

/** The part of a DOM element this module uses (Deno has no DOM types). */
interface SvgNode {
  tagName: string;
  outerHTML: string;
  setAttribute(name: string, value: string): void;
  querySelector(selector: string): SvgNode | null;
}

/** Options for a plot: Observable Plot's, minus `document` (supplied here). */
export type PlotOptions = Omit<Plot.PlotOptions, "document">;

/**
 * Renders Observable Plot options to a standalone SVG string (one panel:
 * titles, legends and captions are drawn by `figure_layout.ts`, not by Plot,
 * whose `<figure>` wrapper holds HTML that SVG→PNG cannot draw; only the
 * `<svg>` is kept).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { renderSvg } from "./render.ts";
 * const svg = renderSvg({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });
 * assert(svg.startsWith("<svg") && svg.includes('xmlns="http://www.w3.org/2000/svg"'));
 * ```
 */
export function renderSvg(options: PlotOptions): string {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>") as unknown as {
    document: unknown;
  };
  const style = typeof options.style === "object" ? options.style : {};
  const node = Plot.plot({
    ...options,
    style: { fontFamily: FONT_FAMILY, fontSize: "11px", background: "white", ...style },
    document: document as never,
  }) as unknown as SvgNode;
  const svg = node.tagName.toLowerCase() === "svg" ? node : node.querySelector("svg");
  if (!svg) throw new Error("Plot.plot() returned no <svg> element");
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return svg.outerHTML;
}

/**
 * Rasterises an SVG string to PNG (resvg, system fonts), at `scale` × size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { svgToPng } from "./render.ts";
 * const png = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
 * assert(png[1] === 0x50); // "PNG"
 * ```
 */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return resvg.render().asPng();
}

/**
 * Normalises an SVG for snapshot tests, as Observable Plot's own tests do:
 * numbers rounded to 2 decimals and generated ids/classes (`plot-…`)
 * renumbered in order of appearance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeSvg } from "./render.ts";
 * assert(normalizeSvg('<g class="plot-a1b2c3" x="1.23456">') === '<g class="plot-1" x="1.23">');
 * ```
 */
export function normalizeSvg(svg: string): string {
  const ids = new Map<string, string>();
  return svg
    .replace(/plot-[0-9a-f]{6}(-\d+)?/g, (m) => {
      if (!ids.has(m)) ids.set(m, `plot-${ids.size + 1}`);
      return ids.get(m)!;
    })
    .replace(/-?\d+\.\d+(e-?\d+)?/g, (m) => {
      const r = Math.round(Number(m) * 100) / 100;
      return String(Object.is(r, -0) ? 0 : r);
    });
}
