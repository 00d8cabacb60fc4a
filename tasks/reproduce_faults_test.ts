/**
 * `deno task reproduce` under faults, on small notebooks given through the
 * `XLIR_REPRODUCE_NOTEBOOKS` hook: a failing notebook, SIGTERM / SIGINT while
 * a cell runs, SIGKILL of reproduce itself, a write failure in the middle of
 * a commit, and a second run into the same output. Afterwards no runner or
 * kernel may be left, `OUT` must hold exactly what it held before (or the
 * notebooks that finished), and every manifest entry must match its file.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256File } from "../lib/util/hash.ts";
import { lockOutput } from "../lib/util/lock.ts";
import { processGroupAlive } from "../lib/util/processes.ts";
import { exists, listDir, skipUnless, snapshotDir } from "../lib/util/testing.ts";
import { ROOT } from "../lib/util/root.ts";

const haveJupyter = new Deno.Command("/usr/bin/python3", {
  args: ["-c", "import jupyter_client, nbformat"],
  stdout: "null",
  stderr: "null",
}).outputSync().success;
const IGNORE = skipUnless(haveJupyter, "Debian's jupyter-client (python3-jupyter-client)");

const NOTEBOOK_TS = new URL("../lib/report/notebook.ts", import.meta.url).href;
const PROGRESS_TS = new URL("../lib/util/progress.ts", import.meta.url).href;

/** A notebook that writes table `<name>_t` holding `value`, then runs `after` (a cell). */
function notebook(name: string, value: string, after = ""): string {
  const cells = [
    `import { NotebookContext } from ${JSON.stringify(NOTEBOOK_TS)};
const nb = await NotebookContext.open(${JSON.stringify(name)});`,
    // Progress lines go to the runner's progress file (XLIR_PROGRESS_FILE), as the real notebooks'.
    `import { progressLine } from ${JSON.stringify(PROGRESS_TS)};
progressLine("progress of ${name}");
await nb.table(${JSON.stringify(`${name}_t`)}, [{ value: ${JSON.stringify(value)} }])`,
    after || "1",
    `await nb.finish({ seeds: null, backend: "n/a" }); "done"`,
  ];
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

const table = (n: string) => [`tables/${n}_t.csv`, `tables/${n}_t.json`, `tables/${n}_t.md`];

/** Writes notebooks `a` and `b` (b's middle cell is `bAfter`) and the hook file. */
async function setup(value: string, bAfter = "") {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "a.ipynb"), notebook("a", value));
  await Deno.writeTextFile(join(dir, "b.ipynb"), notebook("b", value, bAfter));
  const hook = join(dir, "notebooks.json");
  await Deno.writeTextFile(
    hook,
    JSON.stringify({
      dir,
      notebooks: [
        { name: "a", title: "a", artifacts: table("a") },
        { name: "b", title: "b", artifacts: table("b") },
      ],
    }),
  );
  return hook;
}

function reproduce(hook: string, out: string, env: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "tasks/reproduce.ts"), "--quick", "--out", out],
    cwd: ROOT,
    env: { XLIR_QUIET: "1", XLIR_REPRODUCE_NOTEBOOKS: hook, ...env },
    stdout: "piped",
    stderr: "piped",
  });
}

async function run(hook: string, out: string, env: Record<string, string> = {}) {
  const r = await reproduce(hook, out, env).output();
  return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
}

/**
 * Every artifact and notebook the manifest lists exists with the listed
 * sha256 (no manifest yet — a run killed before its first commit finished —
 * lists nothing, which is true).
 */
async function assertManifestTrue(out: string): Promise<void> {
  if (!exists(join(out, "manifest.json"))) return;
  const m = JSON.parse(await Deno.readTextFile(join(out, "manifest.json")));
  for (const e of [...m.artifacts, ...m.notebooks]) {
    assert.equal(await sha256File(join(out, e.path)), e.sha256, e.path);
  }
}

/** Processes whose command line mentions `needle` (the runner, the kernel's connection file). */
function processesWith(needle: string): string[] {
  const found: string[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name) || Number(e.name) === Deno.pid) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).replaceAll("\0", " ");
      const state = Deno.readTextFileSync(`/proc/${e.name}/stat`).split(") ")[1]?.[0];
      if (cmd.includes(needle) && state !== "Z") found.push(`${e.name} ${cmd}`);
    } catch {
      // gone
    }
  }
  return found;
}

async function eventually(cond: () => boolean, what: string, seconds = 20): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The process group of notebook `nb`'s kernel, recorded by the runner in its staging directory. */
function stagedPgid(out: string, nb: string): number | null {
  for (const name of listDir(out)) {
    const f = join(out, name, "kernel.pgid");
    if (name.startsWith(`.nb-${nb}.`) && exists(f)) {
      const text = Deno.readTextFileSync(f).trim();
      if (text) return Number(text);
    }
  }
  return null;
}

Deno.test({
  name: "reproduce: a failing notebook changes nothing in OUT; its executed copy goes to .failed/",
  ignore: IGNORE,
  async fn() {
    const out = join(await Deno.makeTempDir(), "out");
    const good = await run(await setup("first"), out);
    assert.equal(good.code, 0, good.stderr);
    await assertManifestTrue(out);
    const before = snapshotDir(out);
    const r = await run(await setup("second", 'throw new Error("boom")'), out);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /error: reproduce: b failed \(the executed notebook is in .*\.failed\/b\.ipynb\); nothing of it was written/,
    );
    const after = snapshotDir(out);
    // a ran again and was committed; b's files, the manifest's b entries and b's notebook are as before.
    for (const f of [...table("b"), "notebooks/b.ipynb", "artifacts/b.json"]) {
      assert.equal(after[f], before[f], f);
    }
    assert.match(after["tables/a_t.csv"], /second/);
    assert.ok(exists(join(out, ".failed", "b.ipynb")));
    await assertManifestTrue(out);
    assert.deepEqual(listDir(out).filter((n) => n.includes(".tmp")), []);
  },
});

for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  Deno.test({
    name: `reproduce: ${signal} during a cell stops runner and kernel; OUT keeps what it had`,
    ignore: IGNORE,
    async fn() {
      const out = join(await Deno.makeTempDir(), "out");
      const good = await run(await setup("first"), out);
      assert.equal(good.code, 0, good.stderr);
      const before = snapshotDir(out);
      const hook = await setup("second", "await new Promise((r) => setTimeout(r, 120000))");
      const child = reproduce(hook, out).spawn();
      // Wait until b's kernel is running (a has been committed by then).
      await eventually(() => stagedPgid(out, "b") !== null, "b's kernel");
      const pgid = stagedPgid(out, "b")!;
      await new Promise((r) => setTimeout(r, 1500));
      child.kill(signal);
      const status = await child.status;
      const stderr = await new Response(child.stderr).text();
      await child.stdout.cancel();
      assert.equal(status.code, code, stderr);
      assert.match(
        stderr,
        new RegExp(`stopped by ${signal}; .* holds the 1 notebook\\(s\\) that finished`),
      );
      assert.ok(!processGroupAlive(pgid), "the kernel's process group is gone");
      assert.deepEqual(
        processesWith(hook.replace(/notebooks\.json$/, "b.ipynb")),
        [],
        "no runner left",
      );
      const after = snapshotDir(out);
      for (const f of [...table("b"), "notebooks/b.ipynb", "artifacts/b.json"]) {
        assert.equal(after[f], before[f], f);
      }
      await assertManifestTrue(out);
      assert.deepEqual(listDir(out).filter((n) => n.startsWith(".nb-")), [], "staging removed");
      assert.ok(!exists(`${out}.lock`), "lock released");
    },
  });
}

Deno.test({
  name:
    "reproduce: SIGKILL of reproduce itself: runner and kernel stop on their own; next run cleans up",
  ignore: IGNORE,
  async fn() {
    const out = join(await Deno.makeTempDir(), "out");
    const hook = await setup("x", "await new Promise((r) => setTimeout(r, 120000))");
    const child = reproduce(hook, out).spawn();
    await eventually(() => stagedPgid(out, "b") !== null, "b's kernel");
    const pgid = stagedPgid(out, "b")!;
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel();
    await child.stderr.cancel();
    await eventually(() => !processGroupAlive(pgid), "the kernel to die with its runner");
    await eventually(
      () => processesWith(hook.replace(/notebooks\.json$/, "b.ipynb")).length === 0,
      "the runner to notice",
    );
    await assertManifestTrue(out);
    const before = snapshotDir(out);
    // The next run (b now quick) takes over the stale lock and removes the staging directory.
    const r = await run(await setup("y"), out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /took over the stale lock/);
    assert.deepEqual(listDir(out).filter((n) => n.startsWith(".nb-")), []);
    assert.notDeepEqual(snapshotDir(out), before);
    await assertManifestTrue(out);
  },
});

Deno.test({
  name: "reproduce: a write failure in the middle of a commit leaves the manifest true",
  ignore: IGNORE,
  async fn() {
    const out = join(await Deno.makeTempDir(), "out");
    const good = await run(await setup("first"), out);
    assert.equal(good.code, 0, good.stderr);
    // A full disk while the notebook writes (into its staging directory): nothing changes.
    const before = snapshotDir(out);
    const nb = await run(await setup("second"), out, { XLIR_FAIL_WRITES: "/tables/b_t.json" });
    assert.equal(nb.code, 2, nb.stderr);
    assert.match(nb.stderr, /OutputError: Cannot write .*b_t\.json: no space left on device/);
    for (const f of [...table("b"), "notebooks/b.ipynb", "artifacts/b.json"]) {
      assert.equal(snapshotDir(out)[f], before[f], f);
    }
    await assertManifestTrue(out);
    // b's artifacts are moved in, then writing its record into OUT fails.
    const r = await run(await setup("second"), out, {
      XLIR_FAIL_WRITES: `${out}/artifacts/b.json$`,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /error: Cannot write .*artifacts\/b\.json: no space left on device \(ENOSPC\).*the manifest lists only what is in place/,
    );
    await assertManifestTrue(out);
    const m = JSON.parse(await Deno.readTextFile(join(out, "manifest.json")));
    assert.deepEqual(
      m.notebooks.map((n: { name: string }) => n.name),
      ["a"],
      "b's stale entries dropped",
    );
  },
});

Deno.test({
  name: "reproduce: a second reproduce into the same OUT is refused",
  ignore: IGNORE,
  async fn() {
    const out = join(await Deno.makeTempDir(), "out");
    const lock = await lockOutput(out, "another reproduce");
    try {
      const r = await run(await setup("x"), out);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: .*out is in use by pid \d+ .*\(another reproduce\)/m);
    } finally {
      await lock.release();
    }
    assert.deepEqual(listDir(out), []);
  },
});

Deno.test({
  name:
    "reproduce --experiment FILE: a base folder that does not exist stops the run before any notebook, naming the field",
  ignore: IGNORE,
  async fn() {
    const dir = await Deno.makeTempDir();
    const exp = join(dir, "mine.json");
    const real = JSON.parse(await Deno.readTextFile(join(ROOT, "configs/experiment.real.json")));
    await Deno.writeTextFile(
      exp,
      JSON.stringify({ ...real, bases: { LaBSE: { model: join(dir, "nope") } } }),
    );
    const out = join(dir, "out");
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "tasks/reproduce.ts"), "--experiment", exp, "--out", out],
      cwd: ROOT,
      env: { XLIR_QUIET: "1", XLIR_REPRODUCE_NOTEBOOKS: await setup("x") },
    }).output();
    const stderr = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 2, stderr);
    assert.match(stderr, /mine\.json: bases\.LaBSE\.model: .*nope is not a model folder/);
    assert.doesNotMatch(stderr, /\n\s+at /);
    assert.equal(exists(out), false);
  },
});

Deno.test({
  name:
    "reproduce --experiment FILE runs the notebooks on that grid: the notebook config and the manifest name it",
  ignore: IGNORE,
  async fn() {
    const dir = await Deno.makeTempDir();
    const exp = join(dir, "mine.json");
    const quick = JSON.parse(await Deno.readTextFile(join(ROOT, "configs/experiment.quick.json")));
    await Deno.writeTextFile(exp, JSON.stringify({ ...quick, name: "mine" }));
    const out = join(dir, "out");
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(ROOT, "tasks/reproduce.ts"), "--experiment", exp, "--out", out],
      cwd: ROOT,
      env: { XLIR_QUIET: "1", XLIR_REPRODUCE_NOTEBOOKS: await setup("x") },
    }).output();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    const nb = JSON.parse(await Deno.readTextFile(join(out, "notebook_config.json")));
    assert.equal(join(ROOT, nb.experiment), exp);
    const manifest = JSON.parse(await Deno.readTextFile(join(out, "manifest.json")));
    assert.equal(join(ROOT, manifest.experiment), exp);
    assert.equal(manifest.experiment_sha256, await sha256File(exp));
  },
});

Deno.test({
  name:
    "reproduce: a file a notebook wrote last time and no longer writes is removed, with the folder it leaves empty",
  ignore: IGNORE,
  async fn() {
    const out = join(await Deno.makeTempDir(), "out");
    const extra = `await nb.table("a_old_t", [{ value: 1 }]);
await nb.recordFiles(await (async () => {
  const d = nb.config.out + "/beir/a-old";
  await Deno.mkdir(d, { recursive: true });
  await Deno.writeTextFile(d + "/run.trec", "q 0 d 1 1.0 x\\n");
  return nb.config.out + "/beir";
})())`;
    const hook = await setup("x");
    const { dir } = JSON.parse(await Deno.readTextFile(hook));
    await Deno.writeTextFile(join(dir, "a.ipynb"), notebook("a", "x", extra));
    let r = await run(hook, out);
    assert.equal(r.code, 0, r.stderr);
    for (const f of [...table("a_old"), "beir/a-old/run.trec"]) assert.ok(exists(join(out, f)), f);

    await Deno.writeTextFile(join(dir, "a.ipynb"), notebook("a", "y"));
    r = await run(hook, out);
    assert.equal(r.code, 0, r.stderr);
    for (const f of [...table("a_old"), "beir/a-old/run.trec", "beir"]) {
      assert.equal(exists(join(out, f)), false, f);
    }
    for (const f of [...table("a"), ...table("b")]) assert.ok(exists(join(out, f)), f);
    await assertManifestTrue(out);
  },
});
