import assert from "node:assert/strict";
import { type CpuProfile, formatProfile, summarizeCpuProfile } from "./cpu_profile.ts";
import { InputError } from "../../lib/util/errors.ts";

const frame = (functionName: string, url = "", lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(root)") },
    { id: 2, callFrame: frame("score", "file:///w/lib/retrieval/js_kernel.ts", 40) },
    { id: 3, callFrame: frame("", "file:///w/lib/retrieval/topk.ts", 9) },
    { id: 4, callFrame: frame("(idle)") },
    { id: 5, callFrame: frame("score", "file:///w/lib/retrieval/js_kernel.ts", 40) },
  ],
  samples: [2, 3, 2, 4, 5],
  timeDeltas: [1000, 2000, 3000, 50000, 4000],
};

Deno.test("summarizeCpuProfile() adds self time per function and leaves idle out", () => {
  const s = summarizeCpuProfile(profile);
  assert.equal(s.busyMs, 10);
  assert.deepEqual(s.entries.map((e) => [e.name, e.selfMs]), [
    ["score (lib/retrieval/js_kernel.ts:41)", 8],
    ["(anonymous) (lib/retrieval/topk.ts:10)", 2],
  ]);
  assert.equal(s.entries[0].share, 0.8);
});

Deno.test("summarizeCpuProfile() keeps the top entries only", () => {
  assert.equal(summarizeCpuProfile(profile, { top: 1 }).entries.length, 1);
});

Deno.test("summarizeCpuProfile() can count only samples inside calls of a function", () => {
  const tree: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("(root)"), children: [2, 4] },
      { id: 2, callFrame: frame("xlirRound"), children: [3] },
      { id: 3, callFrame: frame("work") },
      { id: 4, callFrame: frame("setup") },
    ],
    samples: [3, 4, 2, 3],
    timeDeltas: [1000, 9000, 1000, 1000],
  };
  const s = summarizeCpuProfile(tree, { within: (f) => f.functionName === "xlirRound" });
  assert.equal(s.busyMs, 3);
  assert.deepEqual(s.entries.map((e) => [e.name, e.selfMs]), [["work", 2], ["xlirRound", 1]]);
});

Deno.test("summarizeCpuProfile() rejects a file that is not a profile", () => {
  assert.throws(() => summarizeCpuProfile({} as CpuProfile), InputError);
  assert.throws(
    () => summarizeCpuProfile({ nodes: [], samples: [1], timeDeltas: [] }),
    InputError,
  );
});

Deno.test("formatProfile() prints shares and milliseconds per line", () => {
  const text = formatProfile(summarizeCpuProfile(profile));
  const lines = text.split("\n");
  assert.equal(lines[0], "busy 10 ms; self time by function:");
  assert.match(lines[1], /^\s+80\.0 %\s+8 ms {2}score/);
});
