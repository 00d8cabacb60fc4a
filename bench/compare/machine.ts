/**
 * The machine a bench ran on, recorded with its numbers: CPU model and
 * flags, cores, memory, load, and the versions of the runtimes.
 *
 * @module
 */

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
 * import { parseCpuInfo } from "./machine.ts";
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
 * The text of `/proc/cpuinfo`, or "" where there is none. Deno reads `/proc`
 * only under `--allow-all`; with `--allow-run` alone it is read through `cat`.
 */
function readCpuInfoText(): string {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo");
  } catch {
    try {
      const out = new Deno.Command("cat", { args: ["/proc/cpuinfo"], stderr: "null" }).outputSync();
      return out.success ? new TextDecoder().decode(out.stdout) : "";
    } catch {
      return "";
    }
  }
}

/** The machine, as recorded in `bench.json`. */
export interface MachineInfo {
  /** CPU model name. */
  cpu: string;
  /** Logical cores. */
  cores: number;
  /** Total memory, GiB. */
  memoryGiB: number;
  /** Load averages (1, 5, 15 minutes) when the bench started. */
  loadavg: number[];
  /** OS and architecture. */
  os: string;
  /** The SIMD flags that matter for the kernels (avx2, fma, avx512f …). */
  simd: string[];
}

/**
 * Describes this machine (reads `/proc/cpuinfo` when there is one, directly
 * or, without `--allow-all`, through `cat` under `--allow-run`).
 *
 * @returns The description and the full CPU flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { machineInfo } from "./machine.ts";
 * const { machine } = machineInfo();
 * assert(machine.cores >= 1);
 * ```
 */
export function machineInfo(): { machine: MachineInfo; flags: Set<string> } {
  const cpu = parseCpuInfo(readCpuInfoText());
  const simd = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni"]
    .filter((f) => cpu.flags.has(f));
  return {
    machine: {
      cpu: cpu.model,
      cores: navigator.hardwareConcurrency,
      memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30 * 10) / 10,
      loadavg: Deno.loadavg().map((x) => Math.round(x * 100) / 100),
      os: `${Deno.build.os} ${Deno.build.arch}`,
      simd,
    },
    flags: cpu.flags,
  };
}
