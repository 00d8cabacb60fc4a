/**
 * Whether processes still run, read from `/proc` (Linux). Where there is no
 * `/proc` the answer is "running": callers use it to decide what is safe to
 * remove or kill, and unknown must not count as gone.
 *
 * @module
 */

function haveProc(): boolean {
  try {
    Deno.statSync("/proc/self");
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether process `pid` is running on this machine.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processAlive } from "./processes.ts";
 * assert(processAlive(Deno.pid));
 * ```
 */
export function processAlive(pid: number): boolean {
  if (pid === Deno.pid || !haveProc()) return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether any process of group `pgid` is running (zombies, which only wait
 * to be reaped, do not count).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processGroupAlive } from "./processes.ts";
 * const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
 * // A spawned child shares our process group.
 * const stat = Deno.readTextFileSync("/proc/self/stat");
 * const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
 * assert(processGroupAlive(pgid));
 * child.kill("SIGKILL");
 * await child.status;
 * ```
 */
export function processGroupAlive(pgid: number): boolean {
  if (!haveProc()) return true;
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "Z" && Number(fields[2]) === pgid) return true;
    } catch {
      // ended meanwhile
    }
  }
  return false;
}
