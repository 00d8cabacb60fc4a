/**
 * `deno task nbhtml [--out DIR] [--html DIR] [--browser] [--screenshots]`
 *
 * Exports every executed notebook under `OUT/notebooks/` to HTML with
 * Jupyter's own `jupyter nbconvert --to html` — what a reviewer opens — and
 * checks that each figure the notebook wrote (its spec in
 * `lib/report/notebooks.ts`) is an `<img>` holding that figure's PNG, and
 * that the figure has a title. With `--browser`, the pages are opened in
 * headless Chromium, which must decode every image; `--screenshots` also
 * writes a screenshot of each page beside its HTML. Exit 1 when a figure is
 * missing.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { NOTEBOOKS } from "../lib/report/notebooks.ts";
import { checkHtmlFigures, exportHtml, viewInChromium } from "../lib/report/notebook_html.ts";
import { parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { fromRoot } from "../lib/util/root.ts";

const USAGE = `Usage: deno task nbhtml [--out DIR] [--html DIR] [--browser] [--screenshots]

  --out          what deno task reproduce wrote (default: results/): OUT/notebooks/*.ipynb, OUT/figures/
  --html         where the HTML goes (default: out/html/ in the checkout)
  --browser      open each page in headless Chromium (/usr/bin/chromium): every image must decode
  --screenshots  with --browser, a screenshot of each page beside its HTML (<name>.png)`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    out: { type: "string" },
    html: { type: "string" },
    browser: { type: "boolean" },
    screenshots: { type: "boolean" },
  }, USAGE);
  const out = resolve(values.out ?? fromRoot("results"));
  const htmlDir = resolve(values.html ?? fromRoot("out/html"));
  await Deno.mkdir(htmlDir, { recursive: true });
  const problems: string[] = [];
  let seen = 0;
  for (const spec of NOTEBOOKS) {
    const ipynb = join(out, "notebooks", `${spec.name}.ipynb`);
    try {
      await Deno.stat(ipynb);
    } catch {
      continue;
    }
    seen++;
    const figures = spec.artifacts.filter((a) => a.startsWith("figures/") && a.endsWith(".png"))
      .map((a) => a.slice("figures/".length, -".png".length));
    const html = await exportHtml(ipynb, htmlDir);
    const check = await checkHtmlFigures(await Deno.readTextFile(html), out, figures);
    problems.push(...check.problems.map((p) => `${spec.name}: ${p}`));
    let browser = "";
    if (values.browser) {
      const view = await viewInChromium(html, {
        screenshot: values.screenshots ? html.replace(/\.html$/, ".png") : undefined,
      });
      const blank = view.images.filter((i) => i.width === 0 || i.height === 0).length;
      if (view.images.length < figures.length || blank > 0) {
        problems.push(
          `${spec.name}: Chromium shows ${
            view.images.length - blank
          } decoded images of ${figures.length} figures`,
        );
      }
      browser = `; Chromium decodes ${view.images.length - blank} of ${view.images.length} images${
        view.screenshot ? ` (screenshot ${view.screenshot})` : ""
      }`;
    }
    const titles = check.figures.map((f) => `"${f.title}"`).join(", ");
    const verdict = check.problems.length
      ? `${check.problems.length} problem(s)`
      : figures.length
      ? `each an <img> with its title: ${titles}`
      : "no figures";
    console.log(`${spec.name}: ${html}; ${figures.length} figure(s), ${verdict}${browser}`);
  }
  if (seen === 0) throw new InputError(`--out ${out}: no executed notebooks in ${out}/notebooks`);
  if (problems.length) {
    throw new InputError(`nbhtml: ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  }
}

if (import.meta.main) await runMain(main);
