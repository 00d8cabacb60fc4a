import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { normalizeSvg, renderSvg, svgToPng } from "./render.ts";

Deno.test("renderSvg() returns standalone SVG that resvg rasterises", () => {
  const svg = renderSvg({
    width: 200,
    height: 100,
    marks: [Plot.barX([{ lang: "中文", v: 1 }, { lang: "हिन्दी", v: 2 }], { x: "v", y: "lang" })],
  });
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.includes("中文") && svg.includes("हिन्दी"));
  const png = svgToPng(svg, 1);
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  const view = new DataView(png.buffer, png.byteOffset);
  assert.equal(view.getUint32(16), 200); // IHDR width
});

Deno.test("normalizeSvg() makes two renders of one figure identical", () => {
  const opts = {
    width: 200,
    height: 100,
    marks: [Plot.dot([{ x: 1 / 3, y: 2 / 3 }], { x: "x", y: "y" })],
  };
  const a = normalizeSvg(renderSvg(opts));
  const b = normalizeSvg(renderSvg(opts));
  assert.equal(a, b);
  assert.ok(!/\d\.\d{3}/.test(a));
});
