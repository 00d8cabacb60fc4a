import assert from "node:assert/strict";
import { lockOutput, lockPath, withOutputLock } from "./lock.ts";
import { OutputError } from "./errors.ts";
import { exists, listDir } from "./testing.ts";

const LOCK = new URL("./lock.ts", import.meta.url).href;

/** A subprocess that takes the lock of `dir`, prints "locked" and waits to be killed. */
async function holder(dir: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { lockOutput } from ${JSON.stringify(LOCK)};
       await lockOutput(${JSON.stringify(dir)}, "holder-process");
       console.log("locked");
       await new Promise(() => setInterval(() => {}, 1000));`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /locked/);
  reader.releaseLock();
  return child;
}

Deno.test("lockOutput() refuses a second writer, naming the holder's pid and command", async () => {
  const out = `${await Deno.makeTempDir()}/out`;
  const child = await holder(out);
  try {
    await assert.rejects(
      () => lockOutput(out, "second"),
      (e) =>
        e instanceof OutputError &&
        e.message.startsWith(`${out} is in use by pid ${child.pid} on `) &&
        e.message.includes("(holder-process)") &&
        e.message.includes(`lock: ${out}.lock`),
    );
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
});

Deno.test("lockOutput() takes over the lock of a run killed with SIGKILL, and says so", async () => {
  const out = `${await Deno.makeTempDir()}/out`;
  const child = await holder(out);
  child.kill("SIGKILL");
  await child.status;
  await child.stdout.cancel().catch(() => {});
  assert.ok(exists(lockPath(out)), "the killed run's lock file is still there");
  const lock = await lockOutput(out, "after the kill");
  assert.equal(lock.stale?.pid, child.pid);
  assert.match(lock.notes[0], new RegExp(`took over the stale lock of pid ${child.pid}`));
  await lock.release();
  assert.ok(!exists(lockPath(out)), "release removes the lock file");
});

Deno.test("lockOutput() removes temporary files a killed write left in and beside the output", async () => {
  const root = await Deno.makeTempDir();
  const out = `${root}/out`;
  await Deno.mkdir(`${out}/runs`, { recursive: true });
  // A real killed writer: a process that writes a temporary file and is killed mid-way.
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const f = Deno.openSync(${JSON.stringify(`${out}/runs`)} + "/a.trec." + Deno.pid + ".1.tmp",
         { write: true, create: true });
       f.writeSync(new Uint8Array(1000));
       Deno.mkdirSync(${JSON.stringify(out)} + "." + Deno.pid + ".2.tmp");
       console.log("written");
       await new Promise(() => setInterval(() => {}, 1000));`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  await reader.read();
  reader.releaseLock();
  child.kill("SIGKILL");
  await child.status;
  await child.stdout.cancel().catch(() => {});
  assert.equal(listDir(`${out}/runs`).length, 1);
  await withOutputLock(out, (lock) => {
    assert.deepEqual(lock.notes, ["removed 2 temporary file(s) left by a killed run"]);
    return Promise.resolve();
  });
  assert.deepEqual(listDir(`${out}/runs`), []);
  assert.deepEqual(listDir(root), ["out"]);
});

Deno.test("withOutputLock() releases the lock when the work throws", async () => {
  const out = `${await Deno.makeTempDir()}/out`;
  await assert.rejects(() => withOutputLock(out, () => Promise.reject(new Error("boom"))), /boom/);
  await (await lockOutput(out)).release();
});
