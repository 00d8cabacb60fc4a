import assert from "node:assert/strict";
import { join } from "node:path";
import { fromRoot } from "../lib/util/root.ts";
import { skipUnless } from "../lib/util/testing.ts";
import { kernelSpec } from "./jupyter.ts";

const haveJupyter = new Deno.Command("/usr/bin/python3", {
  args: ["-c", "import jupyter_client"],
  stdout: "null",
  stderr: "null",
}).outputSync().success;

Deno.test("kernelSpec() runs Deno by the path it is given, with the settings in its environment", () => {
  const spec = kernelSpec("/abs/deno", { XLIR_NB_CONFIG: "/x/nb.json" });
  assert.deepEqual(spec.argv, ["/abs/deno", "jupyter", "--kernel", "--conn", "{connection_file}"]);
  assert.deepEqual(spec.env, { XLIR_NB_CONFIG: "/x/nb.json" });
  assert.equal(spec.display_name, "Deno (xlir)");
});

async function install(args: string[], dataDir: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    // through deno.json's task, so that its permissions are what is tested
    args: ["task", "--quiet", "jupyter", "--install-only", ...args],
    cwd: fromRoot("."),
    env: { JUPYTER_DATA_DIR: dataDir, XLIR_DATA: "/nonexistent/data" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const spec = JSON.parse(
    await Deno.readTextFile(join(dataDir, "kernels", "xlir-deno", "kernel.json")),
  );
  const config = JSON.parse(await Deno.readTextFile(spec.env.XLIR_NB_CONFIG));
  return { spec, config, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test({
  name:
    "deno task jupyter registers xlir-deno with an absolute Deno, writing to a scratch folder unless told",
  ignore: skipUnless(haveJupyter, "Debian's jupyter-client (the jupyter command)"),
  async fn() {
    const dataDir = await Deno.makeTempDir();
    const scratch = await Deno.makeTempDir();
    const a = await install(["--quick", "--out", scratch], dataDir);
    assert.ok(a.spec.argv[0].startsWith("/") && a.spec.argv[0].endsWith("/deno"), a.spec.argv[0]);
    assert.ok((await Deno.stat(a.spec.argv[0])).isFile, "the Deno binary exists");
    assert.equal(a.spec.env.XLIR_DATA, "/nonexistent/data");
    assert.equal(a.config.out, scratch);
    assert.equal(a.config.quick, true);
    assert.match(a.stderr, /registered in .*xlir-deno/);
    const b = await install([], dataDir);
    assert.equal(b.config.out, fromRoot("out/interactive"));
    assert.equal(b.config.quick, false);
    const c = await install(["--update-results"], dataDir);
    assert.equal(c.config.out, fromRoot("results"));
    const d = await install([], dataDir); // leaves the checkout's scratch settings, not results/
    // The registered kernel runs with neither deno on PATH nor JUPYTER_PATH, and sees its settings.
    const nb = join(scratch, "in.ipynb");
    await Deno.writeTextFile(
      nb,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "xlir-deno", display_name: "Deno (xlir)" } },
        cells: [{
          id: "c0",
          cell_type: "code",
          metadata: {},
          execution_count: null,
          outputs: [],
          source: 'Deno.env.get("XLIR_NB_CONFIG")',
        }],
      }),
    );
    const run = await new Deno.Command("/usr/bin/python3", {
      args: [
        fromRoot("tasks/nbrun.py"),
        nb,
        join(scratch, "out.ipynb"),
        "--quiet",
        "--timeout",
        "60",
      ],
      env: { JUPYTER_DATA_DIR: dataDir, PATH: "/usr/bin:/bin" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(run.success, new TextDecoder().decode(run.stderr));
    const executed = JSON.parse(await Deno.readTextFile(join(scratch, "out.ipynb")));
    const text = executed.cells[0].outputs[0].data["text/plain"];
    assert.ok(String(text).includes(d.spec.env.XLIR_NB_CONFIG), String(text));
    await Deno.remove(dataDir, { recursive: true });
    await Deno.remove(scratch, { recursive: true });
  },
});
