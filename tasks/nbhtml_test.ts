import assert from "node:assert/strict";
import { join } from "node:path";
import { NOTEBOOKS } from "../lib/report/notebooks.ts";
import {
  checkHtmlFigures,
  CHROMIUM,
  embeddedPngs,
  exportHtml,
  viewInChromium,
} from "../lib/report/notebook_html.ts";
import { fromRoot } from "../lib/util/root.ts";
import { exists, IN_CI, skipUnless } from "../lib/util/testing.ts";

const haveJupyter = new Deno.Command("/usr/bin/python3", {
  args: ["-c", "import jupyter_client, nbformat, nbconvert"],
  stdout: "null",
  stderr: "null",
}).outputSync().success;
const haveChromium = exists(CHROMIUM);

/** Executes `cells` with the real Deno kernel (tasks/nbrun.py), writing into `out`. */
async function execute(cells: string[], out: string): Promise<string> {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "xlir-deno", display_name: "Deno (xlir)", language: "typescript" },
    },
    cells: cells.map((source, i) => ({
      id: `c${i}`,
      cell_type: "code",
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    })),
  };
  await Deno.mkdir(join(out, "notebooks"), { recursive: true });
  const input = join(out, "in.ipynb"), executed = join(out, "notebooks", "figure.ipynb");
  await Deno.writeTextFile(input, JSON.stringify(nb));
  await Deno.writeTextFile(join(out, "nb.json"), JSON.stringify({ quick: true, out }));
  const run = await new Deno.Command("/usr/bin/python3", {
    args: [
      fromRoot("tasks/nbrun.py"),
      input,
      executed,
      "--quiet",
      "--timeout",
      "120",
      "--cwd",
      fromRoot("notebooks"),
    ],
    env: {
      JUPYTER_PATH: fromRoot("notebooks"),
      PATH: `${fromRoot("node_modules/.bin")}:${Deno.env.get("PATH")}`,
      XLIR_NB_CONFIG: join(out, "nb.json"),
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(run.success, new TextDecoder().decode(run.stderr));
  return executed;
}

Deno.test({
  name: "a notebook's figure is an <img> with a title in nbconvert's HTML, and Chromium decodes it",
  ignore: skipUnless(haveJupyter, "Debian's jupyter-client and jupyter-nbconvert"),
  async fn() {
    const out = await Deno.makeTempDir();
    const lib = (p: string) => JSON.stringify(fromRoot(p));
    const executed = await execute([
      `import { NotebookContext } from ${lib("lib/report/notebook.ts")};\n` +
      `import { latencyQualityFigure } from ${lib("lib/report/figures.ts")};\n` +
      `const nb = await NotebookContext.open("figure");`,
      `await nb.figure("beir", latencyQualityFigure([{ model: "BM25", p50_ms: 0.2, p95_ms: 0.4, ndcg_cut_10: 0.66 }]))`,
    ], out);
    const cell = JSON.parse(await Deno.readTextFile(executed)).cells[1];
    const [output] = cell.outputs;
    assert.ok("image/png" in output.data && !("image/svg+xml" in output.data), "PNG only");
    assert.equal(
      [output.data["text/plain"]].flat().join(""), // nbformat may store text as a list of lines
      "Figure: BEIR SciFact: quality and single-query latency per model",
    );
    const html = await exportHtml(executed, join(out, "html"));
    const text = await Deno.readTextFile(html);
    assert.equal(embeddedPngs(text).length, 1);
    const check = await checkHtmlFigures(text, out, ["beir"]);
    assert.deepEqual(check.problems, []);
    assert.equal(
      check.figures[0].title,
      "BEIR SciFact: quality and single-query latency per model",
    );
    if (haveChromium) {
      const view = await viewInChromium(html, {
        screenshot: join(out, "page.png"),
        width: 900,
        height: 900,
      });
      assert.equal(view.images.length, 1);
      assert.ok(
        view.images[0].width > 300 && view.images[0].height > 100,
        JSON.stringify(view.images),
      );
      const shot = await Deno.readFile(join(out, "page.png"));
      assert.deepEqual([...shot.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    } else if (IN_CI) {
      assert.fail(`${CHROMIUM} is missing (tasks/setup.sh installs Debian's chromium)`);
    } else console.error(`(skipping the browser half: ${CHROMIUM} is not installed here)`);
    await Deno.remove(out, { recursive: true });
  },
});

/** The committed executed notebooks that show figures as PNG (older ones showed SVG only). */
function committedWithPng(): string[] {
  const dir = fromRoot("results/notebooks");
  return NOTEBOOKS.map((n) => join(dir, `${n.name}.ipynb`)).filter((p) =>
    exists(p) && Deno.readTextFileSync(p).includes('"image/png"')
  );
}

const committed = committedWithPng();
const figured = NOTEBOOKS.filter((n) => n.artifacts.some((a) => a.startsWith("figures/")));

Deno.test({
  name:
    "in nbconvert's HTML of every committed executed notebook, each figure is an <img> with a title",
  ignore: skipUnless(
    committed.length > 0,
    "results/notebooks with PNG figure outputs (regenerate them with deno task reproduce)",
  ),
  async fn() {
    const out = await Deno.makeTempDir();
    for (const spec of figured) {
      const ipynb = fromRoot(`results/notebooks/${spec.name}.ipynb`);
      const html = await exportHtml(ipynb, out);
      const figures = spec.artifacts.filter((a) => a.startsWith("figures/") && a.endsWith(".png"))
        .map((a) => a.slice(8, -4));
      const check = await checkHtmlFigures(
        await Deno.readTextFile(html),
        fromRoot("results"),
        figures,
      );
      assert.deepEqual(check.problems, [], spec.name);
    }
    await Deno.remove(out, { recursive: true });
  },
});
