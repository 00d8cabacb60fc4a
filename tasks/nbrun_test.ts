import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { fromRoot } from "../lib/util/root.ts";
import { processGroupAlive } from "../lib/util/processes.ts";
import { skipUnless } from "../lib/util/testing.ts";

const RUNNER = fileURLToPath(new URL("./nbrun.py", import.meta.url));
const KERNELS = fromRoot("notebooks");
const BIN = fromRoot("node_modules/.bin");

const haveJupyter = new Deno.Command("/usr/bin/python3", {
  args: ["-c", "import jupyter_client, nbformat"],
  stdout: "null",
  stderr: "null",
}).outputSync().success;

function notebook(cells: string[]): string {
  return JSON.stringify({
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
  });
}

async function run(cells: string[]) {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/in.ipynb`, notebook(cells));
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [RUNNER, `${dir}/in.ipynb`, `${dir}/out.ipynb`, "--quiet", "--timeout", "60"],
    env: { JUPYTER_PATH: KERNELS, PATH: `${BIN}:${Deno.env.get("PATH")}` },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const nb = JSON.parse(await Deno.readTextFile(`${dir}/out.ipynb`));
  return { ok: out.success, stderr: new TextDecoder().decode(out.stderr), nb };
}

type Output = { output_type: string; text?: string | string[]; ename?: string; evalue?: string };

/** nbformat stores multi-line text as a list of lines. */
const joined = (t: string | string[] | undefined) => Array.isArray(t) ? t.join("") : t ?? "";

Deno.test({
  name: "nbrun.py keeps every output the Deno kernel sends after reporting idle",
  ignore: skipUnless(haveJupyter, "Debian's jupyter-client (python3-jupyter-client)"),
  async fn() {
    const cells = Array.from(
      { length: 25 },
      (_, i) =>
        `console.log("cell ${i}"); for (let j = 0; j < 3; j++) console.log("line", ${i}, j); ${i}`,
    );
    const { ok, nb } = await run(cells);
    assert.ok(ok);
    nb.cells.forEach((cell: { outputs: Output[] }, i: number) => {
      const text = cell.outputs.filter((o) => o.output_type === "stream").map((o) => joined(o.text))
        .join(
          "",
        );
      assert.equal(text, `cell ${i}\nline ${i} 0\nline ${i} 1\nline ${i} 2\n`, `cell ${i}`);
      assert.equal(cell.outputs.filter((o) => o.output_type === "execute_result").length, 1);
    });
  },
});

Deno.test({
  name: "nbrun.py fails on a thrown error and stops there",
  ignore: skipUnless(haveJupyter, "Debian's jupyter-client (python3-jupyter-client)"),
  async fn() {
    const { ok, nb, stderr } = await run(['console.log("a")', 'throw new Error("boom")', "1"]);
    assert.ok(!ok);
    assert.match(stderr, /cell 2 of 3 failed: Error: boom/);
    assert.equal(nb.cells[1].outputs.at(-1).output_type, "error");
    assert.equal(nb.cells[2].outputs.length, 0);
  },
});

Deno.test({
  name: "nbrun.py fails on an unhandled rejection the kernel reports as ok",
  ignore: skipUnless(haveJupyter, "Debian's jupyter-client (python3-jupyter-client)"),
  async fn() {
    const { ok, nb, stderr } = await run(['Promise.reject(new Error("unawaited")); 1', "2"]);
    assert.ok(!ok);
    assert.match(
      stderr,
      /cell 1 of 2 failed: AsyncError: Unhandled promise rejection: Error: unawaited/,
    );
    assert.equal(nb.cells[0].outputs.at(-1).ename, "AsyncError");
  },
});

/** Starts the runner on a notebook whose second cell sleeps; resolves once that cell runs. */
async function startSleeping(dir: string) {
  const mark = `${dir}/started`;
  await Deno.writeTextFile(
    `${dir}/in.ipynb`,
    notebook([
      `Deno.writeTextFileSync(${JSON.stringify(mark)}, "1")`,
      "await new Promise((r) => setTimeout(r, 120000))",
    ]),
  );
  // The real deno binary as the kernel (not the Node wrapper), as reproduce runs it.
  const realBin = Deno.execPath().replace(/\/[^/]+$/, "");
  const child = new Deno.Command("/usr/bin/python3", {
    args: [RUNNER, `${dir}/in.ipynb`, `${dir}/out.ipynb`, "--quiet", "--pgid-file", `${dir}/pgid`],
    env: { JUPYTER_PATH: KERNELS, PATH: `${realBin}:${BIN}:${Deno.env.get("PATH")}` },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  for (let i = 0; i < 600; i++) {
    try {
      Deno.statSync(mark);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { child, pgid: Number(Deno.readTextFileSync(`${dir}/pgid`).trim()) };
}

async function gone(pgid: number): Promise<boolean> {
  for (let i = 0; i < 100 && processGroupAlive(pgid); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return !processGroupAlive(pgid);
}

Deno.test({
  name: "nbrun.py on SIGTERM kills the kernel's process group and exits 143",
  ignore: skipUnless(haveJupyter, "Debian's jupyter-client (python3-jupyter-client)"),
  async fn() {
    const dir = await Deno.makeTempDir();
    const { child, pgid } = await startSleeping(dir);
    assert.ok(processGroupAlive(pgid));
    child.kill("SIGTERM");
    const status = await child.status;
    const stderr = await new Response(child.stderr).text();
    assert.equal(status.code, 143, stderr);
    assert.match(stderr, /interrupted by SIGTERM/);
    assert.ok(await gone(pgid), "the kernel is gone");
  },
});

Deno.test({
  name: "nbrun.py killed with SIGKILL takes its kernel with it (PR_SET_PDEATHSIG)",
  ignore: skipUnless(haveJupyter, "Debian's jupyter-client (python3-jupyter-client)"),
  async fn() {
    const dir = await Deno.makeTempDir();
    const { child, pgid } = await startSleeping(dir);
    child.kill("SIGKILL");
    await child.status;
    await child.stderr.cancel();
    assert.ok(await gone(pgid), "the kernel is gone");
  },
});
