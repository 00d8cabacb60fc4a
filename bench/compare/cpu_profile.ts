/**
 * A summary of a V8 CPU profile (`deno run --cpu-prof` writes one
 * `.cpuprofile` per run): self time per function, largest first, so that a
 * missed goal comes with where xlir's time goes.
 *
 * @module
 */

import { InputError } from "../../lib/util/errors.ts";

/** Where a profile node's code is. */
export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/**
 * Whether a profile frame is the timed xlir work of comparison `which`: the
 * `xlirRound` function of `bench/compare/{which}.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inXlirRound } from "./cpu_profile.ts";
 * const frame = (functionName: string, file: string) => ({
 *   functionName, url: new URL(file, import.meta.url).href, lineNumber: 0,
 * });
 * assert(inXlirRound("encode")(frame("xlirRound", "./encode.ts")));
 * assert(!inXlirRound("encode")(frame("xlirRound", "./search.ts")));
 * assert(!inXlirRound("encode")(frame("xlirRound", "../../lib/retrieval/encode.ts")));
 * ```
 */
export function inXlirRound(which: string): (frame: CallFrame) => boolean {
  return (f) => f.functionName === "xlirRound" && f.url.endsWith(`/bench/compare/${which}.ts`);
}

/** The parts of a `.cpuprofile` the summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: CallFrame;
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** One function's share of a profile. */
export interface ProfileEntry {
  /** `name (file:line)`; `(anonymous)` for unnamed functions. */
  name: string;
  /** Self time, milliseconds. */
  selfMs: number;
  /** Self time as a share of the profile's busy time (idle excluded). */
  share: number;
}

const IDLE = "(idle)";

function shortUrl(url: string): string {
  if (url === "") return "";
  const i = url.lastIndexOf("/lib/");
  if (i >= 0) return url.slice(i + 1);
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    return url.slice(nm + "node_modules/".length).replace(/^\.deno\/[^/]+\/node_modules\//, "");
  }
  return url.slice(url.lastIndexOf("/") + 1);
}

/**
 * Self time per function, largest first; `(idle)` is left out of the shares.
 * With `within`, only samples taken inside a call of a matching function
 * count (e.g. the bench's timed xlir rounds, not its setup).
 *
 * @param profile A parsed `.cpuprofile`.
 * @param options How many entries to return (default 15); which calls to look inside.
 * @returns The entries and the busy time (ms).
 * @throws {InputError} when the profile lacks nodes, samples or time deltas.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizeCpuProfile } from "./cpu_profile.ts";
 * const frame = (functionName: string) => ({ functionName, url: "file:///x/lib/a.ts", lineNumber: 4 });
 * const s = summarizeCpuProfile({
 *   nodes: [{ id: 1, callFrame: frame("f") }, { id: 2, callFrame: frame("(idle)") }],
 *   samples: [1, 1, 2], timeDeltas: [1000, 3000, 5000],
 * });
 * assert(s.busyMs === 4 && s.entries[0].name === "f (lib/a.ts:5)" && s.entries[0].share === 1);
 * ```
 */
export function summarizeCpuProfile(
  profile: CpuProfile,
  options: { top?: number; within?: (frame: CallFrame) => boolean } = {},
): { busyMs: number; entries: ProfileEntry[] } {
  const top = options.top ?? 15;
  if (
    !Array.isArray(profile?.nodes) || !Array.isArray(profile.samples) ||
    !Array.isArray(profile.timeDeltas) || profile.samples.length !== profile.timeDeltas.length
  ) {
    throw new InputError(
      "Cannot read the CPU profile: expected nodes, and samples and timeDeltas of equal length",
    );
  }
  const nameOf = new Map<number, string>();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const fn = f.functionName || "(anonymous)";
    const where = shortUrl(f.url);
    nameOf.set(n.id, fn === IDLE || !where ? fn : `${fn} (${where}:${f.lineNumber + 1})`);
  }
  const inside = new Set<number>();
  if (options.within) {
    const children = new Map(profile.nodes.map((n) => [n.id, n.children ?? []]));
    const mark = (id: number) => {
      const stack = [id];
      while (stack.length > 0) {
        const at = stack.pop()!;
        if (inside.has(at)) continue;
        inside.add(at);
        stack.push(...(children.get(at) ?? []));
      }
    };
    for (const n of profile.nodes) if (options.within(n.callFrame)) mark(n.id);
  }
  const self = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    if (options.within && !inside.has(profile.samples[i])) continue;
    const name = nameOf.get(profile.samples[i]) ?? "(unknown)";
    const ms = profile.timeDeltas[i] / 1000;
    self.set(name, (self.get(name) ?? 0) + ms);
    if (name !== IDLE) busy += ms;
  }
  const entries = [...self.entries()]
    .filter(([name]) => name !== IDLE)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, selfMs]) => ({ name, selfMs, share: busy > 0 ? selfMs / busy : 0 }));
  return { busyMs: busy, entries };
}

/**
 * The summary as text lines: `  41.2 %   1234 ms  name`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProfile } from "./cpu_profile.ts";
 * const text = formatProfile({ busyMs: 10, entries: [{ name: "f", selfMs: 5, share: 0.5 }] });
 * assert(text.includes("50.0 %"));
 * ```
 */
export function formatProfile(summary: { busyMs: number; entries: ProfileEntry[] }): string {
  const lines = [`busy ${summary.busyMs.toFixed(0)} ms; self time by function:`];
  for (const e of summary.entries) {
    lines.push(
      `${(100 * e.share).toFixed(1).padStart(6)} % ${
        e.selfMs.toFixed(0).padStart(7)
      } ms  ${e.name}`,
    );
  }
  return lines.join("\n");
}
