import assert from "node:assert/strict";
import { machineInfo, parseCpuInfo } from "./machine.ts";

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

Deno.test("machineInfo() describes this machine", () => {
  const { machine } = machineInfo();
  assert.ok(machine.cores >= 1);
  assert.ok(machine.memoryGiB > 0);
  assert.equal(machine.loadavg.length, 3);
});
