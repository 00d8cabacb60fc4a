/**
 * TensorFlow.js backends for the transformer: `wasm` (default, SIMD, single
 * thread under Deno), `cpu` (pure JS), `webgpu` (Deno's WebGPU; on a machine
 * without a GPU, Mesa's software Vulkan driver "llvmpipe") and `tensorflow`
 * (native libtensorflow through `@tensorflow/tfjs-node-gpu` or
 * `@tensorflow/tfjs-node`, installed separately). The name comes from the
 * argument, else the `XLIR_BACKEND` environment variable, else `wasm`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { InputError } from "../util/errors.ts";

/** The backends {@linkcode initBackend} knows. */
export const BACKENDS = ["wasm", "cpu", "webgpu", "tensorflow"] as const;

/** A backend name. */
export type BackendName = typeof BACKENDS[number];

/** What a result records about the backend that produced it. */
export interface BackendInfo {
  /** The tfjs backend name (`"wasm"`, `"cpu"`, `"webgpu"`, `"tensorflow"`). */
  name: BackendName;
  /** Threads the backend computes with (1 for wasm under Deno and for cpu). */
  threads: number;
  /** Whether the wasm backend runs its SIMD build. */
  simd: boolean;
  /** The GPU adapter (webgpu: e.g. `"llvmpipe (LLVM 15.0.6, 256 bits)"`; tensorflow: `"gpu"`/`"cpu"`). */
  adapter?: string;
}

/** The npm packages tried, in order, for the `tensorflow` backend. */
export const TFJS_NODE_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

let current: BackendInfo | undefined;

/**
 * Makes wasm's `Identity` share its input's buffer, as the cpu and webgpu
 * backends do: tfjs clones every tensor it keeps for the backward pass with
 * `Identity`, and wasm's copies, doubling training memory in its 32-bit heap.
 * Safe because tfjs tensors are immutable (wasm's `Reshape` shares the same way).
 */
function shareWasmIdentity(): void {
  if ((tf.getKernel(tf.Identity, "wasm") as { xlirShared?: boolean } | undefined)?.xlirShared) {
    return;
  }
  tf.unregisterKernel(tf.Identity, "wasm");
  const config: tf.KernelConfig & { xlirShared: boolean } = {
    kernelName: tf.Identity,
    backendName: "wasm",
    xlirShared: true,
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      (backend as unknown as { incRef(id: tf.DataId): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
  tf.registerKernel(config);
}

function isBackendName(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}

async function requestGpuAdapter(): Promise<GPUAdapter | null> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  if (!gpu) return null;
  // Mesa's window-system code complains on stderr when XDG_RUNTIME_DIR is unset.
  if (Deno.build.os === "linux" && !Deno.env.get("XDG_RUNTIME_DIR")) {
    Deno.env.set("XDG_RUNTIME_DIR", Deno.makeTempDirSync({ prefix: "xlir-xdg-" }));
  }
  try {
    return await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch {
    return null;
  }
}

/**
 * Describes the WebGPU adapter Deno finds, without starting the backend.
 *
 * @returns The adapter's description (e.g. `"llvmpipe (LLVM 15.0.6, 256 bits)"`), or
 * `undefined` when there is no `navigator.gpu` or no adapter.
 *
 * @example
 * ```ts
 * import { webgpuAdapter } from "./backend.ts";
 * console.log((await webgpuAdapter()) ?? "no WebGPU adapter");
 * ```
 */
export async function webgpuAdapter(): Promise<string | undefined> {
  const adapter = await requestGpuAdapter();
  if (!adapter) return undefined;
  const info = adapter.info;
  return info.description ||
    [info.vendor, info.architecture, info.device].filter(Boolean).join(" ");
}

/**
 * Whether `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node` resolves
 * here (a dependency in package.json or the import map), without loading it.
 *
 * @returns The first package that resolves, or `undefined`.
 *
 * @example
 * ```ts
 * import { tensorflowPackage } from "./backend.ts";
 * console.log(tensorflowPackage() ?? "tfjs-node is not installed");
 * ```
 */
export function tensorflowPackage(): string | undefined {
  for (const pkg of TFJS_NODE_PACKAGES) {
    try {
      import.meta.resolve(pkg);
      return pkg;
    } catch {
      // not installed
    }
  }
  return undefined;
}

async function importTfjsNode(): Promise<{ pkg: string; gpu: boolean }> {
  const pkg = tensorflowPackage();
  if (pkg === undefined) {
    throw new InputError(
      "backend tensorflow needs @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node, " +
        "which are not installed: in the xlir folder run `npm install @tensorflow/tfjs-node@4.22.0` " +
        "(or @tensorflow/tfjs-node-gpu@4.22.0; its install script downloads libtensorflow), " +
        "then run Deno with --allow-ffi",
    );
  }
  try {
    // A specifier kept out of the import map: type-check and install never need it.
    const spec: string = pkg;
    await import(spec);
  } catch (err) {
    throw new InputError(
      `backend tensorflow: ${pkg} is installed but failed to load (is libtensorflow there? ` +
        `does Deno have --allow-ffi?): ${(err as Error).message.split("\n")[0]}`,
    );
  }
  return { pkg, gpu: pkg.endsWith("-gpu") };
}

/**
 * Selects and initialises a tfjs backend; later calls switch backends.
 * Silences tfjs's banner (`enableProdMode`).
 *
 * @param name `wasm`, `cpu`, `webgpu` or `tensorflow`; default `XLIR_BACKEND` or `wasm`.
 * @returns What was selected, for results to record.
 * @throws {InputError} for an unknown name or a backend that cannot start here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "./backend.ts";
 * const info = await initBackend("cpu");
 * assert(info.name === "cpu" && info.threads === 1);
 * ```
 */
export async function initBackend(name?: string): Promise<BackendInfo> {
  const wanted = (name ?? Deno.env.get("XLIR_BACKEND") ?? "wasm").trim().toLowerCase() || "wasm";
  if (!isBackendName(wanted)) {
    throw new InputError(
      `Unknown backend "${wanted}" (XLIR_BACKEND or argument), expected one of ${
        BACKENDS.join(", ")
      }`,
    );
  }
  tf.enableProdMode();
  let info: BackendInfo;
  if (wanted === "wasm") {
    // The package's Node build finds its .wasm files beside itself (in node_modules), from any cwd.
    await import("@tensorflow/tfjs-backend-wasm");
    shareWasmIdentity();
    info = { name: "wasm", threads: 1, simd: false };
  } else if (wanted === "cpu") {
    await import("@tensorflow/tfjs-backend-cpu");
    info = { name: "cpu", threads: 1, simd: false };
  } else if (wanted === "webgpu") {
    if (!(navigator as { gpu?: GPU }).gpu) {
      throw new InputError(
        "backend webgpu: navigator.gpu is undefined (older Deno versions need --unstable-webgpu)",
      );
    }
    const adapter = await webgpuAdapter();
    if (adapter === undefined) {
      throw new InputError(
        "backend webgpu: navigator.gpu.requestAdapter() found no adapter; on Linux install a " +
          "Vulkan driver (e.g. Debian mesa-vulkan-drivers for the llvmpipe software adapter)",
      );
    }
    await import("@tensorflow/tfjs-backend-webgpu");
    info = { name: "webgpu", threads: 1, simd: false, adapter };
  } else {
    const { gpu } = await importTfjsNode();
    info = { name: "tensorflow", threads: navigator.hardwareConcurrency, simd: true };
    info.adapter = gpu ? "gpu" : "cpu";
  }
  let ok = false;
  try {
    ok = await tf.setBackend(wanted);
  } catch (err) {
    throw new InputError(`backend ${wanted} failed to start: ${(err as Error).message}`);
  }
  if (!ok || tf.getBackend() !== wanted) {
    throw new InputError(`backend ${wanted} failed to start (tf.setBackend returned false)`);
  }
  await tf.ready();
  if (wanted === "wasm") {
    info.simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
    const threaded = Boolean(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"));
    info.threads = threaded ? navigator.hardwareConcurrency : 1;
  }
  current = info;
  return { ...info };
}

/**
 * Makes sure a backend is ready: keeps the one {@linkcode initBackend} chose,
 * else initialises the default (`XLIR_BACKEND` or `wasm`).
 *
 * @returns The backend in use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ensureBackend } from "./backend.ts";
 * const info = await ensureBackend();
 * assert(info.name.length > 0);
 * ```
 */
export async function ensureBackend(): Promise<BackendInfo> {
  if (current && tf.getBackend() === current.name) return { ...current };
  return await initBackend();
}

/**
 * Describes the backend last set up by {@linkcode initBackend}.
 *
 * @returns The name, threads, SIMD and adapter; `undefined` before any initialisation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backendInfo, initBackend } from "./backend.ts";
 * await initBackend("cpu");
 * assert(backendInfo()?.name === "cpu");
 * ```
 */
export function backendInfo(): BackendInfo | undefined {
  return current ? { ...current } : undefined;
}

/**
 * `tf.tensor(values, shape, dtype)`, except on the webgpu backend, where the
 * values are written with `GPUQueue.writeBuffer` into a fresh buffer that tfjs
 * copies on the GPU. tfjs's own upload fills a mapped staging buffer through
 * `getMappedRange`, which under Deno on a discrete GPU (NVIDIA H100, Vulkan)
 * ran at about 20 MB/s and took most of a training step's time; `writeBuffer`
 * avoids reading mapped memory back. Same values and shape on every backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import { initBackend, tensorFromValues } from "./backend.ts";
 * await initBackend("cpu");
 * const t = tensorFromValues(Float32Array.of(1, 2, 3, 4), [2, 2]);
 * assert(t.shape[1] === 2 && (await t.data())[3] === 4);
 * t.dispose();
 * ```
 */
export function tensorFromValues(
  values: Float32Array | Int32Array,
  shape: number[],
  dtype: "float32" | "int32" = values instanceof Int32Array ? "int32" : "float32",
): tf.Tensor {
  if (tf.getBackend() !== "webgpu" || values.length === 0) return tf.tensor(values, shape, dtype);
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const data = dtype === "int32"
    ? (values instanceof Int32Array ? values : Int32Array.from(values))
    : (values instanceof Float32Array ? values : Float32Array.from(values));
  const buffer = device.createBuffer({
    size: data.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer>);
  // Not zero-copy: tfjs copies into its own pooled buffer (a GPU copy submitted
  // after the write); destroying ours is deferred by WebGPU until that copy is done.
  const t = tf.tensor({ buffer }, shape, dtype);
  buffer.destroy();
  return t;
}
