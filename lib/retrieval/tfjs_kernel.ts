/**
 * The TensorFlow.js score kernel on the `wasm` backend, whose float32 matrix
 * product is XNNPACK's (SIMD, one thread under Deno). The package's Node build
 * reads its `.wasm` files from beside itself in `node_modules`, so it loads
 * with `deno run`/`deno test` from any working directory.
 *
 * Only the untransposed product reaches XNNPACK (tfjs 4.22 routes
 * `transposeA`/`transposeB` to a slow generic loop), so the kernel computes
 * `docs (n × d) · queriesᵀ (d × q)` with the queries transposed once per block.
 *
 * The kernel does not take tfjs's global backend away from the code that chose
 * it (e.g. the model on `webgpu`): it switches to `wasm` for the duration of a
 * call — synchronously, so nothing else runs in between — and back.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { QueryBlock, ScoreKernel } from "./score_kernel.ts";

let initialised: Promise<void> | undefined;

async function initWasmBackend(): Promise<void> {
  // Registers the backend and its kernels.
  await import("@tensorflow/tfjs-backend-wasm");
  const prev = tf.engine().backendName;
  if (!(await tf.setBackend("wasm"))) {
    throw new Error(
      "tfjs wasm backend failed to initialise (tf.setBackend('wasm') returned false)",
    );
  }
  await tf.ready();
  if (prev && prev !== "wasm") await tf.setBackend(prev);
}

/** Runs `fn` with `wasm` as tfjs's backend, restoring the previous backend afterwards. */
function withWasm<T>(fn: () => T): T {
  const engine = tf.engine();
  const prev = engine.backendName;
  if (prev === "wasm") return fn();
  // For a backend already initialised, the switch happens synchronously.
  void tf.setBackend("wasm");
  if (engine.backendName !== "wasm" || tf.backend() !== engine.findBackend("wasm")) {
    throw new Error("tfjs wasm kernel: could not switch to the wasm backend synchronously");
  }
  try {
    return fn();
  } finally {
    if (prev) void tf.setBackend(prev);
  }
}

class TfjsWasmQueryBlock implements QueryBlock {
  readonly nQueries: number;
  #dim: number;
  #qT: tf.Tensor2D | null;
  #out = new Float32Array(0);

  constructor(queries: Float32Array, nQueries: number, dim: number) {
    this.nQueries = nQueries;
    this.#dim = dim;
    const t = new Float32Array(dim * nQueries);
    for (let j = 0; j < nQueries; j++) {
      for (let c = 0; c < dim; c++) t[c * nQueries + j] = queries[j * dim + c];
    }
    this.#qT = withWasm(() => tf.tensor2d(t, [dim, nQueries]));
  }

  score(docs: Float32Array, nDocs: number): Float32Array {
    const qT = this.#qT;
    if (!qT) throw new Error("QueryBlock.score() called after dispose()");
    const n = nDocs * this.nQueries;
    if (this.#out.length < n) this.#out = new Float32Array(n);
    const out = this.#out.subarray(0, n);
    if (n === 0) return out;
    withWasm(() => {
      const a = tf.tensor2d(docs.subarray(0, nDocs * this.#dim), [nDocs, this.#dim]);
      const c = tf.matMul(a, qT);
      a.dispose();
      try {
        // Copy straight from the wasm heap (dataSync() would allocate a copy first).
        const backend = tf.engine().findBackend("wasm") as BackendWasm;
        const offset = backend.dataIdMap.get(c.dataId).memoryOffset;
        const heap = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
        out.set(new Float32Array(heap.buffer, offset, n));
      } finally {
        c.dispose();
      }
    });
    return out;
  }

  dispose(): void {
    if (this.#qT) withWasm(() => this.#qT?.dispose());
    this.#qT = null;
    this.#out = new Float32Array(0);
  }
}

/**
 * Creates the tfjs `wasm` (XNNPACK) kernel, initialising the backend once.
 * Leaves tfjs's selected backend as it was (when none was selected, `wasm`
 * stays selected).
 *
 * @returns The kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTfjsWasmKernel } from "./tfjs_kernel.ts";
 * const kernel = await createTfjsWasmKernel();
 * const block = kernel.prepare(new Float32Array([1, 0, 0, 1]), 2, 2);
 * const out = block.score(new Float32Array([0.5, 0.25]), 1);
 * assert(out[0] === 0.5 && out[1] === 0.25);
 * block.dispose();
 * ```
 */
export async function createTfjsWasmKernel(): Promise<ScoreKernel> {
  initialised ??= initWasmBackend();
  try {
    await initialised;
  } catch (err) {
    initialised = undefined;
    throw err;
  }
  return {
    name: "tfjs-wasm",
    prepare(queries: Float32Array, nQueries: number, dim: number): QueryBlock {
      return new TfjsWasmQueryBlock(queries, nQueries, dim);
    },
  };
}
