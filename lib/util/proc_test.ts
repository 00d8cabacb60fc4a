import assert from "node:assert/strict";
import {
  parseCpuInfo,
  parseProcStatus,
  readCpuInfo,
  readLoadavg,
  readProcFile,
  readProcMemory,
} from "./proc.ts";

Deno.test("parseCpuInfo() takes the first processor's model name and flags", () => {
  const text = [
    "processor\t: 0",
    "model name\t: Intel(R) Xeon(R) Processor",
    "flags\t\t: fpu sse4_2 avx2 fma",
    "",
    "processor\t: 1",
    "model name\t: Other",
    "flags\t\t: fpu",
  ].join("\n");
  const cpu = parseCpuInfo(text);
  assert.equal(cpu.model, "Intel(R) Xeon(R) Processor");
  assert.deepEqual([...cpu.flags], ["fpu", "sse4_2", "avx2", "fma"]);
});

Deno.test("parseCpuInfo() says unknown when there is no model name", () => {
  const cpu = parseCpuInfo("processor : 0\n");
  assert.equal(cpu.model, "unknown");
  assert.equal(cpu.flags.size, 0);
});

Deno.test("parseProcStatus() reads VmHWM and VmRSS in bytes and skips absent fields", () => {
  const text = "Name:\tdeno\nVmPeak:\t 9000 kB\nVmHWM:\t  259864 kB\nVmRSS:\t  120000 kB\n";
  assert.deepEqual(parseProcStatus(text), {
    vmHwmBytes: 259864 * 1024,
    vmRssBytes: 120000 * 1024,
  });
  assert.deepEqual(parseProcStatus("Name:\tdeno\n"), {});
});

Deno.test("readProcMemory() reports a high-water mark at least the current RSS on Linux", () => {
  const m = readProcMemory();
  if (Deno.build.os !== "linux") return void assert.deepEqual(m, {});
  assert.ok(m.vmHwmBytes! > 0 && m.vmRssBytes! > 0);
  assert.ok(m.vmHwmBytes! >= m.vmRssBytes!);
});

Deno.test("readProcFile() reads /proc/self through cat when direct reads are refused", () => {
  const text = readProcFile("/proc/self/status");
  if (Deno.build.os !== "linux") return void assert.equal(text, undefined);
  assert.match(text!, /^VmRSS:/m);
  assert.equal(readProcFile("/proc/no-such-file"), undefined);
});

Deno.test("readCpuInfo() and readLoadavg() describe this machine on Linux", () => {
  if (Deno.build.os !== "linux") return;
  assert.notEqual(readCpuInfo().model, "unknown");
  assert.equal(readLoadavg()?.length, 3);
});
