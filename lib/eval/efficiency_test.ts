import assert from "node:assert/strict";
import {
  machineRuntime,
  measureLatencies,
  MemoryMonitor,
  summarizeLatencies,
  timed,
} from "./efficiency.ts";

Deno.test("summarizeLatencies() gives mean, percentiles, min and max", () => {
  const s = summarizeLatencies(Float64Array.from({ length: 101 }, (_, i) => i));
  assert.deepEqual(s, {
    n: 101,
    mean_ms: 50,
    p50_ms: 50,
    p95_ms: 95,
    p99_ms: 99,
    min_ms: 0,
    max_ms: 100,
  });
  const empty = summarizeLatencies([]);
  assert.equal(empty.n, 0);
  assert.ok(Number.isNaN(empty.p50_ms) && Number.isNaN(empty.mean_ms));
});

Deno.test("measureLatencies() times each item once and leaves the warm-up calls out", async () => {
  let clock = 0;
  const calls: string[] = [];
  const after: number[] = [];
  const ms = await measureLatencies(["a", "bb", "ccc"], (s) => {
    calls.push(s);
    clock += s.length;
  }, { warmup: 4, now: () => clock, after: (i) => after.push(i) });
  assert.deepEqual(calls, ["a", "bb", "ccc", "a", "a", "bb", "ccc"]);
  assert.deepEqual([...ms], [1, 2, 3]);
  assert.deepEqual(after, [0, 1, 2]);
});

Deno.test("measureLatencies() awaits an async function inside its timing", async () => {
  let clock = 0;
  const ms = await measureLatencies([5, 7], async (x) => {
    await Promise.resolve();
    clock += x;
  }, { warmup: 0, now: () => clock });
  assert.deepEqual([...ms], [5, 7]);
  assert.equal((await measureLatencies([], () => {}, { warmup: 3 })).length, 0);
});

Deno.test("timed() returns the value and the elapsed seconds of the given clock", async () => {
  let clock = 1000;
  const { value, seconds } = await timed(() => {
    clock += 250;
    return "x";
  }, () => clock);
  assert.equal(value, "x");
  assert.equal(seconds, 0.25);
});

Deno.test("MemoryMonitor keeps labelled samples and the largest RSS, peek() included", () => {
  const mem = new MemoryMonitor();
  const a = mem.sample("a");
  mem.peek();
  const b = mem.sample("b");
  assert.deepEqual(mem.samples.map((s) => s.label), ["a", "b"]);
  assert.ok(mem.peakRssBytes >= Math.max(a.rss_bytes, b.rss_bytes));
  assert.ok(a.heap_used_bytes > 0);
});

Deno.test("machineRuntime() names the cores, OS and Deno version", () => {
  const m = machineRuntime();
  assert.equal(m.cores, navigator.hardwareConcurrency);
  assert.equal(m.deno, Deno.version.deno);
  assert.match(m.os, new RegExp(Deno.build.os));
  assert.ok(m.cpu.length > 0);
  if (Deno.build.os === "linux") assert.equal(m.loadavg?.length, 3);
});
