/**
 * Exclusive locks on output directories, so that two runs never write one
 * output (the second would silently replace the first's result). The lock is
 * the file `<dir>.lock` beside the directory, held with an advisory `flock`
 * for as long as the run lasts and holding the holder's pid, host, command
 * and start time. The kernel releases a `flock` when its process ends,
 * however it ends, so a lock left by a killed run is recognised as stale
 * (the file is there, nobody holds it) and taken over; taking a lock also
 * puts back a directory a killed swap left parked and removes stale
 * temporary files (`atomic_dir.ts`, `stale_tmp.ts`). A lock still held when
 * the process exits (`Deno.exit` after an error) is released then, lock file
 * removed.
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import { recoverDir } from "./atomic_dir.ts";
import { OutputError, writeError } from "./errors.ts";
import { cleanStaleTempsOf } from "./stale_tmp.ts";

/** Who holds (or held) a lock, as written in the lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

/** A held lock; release it (or `await using` it). */
export interface OutputLock extends AsyncDisposable {
  /** The lock file. */
  readonly path: string;
  /** The holder of a stale lock this one replaced (a run that was killed), if any. */
  readonly stale: LockHolder | null;
  /** What taking the lock repaired (parked directory restored, stale temporary files removed). */
  readonly notes: string[];
  /** Releases the lock and removes the lock file. */
  release(): Promise<void>;
}

/** The lock file of output directory `dir`: `<dir>.lock`. */
export function lockPath(dir: string): string {
  return `${resolve(dir).replace(/\/+$/, "")}.lock`;
}

/** The host name, where the permission is granted (never prompted for). */
function hostname(): string {
  try {
    if (Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state === "granted") {
      return Deno.hostname();
    }
  } catch {
    // not available
  }
  return "this host";
}

function parseHolder(text: string): LockHolder | null {
  try {
    const v = JSON.parse(text);
    return typeof v?.pid === "number" ? v as LockHolder : null;
  } catch {
    return null;
  }
}

function describe(h: LockHolder | null): string {
  if (h === null) return "another process";
  return `pid ${h.pid} on ${h.host} (${h.command}), since ${h.since}`;
}

/** Locks this process holds, released at exit if still held. */
const held = new Set<() => void>();
let unloadHooked = false;

function hookUnload(): void {
  if (unloadHooked) return;
  unloadHooked = true;
  globalThis.addEventListener("unload", () => {
    for (const release of [...held]) release();
  });
}

function sameFileSync(file: Deno.FsFile, path: string): boolean {
  try {
    const [a, b] = [file.statSync(), Deno.statSync(path)];
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

async function sameFile(file: Deno.FsFile, path: string): Promise<boolean> {
  try {
    const [a, b] = [await file.stat(), await Deno.stat(path)];
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

/**
 * Takes the exclusive lock of output directory `dir`, or refuses at once.
 *
 * @param dir The output directory (it need not exist yet; its parent is created).
 * @param command What is writing, recorded for whoever is refused (default: this process's arguments).
 * @returns The held lock.
 * @throws {OutputError} naming the directory and the holder when another
 *   process holds the lock, or when the lock file cannot be written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lockOutput } from "./lock.ts";
 * const out = `${await Deno.makeTempDir()}/out`;
 * const lock = await lockOutput(out, "example");
 * await assert.rejects(() => lockOutput(out, "second"), /is in use by pid \d+ .*example/);
 * await lock.release();
 * await (await lockOutput(out, "third")).release();
 * ```
 */
export async function lockOutput(dir: string, command?: string): Promise<OutputLock> {
  const target = resolve(dir);
  const path = lockPath(target);
  const holder: LockHolder = {
    pid: Deno.pid,
    host: hostname(),
    command: command ?? ["deno", ...Deno.args].join(" "),
    since: new Date().toISOString(),
  };
  let file: Deno.FsFile;
  let previous: LockHolder | null = null;
  for (let attempt = 0;; attempt++) {
    try {
      await Deno.mkdir(dirname(path), { recursive: true });
      file = await Deno.open(path, { read: true, write: true, create: true });
    } catch (err) {
      throw writeError(err, path, `${target} is unchanged`);
    }
    if (!(await file.tryLock(true))) {
      const text = await Deno.readTextFile(path).catch(() => "");
      file.close();
      throw new OutputError(
        `${target} is in use by ${describe(parseHolder(text))}: ` +
          `wait for it to finish or choose another output directory (lock: ${path})`,
      );
    }
    // The file may have been released and removed between open and lock: then retry.
    if (await sameFile(file, path)) break;
    file.close();
    if (attempt > 20) throw new OutputError(`Cannot lock ${target}: ${path} keeps changing`);
  }
  try {
    const text = new TextDecoder().decode(await Deno.readFile(path));
    previous = text.trim() ? parseHolder(text) : null;
    await file.truncate(0);
    await file.seek(0, Deno.SeekMode.Start);
    const bytes = new TextEncoder().encode(JSON.stringify(holder) + "\n");
    let at = 0;
    while (at < bytes.length) at += await file.write(bytes.subarray(at));
  } catch (err) {
    await Deno.remove(path).catch(() => {});
    file.close();
    throw writeError(err, path, `${target} is unchanged`);
  }
  const notes: string[] = [];
  if (previous !== null) {
    notes.push(`took over the stale lock of ${describe(previous)} (that run did not finish)`);
  }
  const recovered = await recoverDir(target);
  if (recovered) notes.push(recovered);
  const removed = await cleanStaleTempsOf(target);
  if (removed.length) {
    notes.push(`removed ${removed.length} temporary file(s) left by a killed run`);
  }
  let released = false;
  const releaseSync = () => {
    if (released) return;
    released = true;
    held.delete(releaseSync);
    try {
      if (sameFileSync(file, path)) Deno.removeSync(path);
    } catch {
      // already gone
    }
    file.close();
  };
  held.add(releaseSync);
  hookUnload();
  const release = () => Promise.resolve(releaseSync());
  return { path, stale: previous, notes, release, [Symbol.asyncDispose]: release };
}

/**
 * Runs `fn` holding the lock of `dir` (released afterwards, also on error).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withOutputLock } from "./lock.ts";
 * const out = `${await Deno.makeTempDir()}/out`;
 * assert.equal(await withOutputLock(out, () => Promise.resolve(42)), 42);
 * ```
 */
export async function withOutputLock<T>(
  dir: string,
  fn: (lock: OutputLock) => Promise<T>,
  command?: string,
): Promise<T> {
  const lock = await lockOutput(dir, command);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
