/**
 * What a reviewer sees of an executed notebook: its HTML as Jupyter's own
 * `jupyter nbconvert --to html` writes it, checked for every figure the
 * notebook wrote — each must be an `<img>` whose PNG is the figure's file, and
 * that figure must carry a title — and optionally opened in headless Chromium,
 * which reports whether each image decodes and can take a screenshot.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { basename, join } from "node:path";
import { svgTitle } from "./svg_title.ts";
import { sha256Hex } from "../util/hash.ts";

/** Debian's Chromium, where the setup installs it. */
export const CHROMIUM = "/usr/bin/chromium";

/** The flags that run Chromium headless on a machine without a network or GPU. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
];

/**
 * Exports an executed notebook to HTML with `jupyter nbconvert --to html`.
 *
 * @param ipynb The executed notebook.
 * @param outDir Where the HTML goes (`<name>.html`).
 * @returns The HTML file's path.
 * @throws {Error} With nbconvert's message when it fails.
 */
export async function exportHtml(ipynb: string, outDir: string): Promise<string> {
  const out = await new Deno.Command("jupyter", {
    args: ["nbconvert", "--to", "html", "--output-dir", outDir, ipynb],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `jupyter nbconvert --to html ${ipynb} failed: ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
  return join(outDir, basename(ipynb).replace(/\.ipynb$/, ".html"));
}

/**
 * The PNG images an HTML page embeds as `<img src="data:image/png;base64,…">`, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddedPngs } from "./notebook_html.ts";
 * const [png] = embeddedPngs('<p><img src="data:image/png;base64,iVBORw0K"\nclass="x"></p>');
 * assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
 * ```
 */
export function embeddedPngs(html: string): Uint8Array[] {
  return [...html.matchAll(/<img\s+src="data:image\/png;base64,([A-Za-z0-9+/=\s]+)"/g)].map(
    ([, b64]) => new Uint8Array(Buffer.from(b64.replace(/\s+/g, ""), "base64")),
  );
}

/** One figure of a notebook, as its HTML shows it. */
export interface HtmlFigure {
  name: string;
  /** The figure's title (its SVG's `<title>`), null when it has none. */
  title: string | null;
  /** Whether the HTML embeds this figure's PNG as an `<img>`. */
  inHtml: boolean;
}

/**
 * Checks the HTML of an executed notebook: every figure it wrote
 * (`figures/<name>.png` and `.svg` under `out`) must appear as an `<img>`
 * holding exactly that PNG, and have a title.
 *
 * @param html The notebook's nbconvert HTML.
 * @param out The output directory the notebook wrote into.
 * @param figures The figures' names.
 * @returns Each figure, and the problems found (none: all is well).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Buffer } from "node:buffer";
 * import { checkHtmlFigures } from "./notebook_html.ts";
 * const out = await Deno.makeTempDir();
 * await Deno.mkdir(`${out}/figures`);
 * const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
 * await Deno.writeFile(`${out}/figures/f.png`, png);
 * await Deno.writeTextFile(`${out}/figures/f.svg`, "<svg><title>mAP</title></svg>");
 * const html = `<img src="data:image/png;base64,${Buffer.from(png).toString("base64")}">`;
 * assert.deepEqual((await checkHtmlFigures(html, out, ["f"])).problems, []);
 * assert.match((await checkHtmlFigures("<p>blank</p>", out, ["f"])).problems[0], /f: not an <img>/);
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function checkHtmlFigures(
  html: string,
  out: string,
  figures: readonly string[],
): Promise<{ figures: HtmlFigure[]; problems: string[] }> {
  const shown = new Set(embeddedPngs(html).map((p) => sha256Hex(p)));
  const problems: string[] = [];
  const result: HtmlFigure[] = [];
  for (const name of figures) {
    const png = await Deno.readFile(join(out, "figures", `${name}.png`));
    const title = svgTitle(await Deno.readTextFile(join(out, "figures", `${name}.svg`)));
    const inHtml = shown.has(sha256Hex(png));
    if (!inHtml) problems.push(`${name}: not an <img> in the HTML (the figure is blank there)`);
    if (!title) problems.push(`${name}: its SVG has no <title>`);
    result.push({ name, title, inHtml });
  }
  return { figures: result, problems };
}

/** What Chromium made of a page: each image's natural size (0 × 0: it did not decode). */
export interface BrowserView {
  images: { width: number; height: number }[];
  /** The screenshot, when one was asked for. */
  screenshot?: string;
}

/**
 * Opens an HTML file in headless Chromium and reports the natural size of
 * every `<img>` once the page has loaded (a copy of the page with a small
 * script is what is opened); with `screenshot`, also writes a PNG of the top
 * of the page (`width` × `height` px).
 *
 * @throws {Error} When Chromium fails or reports nothing.
 */
export async function viewInChromium(
  htmlPath: string,
  options: { screenshot?: string; width?: number; height?: number; chromium?: string } = {},
): Promise<BrowserView> {
  const chromium = options.chromium ?? CHROMIUM;
  const profile = await Deno.makeTempDir({ prefix: "xlir-chromium-" });
  try {
    const probe = join(profile, "page.html");
    const script = `<script>addEventListener("load", () => { document.body.setAttribute(` +
      `"data-xlir-images", JSON.stringify([...document.images].map((i) => [i.naturalWidth, i.naturalHeight]))); });</script>`;
    await Deno.writeTextFile(
      probe,
      (await Deno.readTextFile(htmlPath)).replace("</body>", `${script}</body>`),
    );
    const run = (extra: string[]) =>
      new Deno.Command(chromium, {
        args: [
          ...CHROMIUM_FLAGS,
          `--user-data-dir=${join(profile, "profile")}`,
          "--virtual-time-budget=10000",
          ...extra,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const out = await run(["--dump-dom", `file://${probe}`]);
    const dom = new TextDecoder().decode(out.stdout);
    const m = /data-xlir-images="([^"]*)"/.exec(dom);
    if (!out.success || !m) {
      throw new Error(
        `${chromium} did not load ${htmlPath}: ${
          new TextDecoder().decode(out.stderr).trim().slice(-500)
        }`,
      );
    }
    const sizes = JSON.parse(m[1].replace(/&quot;/g, '"')) as [number, number][];
    const view: BrowserView = { images: sizes.map(([width, height]) => ({ width, height })) };
    if (options.screenshot) {
      const shot = await run([
        `--screenshot=${options.screenshot}`,
        `--window-size=${options.width ?? 1280},${options.height ?? 2400}`,
        `file://${htmlPath}`,
      ]);
      if (!shot.success) throw new Error(`${chromium} took no screenshot of ${htmlPath}`);
      view.screenshot = options.screenshot;
    }
    return view;
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}
