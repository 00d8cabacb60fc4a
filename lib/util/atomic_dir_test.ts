import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { checkOutputDir, recoverDir, replaceDir, writeDirAtomic } from "./atomic_dir.ts";
import { writeTextFileAtomic } from "./atomic.ts";
import { InputError, OutputError } from "./errors.ts";
import { listDir, mountSmallDisk, snapshotDir } from "./testing.ts";
import { setWriteFault } from "./write_faults.ts";

async function oldOutput(): Promise<string> {
  const out = `${await Deno.makeTempDir()}/out`;
  await writeTextFileAtomic(`${out}/runs/a.trec`, "old run\n");
  await writeTextFileAtomic(`${out}/summary.tsv`, "old summary\n");
  return out;
}

const NEW_FILES = async (dir: string) => {
  await writeTextFileAtomic(`${dir}/runs/a.trec`, "new run\n");
  await writeTextFileAtomic(`${dir}/runs/b.trec`, "new run b\n");
  await writeTextFileAtomic(`${dir}/summary.tsv`, "new summary\n");
};

Deno.test("writeDirAtomic() replaces the whole directory once every file is written", async () => {
  const out = await oldOutput();
  await writeDirAtomic(out, NEW_FILES);
  assert.deepEqual(snapshotDir(out), {
    "runs/a.trec": "new run\n",
    "runs/b.trec": "new run b\n",
    "summary.tsv": "new summary\n",
  });
  assert.deepEqual(listDir(`${out}/..`), ["out"]);
});

Deno.test("writeDirAtomic() keeps the old directory whole when a write fails (injected ENOSPC)", async () => {
  const out = await oldOutput();
  const before = snapshotDir(out);
  setWriteFault("summary.tsv");
  try {
    await assert.rejects(
      () => writeDirAtomic(out, NEW_FILES),
      (e) =>
        e instanceof OutputError &&
        e.message === `Cannot write ${out}/summary.tsv: no space left on device (ENOSPC); ` +
            `${out} is unchanged`,
    );
  } finally {
    setWriteFault(null);
  }
  assert.deepEqual(snapshotDir(out), before);
  assert.deepEqual(listDir(`${out}/..`), ["out"], "no temporary directory left");
});

Deno.test("replaceDir() leaves both directories as they were when the swap fails", async () => {
  const out = await oldOutput();
  const before = snapshotDir(out);
  const staged = `${out}-staged`;
  await NEW_FILES(staged);
  setWriteFault("/out");
  try {
    await assert.rejects(
      () => replaceDir(staged, out),
      (e) => e instanceof OutputError && e.message.endsWith(`${out} is unchanged`),
    );
  } finally {
    setWriteFault(null);
  }
  assert.deepEqual(snapshotDir(out), before);
  assert.equal(snapshotDir(staged)["summary.tsv"], "new summary\n");
});

const disk = mountSmallDisk("256k");
Deno.test({
  name: "writeDirAtomic() on a real full tmpfs: clear OutputError, old output unchanged",
  ignore: disk === null,
  async fn() {
    try {
      const out = `${disk!.dir}/out`;
      await writeTextFileAtomic(`${out}/summary.tsv`, "old summary\n");
      const before = snapshotDir(out);
      const big = new Uint8Array(512 * 1024);
      await assert.rejects(
        () => writeDirAtomic(out, (dir) => Deno.writeFile(`${dir}/run.trec`, big)),
        (e) =>
          e instanceof OutputError && /no space left on device \(ENOSPC\)/.test(e.message) &&
          e.message.endsWith(`${out} is unchanged`),
      );
      assert.deepEqual(snapshotDir(out), before);
      assert.deepEqual(listDir(disk!.dir), ["out"]);
    } finally {
      disk!.unmount();
    }
  },
});

Deno.test("replaceDir() without FFI (two renames) replaces the directory too", async () => {
  const out = await oldOutput();
  const script = `
    import { replaceDir } from ${JSON.stringify(new URL("./atomic_dir.ts", import.meta.url).href)};
    await Deno.mkdir(Deno.args[0] + ".new");
    await Deno.writeTextFile(Deno.args[0] + ".new/only.txt", "x");
    await replaceDir(Deno.args[0] + ".new", Deno.args[0]);`;
  const file = `${out}/../script.ts`;
  await Deno.writeTextFile(file, script);
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--deny-ffi", file, out],
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  assert.deepEqual(snapshotDir(out), { "only.txt": "x" });
  assert.deepEqual(listDir(`${out}/..`), ["out", "script.ts"]);
});

Deno.test("recoverDir() puts back a directory a killed two-rename swap left parked", async () => {
  const root = await Deno.makeTempDir();
  // The state a kill between the two renames leaves: target gone, old parked, new staged.
  await writeTextFileAtomic(`${root}/out.999999999.4.old/summary.tsv`, "old\n");
  await writeTextFileAtomic(`${root}/out.999999999.3.tmp/summary.tsv`, "new\n");
  const note = await recoverDir(`${root}/out`);
  assert.match(note!, /restored .*\/out from .*out\.999999999\.4\.old/);
  assert.deepEqual(snapshotDir(`${root}/out`), { "summary.tsv": "old\n" });
  assert.equal(await recoverDir(`${root}/out`), undefined);
});

Deno.test("checkOutputDir() refuses a file, or a file where a parent should be", async () => {
  const file = await Deno.makeTempFile();
  await assert.rejects(
    () => checkOutputDir(file, "--out"),
    (e) => e instanceof InputError && e.message.startsWith(`--out ${file} is a file`),
  );
  await assert.rejects(
    () => checkOutputDir(`${file}/sub`, "--out"),
    (e) => e instanceof InputError && e.message.includes(`${file} is a file`),
  );
  await checkOutputDir(fileURLToPath(new URL(".", import.meta.url)), "--out");
});

Deno.test("replaceDir() refuses to put a directory where a file is", async () => {
  const root = await Deno.makeTempDir();
  await Deno.writeTextFile(`${root}/out`, "a file");
  await Deno.mkdir(`${root}/new`);
  await assert.rejects(() => replaceDir(`${root}/new`, `${root}/out`), /is a file/);
  assert.equal(await Deno.readTextFile(`${root}/out`), "a file");
});
