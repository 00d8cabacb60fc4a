/**
 * Reading the machine from `/proc`: the CPU (`/proc/cpuinfo`), this process's
 * memory (`/proc/self/status`) and the load (`/proc/loadavg`). Deno reads
 * `/proc` only under `--allow-all`; without it the files are read through
 * `cat` (needs `--allow-run=cat`), and are left out (`undefined`) when
 * neither works.
 *
 * @module
 */

/**
 * Reads a `/proc` file: directly (needs `--allow-all`), else through `cat`
 * (needs `--allow-run=cat`; `/proc/self` becomes `/proc/<pid>`).
 *
 * @param path E.g. `/proc/self/status`.
 * @returns The text, or `undefined` when it cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readProcFile } from "./proc.ts";
 * const text = readProcFile("/proc/self/status");
 * assert(text === undefined || text.includes("VmRSS"));
 * ```
 */
export function readProcFile(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    try {
      const target = path.replace(/^\/proc\/self\//, `/proc/${Deno.pid}/`);
      const out = new Deno.Command("cat", { args: [target], stdout: "piped", stderr: "null" })
        .outputSync();
      return out.success ? new TextDecoder().decode(out.stdout) : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The CPU as `/proc/cpuinfo` describes it. */
export interface CpuInfo {
  /** The first `model name`, or `"unknown"`. */
  model: string;
  /** The first processor's `flags`. */
  flags: Set<string>;
}

/**
 * Parses `/proc/cpuinfo` text.
 *
 * @param text The file's content.
 * @returns The model name and flags of the first processor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCpuInfo } from "./proc.ts";
 * const cpu = parseCpuInfo("processor\t: 0\nmodel name\t: Xeon\nflags\t\t: fpu avx2\n");
 * assert(cpu.model === "Xeon" && cpu.flags.has("avx2"));
 * ```
 */
export function parseCpuInfo(text: string): CpuInfo {
  let model = "unknown";
  let flags = new Set<string>();
  let seenModel = false, seenFlags = false;
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === "model name" && !seenModel) {
      model = value;
      seenModel = true;
    } else if (key === "flags" && !seenFlags) {
      flags = new Set(value.split(/\s+/).filter(Boolean));
      seenFlags = true;
    }
  }
  return { model, flags };
}

/**
 * This machine's CPU ({@linkcode parseCpuInfo} of `/proc/cpuinfo`; `"unknown"`
 * and no flags where it cannot be read).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCpuInfo } from "./proc.ts";
 * assert(readCpuInfo().model.length > 0);
 * ```
 */
export function readCpuInfo(): CpuInfo {
  return parseCpuInfo(readProcFile("/proc/cpuinfo") ?? "");
}

/**
 * The load averages over 1, 5 and 15 minutes (`/proc/loadavg`).
 *
 * @returns Three numbers, or null where `/proc` cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLoadavg } from "./proc.ts";
 * const load = readLoadavg();
 * assert(load === null || (load.length === 3 && load.every((x) => x >= 0)));
 * ```
 */
export function readLoadavg(): number[] | null {
  const load = readProcFile("/proc/loadavg")?.trim().split(/\s+/).slice(0, 3).map(Number);
  return load && load.length === 3 && load.every(Number.isFinite) ? load : null;
}

/** Memory figures of `/proc/<pid>/status`, in bytes. */
export interface ProcMemory {
  /** `VmHWM`: the peak resident set size since the process started. */
  vmHwmBytes?: number;
  /** `VmRSS`: the resident set size now. */
  vmRssBytes?: number;
}

/**
 * Parses `VmHWM` and `VmRSS` out of `/proc/<pid>/status` text.
 *
 * @param text The file's content.
 * @returns The values in bytes (fields absent from the text are left out).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseProcStatus } from "./proc.ts";
 * const m = parseProcStatus("Name:\tdeno\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n");
 * assert(m.vmHwmBytes === 2048 * 1024 && m.vmRssBytes === 1024 * 1024);
 * ```
 */
export function parseProcStatus(text: string): ProcMemory {
  const out: ProcMemory = {};
  const field = (name: string) => {
    const m = text.match(new RegExp(`^${name}:\\s*(\\d+)\\s*kB`, "m"));
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const hwm = field("VmHWM"), rss = field("VmRSS");
  if (hwm !== undefined) out.vmHwmBytes = hwm;
  if (rss !== undefined) out.vmRssBytes = rss;
  return out;
}

/**
 * This process's `VmHWM`/`VmRSS` (see {@linkcode readProcFile} for permissions).
 *
 * @returns The figures, or `{}` where `/proc` cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readProcMemory } from "./proc.ts";
 * const m = readProcMemory();
 * assert(m.vmHwmBytes === undefined || m.vmHwmBytes > 0);
 * ```
 */
export function readProcMemory(): ProcMemory {
  const text = readProcFile("/proc/self/status");
  return text === undefined ? {} : parseProcStatus(text);
}
