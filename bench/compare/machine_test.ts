import assert from "node:assert/strict";
import { machineInfo } from "./machine.ts";

Deno.test("machineInfo() describes this machine", () => {
  const { machine } = machineInfo();
  assert.ok(machine.cores >= 1);
  assert.ok(machine.memoryGiB > 0);
  assert.equal(machine.loadavg.length, 3);
});
