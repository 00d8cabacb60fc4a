/**
 * A figure as a grid of panels under a title: each panel is an Observable
 * Plot SVG with scales of its own, placed with the figure's title (drawn, and
 * as the SVG's `<title>`), subtitle, legend, row and panel headers and caption
 * in one standalone SVG. Every line of text is measured
 * ({@linkcode textWidth}) and wrapped to the figure's width, so nothing is
 * clipped whatever the number of panels.
 *
 * @module
 */

import { FONT_FAMILY } from "./render.ts";
import { textWidth, wrapText } from "./text_width.ts";

/** One panel: a standalone SVG of known size, with optional header lines. */
export interface Panel {
  svg: string;
  width: number;
  height: number;
  /** Shown above the panel (e.g. the setting). */
  title?: string;
  /** A smaller grey line under the title (e.g. references off the panel's scale). */
  note?: string;
}

/** How a legend entry is drawn. */
export type LegendMark = "dot" | "diamond" | "line" | "dashed" | "dotted" | "band" | "interval";

/** One legend entry. */
export interface LegendItem {
  label: string;
  mark: LegendMark;
  color: string;
}

/** A figure: title, optional subtitle and legend, rows of panels, optional caption. */
export interface FigureSpec {
  title: string;
  subtitle?: string;
  legend?: readonly LegendItem[];
  rows: readonly { label?: string; panels: readonly Panel[] }[];
  caption?: string;
}

/** Sizes and spacing of every figure's frame (the panels bring their own). */
export const LAYOUT_DEFAULTS = {
  /** Space around the figure, px. */
  padding: 14,
  /** Space between panels and between rows, px. */
  gap: 14,
  titleSize: 15,
  textSize: 11,
  rowLabelSize: 12,
  /** Line height as a multiple of the font size. */
  lineHeight: 1.35,
  /** The narrowest figure, px (the title and legend wrap to it). */
  minWidth: 420,
  muted: "#555",
};

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Text lines starting at `y` (the top of the first line); returns the SVG and the height used. */
function _lines(
  lines: readonly string[],
  x: number,
  y: number,
  size: number,
  attrs = "",
): [string, number] {
  const lh = size * LAYOUT_DEFAULTS.lineHeight;
  const svg = lines.map((l, i) =>
    `<text x="${x}" y="${r1(y + size + i * lh)}" font-size="${size}"${attrs}>${esc(l)}</text>`
  ).join("");
  return [svg, lines.length ? size * 0.25 + lines.length * lh : 0];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

function _swatch(item: LegendItem, x: number, y: number): string {
  const c = item.color, mid = r1(y);
  switch (item.mark) {
    case "dot":
      return `<circle cx="${x + 9}" cy="${mid}" r="4" fill="${c}"/>`;
    case "diamond":
      return `<path d="M${x + 9},${
        mid - 5
      }l5,5l-5,5l-5,-5z" fill="white" stroke="${c}" stroke-width="1.5"/>`;
    case "band":
      return `<rect x="${x}" y="${mid - 6}" width="18" height="12" fill="${c}"/>`;
    case "interval":
      return `<path d="M${x + 2},${mid}h14M${x + 2},${mid - 4}v8M${x + 16},${
        mid - 4
      }v8" stroke="${c}" stroke-width="1.5" fill="none"/><circle cx="${
        x + 9
      }" cy="${mid}" r="3" fill="${c}"/>`;
    default: {
      const dash = item.mark === "dashed"
        ? ` stroke-dasharray="5,3"`
        : item.mark === "dotted"
        ? ` stroke-dasharray="1.5,2.5"`
        : "";
      return `<path d="M${x},${mid}h18" stroke="${c}" stroke-width="1.5"${dash}/>`;
    }
  }
}

/** The legend's entries in lines that fit `width`; returns the SVG and the height used. */
function _legend(items: readonly LegendItem[], x0: number, y0: number, width: number) {
  const size = LAYOUT_DEFAULTS.textSize, lh = 18;
  const parts: string[] = [];
  let x = x0, y = y0 + lh / 2;
  for (const item of items) {
    const w = 24 + textWidth(item.label, size) + 16;
    if (x > x0 && x + w > x0 + width) [x, y] = [x0, y + lh];
    parts.push(
      _swatch(item, x, y),
      `<text x="${r1(x + 24)}" y="${r1(y + size * 0.36)}" font-size="${size}">${
        esc(item.label)
      }</text>`,
    );
    x += w;
  }
  return [parts.join(""), items.length ? y - y0 + lh / 2 + 4 : 0] as const;
}

/**
 * Lays a figure out as one standalone SVG (with `xmlns`, `<title>` and a
 * white background), its size that of its content.
 *
 * @param spec Title, subtitle, legend, rows of panels, caption.
 * @returns The SVG, and its width and height in px.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as Plot from "@observablehq/plot";
 * import { composeFigure } from "./figure_layout.ts";
 * import { renderSvg } from "./render.ts";
 * const svg = renderSvg({ width: 200, height: 120, marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });
 * const fig = composeFigure({ title: "One dot", rows: [{ panels: [{ svg, width: 200, height: 120, title: "a" }] }] });
 * assert.ok(fig.svg.includes("<title>One dot</title>") && fig.svg.includes(">One dot</text>"));
 * assert.equal(fig.width, 420); // the minimum width
 * ```
 */
export function composeFigure(spec: FigureSpec): { svg: string; width: number; height: number } {
  const L = LAYOUT_DEFAULTS;
  const rowWidths = spec.rows.map((r) =>
    r.panels.reduce((t, p) => t + p.width, 0) + L.gap * Math.max(0, r.panels.length - 1)
  );
  const width = Math.ceil(Math.max(L.minWidth, ...rowWidths.map((w) => w + 2 * L.padding)));
  const inner = width - 2 * L.padding;
  const parts: string[] = [];
  let y = L.padding;
  const add = ([svg, h]: readonly [string, number], after = 0) => {
    parts.push(svg);
    y += h + (h > 0 ? after : 0);
  };
  add(
    _lines(
      wrapText(spec.title, inner, L.titleSize),
      L.padding,
      y,
      L.titleSize,
      ` font-weight="bold"`,
    ),
    2,
  );
  if (spec.subtitle) {
    add(
      _lines(
        wrapText(spec.subtitle, inner, L.textSize),
        L.padding,
        y,
        L.textSize,
        ` fill="${L.muted}"`,
      ),
      4,
    );
  }
  if (spec.legend?.length) add(_legend(spec.legend, L.padding, y, inner), 4);
  for (const row of spec.rows) {
    y += 6;
    if (row.label) {
      add(
        _lines(
          wrapText(row.label, inner, L.rowLabelSize),
          L.padding,
          y,
          L.rowLabelSize,
          ` font-weight="bold"`,
        ),
      );
    }
    const headers = row.panels.map((p) => ({
      title: p.title ? wrapText(p.title, p.width, L.textSize) : [],
      note: p.note ? wrapText(p.note, p.width, L.textSize - 1) : [],
    }));
    const lh = (n: number, size: number) => (n ? size * 0.25 + n * size * L.lineHeight : 0);
    const headerHeight = Math.max(
      0,
      ...headers.map((h) => lh(h.title.length, L.textSize) + lh(h.note.length, L.textSize - 1)),
    );
    let x = L.padding;
    for (const [i, p] of row.panels.entries()) {
      const [t, th] = _lines(headers[i].title, x, y, L.textSize, ` font-weight="bold"`);
      const [n] = _lines(headers[i].note, x, y + th, L.textSize - 1, ` fill="${L.muted}"`);
      parts.push(t, n, p.svg.replace(/^<svg /, `<svg x="${r1(x)}" y="${r1(y + headerHeight)}" `));
      x += p.width + L.gap;
    }
    y += headerHeight + Math.max(0, ...row.panels.map((p) => p.height)) + L.gap - 6;
  }
  if (spec.caption) {
    add(
      _lines(
        wrapText(spec.caption, inner, L.textSize),
        L.padding,
        y,
        L.textSize,
        ` fill="${L.muted}"`,
      ),
    );
  }
  const height = Math.ceil(y + L.padding);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}" style="background: white">` +
    `<title>${esc(spec.title)}</title>` +
    (spec.subtitle ? `<desc>${esc(spec.subtitle)}</desc>` : "") +
    parts.join("") + `</svg>`;
  return { svg, width, height };
}
