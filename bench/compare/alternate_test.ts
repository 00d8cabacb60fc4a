import assert from "node:assert/strict";
import { alternate, sideTimings } from "./alternate.ts";

Deno.test("alternate() runs every contender once per round, in turn", async () => {
  const calls: string[] = [];
  const side = (name: string) => ({
    name,
    round: (i: number) => {
      calls.push(`${name}${i}`);
      return Promise.resolve([i + 1]);
    },
  });
  const out = await alternate([side("x"), side("p"), side("q")], 3);
  assert.deepEqual(calls, ["x0", "p0", "q0", "x1", "p1", "q1", "x2", "p2", "q2"]);
  assert.deepEqual(out[1], [[1], [2], [3]]);
});

Deno.test("alternate() reports each round to the callback", async () => {
  const seen: string[] = [];
  await alternate(
    [{ name: "a", round: () => [5, 6] }],
    2,
    { pauseMs: 1, onRound: (n, i, ms) => seen.push(`${n}${i}:${ms}`) },
  );
  assert.deepEqual(seen, ["a0:5,6", "a1:5,6"]);
});

Deno.test("alternate() rejects a round without timings and a bad round count", async () => {
  await assert.rejects(() => alternate([{ name: "a", round: () => [] }], 1), /timed no repetition/);
  await assert.rejects(() => alternate([], 0), RangeError);
});

Deno.test("sideTimings() takes the median over all rounds' repetitions", () => {
  const t = sideTimings("faiss", [[400, 500], [100, 300, 200]], 1000);
  assert.equal(t.medianMs, 300);
  assert.ok(Math.abs(t.perSecond - 1000 / 0.3) < 1e-9);
  assert.deepEqual(t.rounds, [[400, 500], [100, 300, 200]]);
});
