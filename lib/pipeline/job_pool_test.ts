import assert from "node:assert/strict";
import { join } from "node:path";
import { type Job, workJobs } from "./job_pool.ts";

const tick = () => new Promise((r) => setTimeout(r, 5));

Deno.test("workJobs(): walkers of one list run every job once, each after what it needs", async () => {
  const dir = await Deno.makeTempDir();
  const log: string[] = [];
  const job = (id: string, needs: string[] = []): Job => ({
    id,
    needs,
    run: async () => {
      log.push(`start ${id}`);
      await tick();
      log.push(`end ${id}`);
    },
  });
  const jobs = [job("a"), job("b"), job("c", ["a", "b"]), job("d", ["c"]), job("e"), job("f")];
  const walks = await Promise.all([0, 1, 2].map(() => workJobs(jobs, dir, 1)));
  const ran = walks.flatMap((w) => w.ran).sort();
  assert.deepEqual(ran, ["a", "b", "c", "d", "e", "f"]);
  const at = (s: string) => log.indexOf(s);
  assert.ok(at("end a") < at("start c") && at("end b") < at("start c"));
  assert.ok(at("end c") < at("start d"));
  assert.ok(walks.filter((w) => w.ran.length > 0).length >= 2, "the work was shared");
  for (const id of ran) assert.equal(await Deno.readTextFile(join(dir, `${id}.done`)), "");
});

Deno.test("workJobs(): a failed job is recorded and still settles what needs it", async () => {
  const dir = await Deno.makeTempDir();
  const jobs: Job[] = [
    {
      id: "bad",
      needs: [],
      run: () => Promise.reject(new RangeError("no such base")),
    },
    { id: "after", needs: ["bad"], run: async () => {} },
  ];
  const w = await workJobs(jobs, dir, 1);
  assert.deepEqual(w.ran, ["after"]);
  assert.deepEqual(w.failed, [{ id: "bad", message: "RangeError: no such base" }]);
  assert.equal(await Deno.readTextFile(join(dir, "bad.failed")), "RangeError: no such base\n");
});

Deno.test("workJobs(): a job claimed by a process that ended unsettled stops blocking", async () => {
  const dir = await Deno.makeTempDir();
  const child = new Deno.Command("true").spawn();
  await child.status; // its pid is gone now
  await Deno.writeTextFile(join(dir, "gone.claim"), `${child.pid}\n`);
  let ran = false;
  const jobs: Job[] = [
    { id: "gone", needs: [], run: () => Promise.reject(new Error("not ours to run")) },
    { id: "next", needs: ["gone"], run: () => Promise.resolve(void (ran = true)) },
  ];
  const w = await workJobs(jobs, dir, 1);
  assert.deepEqual([w.ran, ran], [["next"], true]);
});

Deno.test("workJobs(): a job claimed by a live process is waited for, not run again", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "elsewhere.claim"), `${Deno.pid}\n`);
  const jobs: Job[] = [
    { id: "elsewhere", needs: [], run: () => Promise.reject(new Error("claimed elsewhere")) },
    { id: "next", needs: ["elsewhere"], run: async () => {} },
  ];
  const walk = workJobs(jobs, dir, 1);
  await new Promise((r) => setTimeout(r, 30));
  await Deno.writeTextFile(join(dir, "elsewhere.done"), "");
  assert.deepEqual((await walk).ran, ["next"]);
});

Deno.test("workJobs() refuses ids that are not file name parts, repeated ids and unknown needs", async () => {
  const dir = await Deno.makeTempDir();
  const run = async () => {};
  await assert.rejects(
    () => workJobs([{ id: "a/b", needs: [], run }], dir),
    /not a plain file name/,
  );
  await assert.rejects(
    () => workJobs([{ id: "a", needs: [], run }, { id: "a", needs: [], run }], dir),
    /appears twice/,
  );
  await assert.rejects(() => workJobs([{ id: "a", needs: ["z"], run }], dir), /needs "z"/);
});

Deno.test("workJobs() starts what others need first, whatever its place in the list", async () => {
  const dir = await Deno.makeTempDir();
  const order: string[] = [];
  const job = (id: string, needs: string[] = []): Job => ({
    id,
    needs,
    run: () => Promise.resolve(void order.push(id)),
  });
  await workJobs([job("x"), job("uses-base", ["base"]), job("y"), job("base")], dir, 1);
  assert.deepEqual(order, ["base", "x", "uses-base", "y"]);
});
