/**
 * A list of jobs shared by several processes through claim files in one
 * directory: each process walks the same list and runs the jobs it claims
 * first. A job runs once its `needs` are settled (done or failed), so a
 * fine-tuning waits for the pre-training it starts from instead of training
 * it a second time.
 *
 * Files, per job id: `<id>.claim` (created exclusively: the process that
 * creates it runs the job), then `<id>.done`, or `<id>.failed` holding the
 * error message. A failed job settles its dependants too: they run and, if
 * they need what failed, produce it themselves or fail with their own error
 * — the caller reruns everything in one process afterwards, where each error
 * surfaces where it belongs. A job claimed by a process that has ended
 * without settling it (killed) counts as failed for those waiting on it.
 *
 * Jobs that others need are tried first, then the rest, each group in list
 * order, and the walk restarts from the top after every job: what others
 * wait for (a pre-training) starts as early as it can.
 *
 * @module
 */

import { join } from "node:path";
import { statOrNull } from "../util/stat_or_null.ts";

/** One job: an id (a file name part), the ids it needs settled first, and its work. */
export interface Job {
  id: string;
  needs: readonly string[];
  run: () => Promise<void>;
}

/** What one process did. */
export interface WorkSummary {
  ran: string[];
  failed: { id: string; message: string }[];
}

const ID = /^[A-Za-z0-9_.-]+$/;

const exists = async (path: string) => (await statOrNull(path)) !== null;

/** Creates `path` unless it exists; true when this call created it. */
async function claim(path: string): Promise<boolean> {
  try {
    await Deno.writeTextFile(path, `${Deno.pid}\n`, { createNew: true });
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return false;
    throw err;
  }
}

/**
 * True when `path` is a claim whose process has ended without settling it
 * (killed): judged by `/proc/<pid>`, so only where `/proc` exists.
 */
async function claimantGone(path: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number((await Deno.readTextFile(path)).trim());
  } catch {
    return false;
  }
  if (!(pid > 0) || pid === Deno.pid || !await exists("/proc/self")) return false;
  return !await exists(`/proc/${pid}`);
}

/**
 * Runs, in this process, the jobs of `jobs` it claims in `dir` (which must
 * exist), until every job is claimed by some process and this one's are
 * finished. Other processes walking the same list in the same `dir` share
 * the work. Returns what this process ran and what failed.
 *
 * @param pollMs How long to wait before looking again when every unclaimed
 *   job needs one still running elsewhere. Default 200.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workJobs } from "./job_pool.ts";
 * const dir = await Deno.makeTempDir();
 * const order: string[] = [];
 * const job = (id: string, needs: string[] = []) => ({ id, needs, run: async () => { order.push(id); } });
 * // Two walkers of one list (here in one process): every job runs once, b after a.
 * const jobs = [job("b", ["a"]), job("a"), job("c")];
 * const [x, y] = await Promise.all([workJobs(jobs, dir), workJobs(jobs, dir)]);
 * assert.deepEqual([...x.ran, ...y.ran].sort(), ["a", "b", "c"]);
 * assert.ok(order.indexOf("a") < order.indexOf("b"));
 * ```
 */
export async function workJobs(
  jobs: readonly Job[],
  dir: string,
  pollMs = 200,
): Promise<WorkSummary> {
  const ids = new Set<string>();
  for (const j of jobs) {
    if (!ID.test(j.id)) throw new RangeError(`job id "${j.id}" is not a plain file name part`);
    if (ids.has(j.id)) throw new RangeError(`job id "${j.id}" appears twice`);
    ids.add(j.id);
  }
  for (const j of jobs) {
    for (const n of j.needs) {
      if (!ids.has(n)) throw new RangeError(`job "${j.id}" needs "${n}", which is not in the list`);
    }
  }
  const needed = new Set(jobs.flatMap((j) => j.needs));
  const ordered = [
    ...jobs.filter((j) => needed.has(j.id)),
    ...jobs.filter((j) => !needed.has(j.id)),
  ];
  const summary: WorkSummary = { ran: [], failed: [] };
  const taken = new Set<string>();
  const settled = new Set<string>();
  const isSettled = async (id: string) => {
    if (settled.has(id)) return true;
    if (
      await exists(join(dir, `${id}.done`)) || await exists(join(dir, `${id}.failed`)) ||
      await claimantGone(join(dir, `${id}.claim`))
    ) {
      settled.add(id);
      return true;
    }
    return false;
  };
  while (taken.size < jobs.length) {
    let ran = false;
    for (const job of ordered) {
      if (taken.has(job.id)) continue;
      if (await exists(join(dir, `${job.id}.claim`))) {
        taken.add(job.id);
        continue;
      }
      let ready = true;
      for (const n of job.needs) ready &&= await isSettled(n);
      if (!ready) continue;
      taken.add(job.id);
      if (!await claim(join(dir, `${job.id}.claim`))) continue;
      try {
        await job.run();
        summary.ran.push(job.id);
        await Deno.writeTextFile(join(dir, `${job.id}.done`), "");
      } catch (err) {
        const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        summary.failed.push({ id: job.id, message });
        await Deno.writeTextFile(join(dir, `${job.id}.failed`), `${message}\n`);
      }
      settled.add(job.id);
      ran = true;
      break;
    }
    if (!ran && taken.size < jobs.length) await new Promise((r) => setTimeout(r, pollMs));
  }
  return summary;
}
