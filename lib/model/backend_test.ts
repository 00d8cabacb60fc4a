import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import {
  backendInfo,
  ensureBackend,
  initBackend,
  tensorflowPackage,
  tensorFromValues,
  webgpuAdapter,
} from "./backend.ts";
import { InputError } from "../util/errors.ts";
import { runWithEnv, skipUnless } from "../util/testing.ts";

/** An `n × n` product of fixed inputs (built in JS, so only the product runs on the backend). */
async function matMulSum(n: number): Promise<Float32Array> {
  const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: n * n }, (_, i) => Math.cos(3 * i));
  const c = tf.tidy(() => tf.matMul(tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n])));
  const out = await c.data() as Float32Array;
  c.dispose();
  return out;
}

Deno.test("initBackend('wasm') starts the SIMD build from any working directory", async () => {
  const info = await initBackend("wasm");
  assert.deepEqual(info, { name: "wasm", threads: 1, simd: true });
  assert.equal(tf.getBackend(), "wasm");
  assert.deepEqual(backendInfo(), info);
  // Another working directory in a child process: the cwd is shared by the test modules beside this one.
  const code = `import { initBackend } from "${new URL("./backend.ts", import.meta.url)}";
    console.log(JSON.stringify(await initBackend("wasm")));`;
  const elsewhere = await runWithEnv(code, {}, await Deno.makeTempDir());
  assert.deepEqual(JSON.parse(elsewhere), info);
});

Deno.test("initBackend() reads XLIR_BACKEND; ensureBackend() keeps the backend chosen", async () => {
  // XLIR_BACKEND in a child process: the environment is shared by the test modules running beside this one.
  const code = `import { ensureBackend, initBackend } from "${new URL(
    "./backend.ts",
    import.meta.url,
  )}";
    console.log(JSON.stringify([(await initBackend()).name, (await ensureBackend()).name]));`;
  assert.deepEqual(JSON.parse(await runWithEnv(code, { XLIR_BACKEND: "cpu" })), ["cpu", "cpu"]);
  await initBackend("cpu");
  assert.equal((await ensureBackend()).name, "cpu");
  await initBackend("wasm");
  assert.equal((await ensureBackend()).name, "wasm");
});

Deno.test("wasm and cpu backends multiply alike", async () => {
  await initBackend("cpu");
  const cpu = await matMulSum(64);
  await initBackend("wasm");
  const wasm = await matMulSum(64);
  for (let i = 0; i < cpu.length; i += 97) assert.ok(Math.abs(cpu[i] - wasm[i]) < 1e-3);
});

Deno.test("initBackend() rejects an unknown name and lists the known ones", async () => {
  await assert.rejects(
    () => initBackend("tpu"),
    (e) =>
      e instanceof InputError &&
      /Unknown backend "tpu".*wasm, cpu, webgpu, tensorflow/.test(e.message),
  );
});

const tfNode = tensorflowPackage();

Deno.test({
  name: "initBackend('tensorflow') says how to install tfjs-node when it is absent",
  ignore: tfNode !== undefined,
  async fn() {
    await assert.rejects(
      () => initBackend("tensorflow"),
      (e) =>
        e instanceof InputError && /npm install @tensorflow\/tfjs-node@4\.22\.0/.test(e.message),
    );
  },
});

// tfjs-node downloads libtensorflow when installed, so it is never part of the default install: skipped
// whenever absent, CI included.
Deno.test({
  name: "initBackend('tensorflow') runs on libtensorflow when tfjs-node is installed",
  ignore: tfNode === undefined,
  async fn() {
    await initBackend("cpu");
    const cpu = await matMulSum(32);
    const info = await initBackend("tensorflow");
    assert.equal(info.name, "tensorflow");
    const native = await matMulSum(32);
    for (let i = 0; i < cpu.length; i += 31) assert.ok(Math.abs(cpu[i] - native[i]) < 1e-3);
  },
});

const adapter = await webgpuAdapter();

Deno.test({
  name: "initBackend('webgpu') reports the adapter and multiplies like the cpu backend",
  ignore: skipUnless(adapter !== undefined, "a WebGPU adapter (Debian mesa-vulkan-drivers)"),
  async fn() {
    await initBackend("cpu");
    const cpu = await matMulSum(128);
    const info = await initBackend("webgpu");
    assert.equal(info.name, "webgpu");
    assert.equal(info.adapter, adapter);
    const gpu = await matMulSum(128);
    for (let i = 0; i < cpu.length; i += 101) assert.ok(Math.abs(cpu[i] - gpu[i]) < 1e-3);
    await initBackend("cpu");
  },
});

Deno.test({
  name: "tensorFromValues on webgpu: the values and dtype of tf.tensor, no tensor or buffer leaked",
  ignore: skipUnless(adapter !== undefined, "a WebGPU adapter (Debian mesa-vulkan-drivers)"),
  async fn() {
    await initBackend("webgpu");
    const before = tf.memory().numTensors;
    const f = Float32Array.from({ length: 3 * 5 * 7 }, (_, i) => Math.sin(i) * 1e3);
    const i32 = Int32Array.from({ length: 6 }, (_, i) => i * -7);
    for (let round = 0; round < 3; round++) {
      const a = tensorFromValues(f, [3, 5, 7]);
      const b = tensorFromValues(i32, [2, 3]);
      const sum = tf.tidy(() => tf.add(a, tf.scalar(0)));
      assert.deepEqual(a.shape, [3, 5, 7]);
      assert.equal(a.dtype, "float32");
      assert.equal(b.dtype, "int32");
      assert.deepEqual(await a.data(), f);
      assert.deepEqual(await b.data(), i32);
      assert.deepEqual(await sum.data(), f);
      tf.dispose([a, b, sum]);
    }
    assert.equal(tf.memory().numTensors, before);
    await initBackend("cpu");
  },
});
