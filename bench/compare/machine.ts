/**
 * The machine a bench ran on, recorded with its numbers: CPU model and
 * flags, cores, memory, load, and the versions of the runtimes.
 *
 * @module
 */

import { readCpuInfo, readLoadavg } from "../../lib/util/proc.ts";

/** The machine, as recorded in `bench.json`. */
export interface MachineInfo {
  /** CPU model name. */
  cpu: string;
  /** Logical cores. */
  cores: number;
  /** Total memory, GiB. */
  memoryGiB: number;
  /** Load averages (1, 5, 15 minutes) when the bench started; empty without `/proc`. */
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
  const cpu = readCpuInfo();
  const simd = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni"]
    .filter((f) => cpu.flags.has(f));
  return {
    machine: {
      cpu: cpu.model,
      cores: navigator.hardwareConcurrency,
      memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30 * 10) / 10,
      loadavg: readLoadavg() ?? [],
      os: `${Deno.build.os} ${Deno.build.arch}`,
      simd,
    },
    flags: cpu.flags,
  };
}
