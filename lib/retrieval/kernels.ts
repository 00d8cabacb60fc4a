/**
 * Choosing a score kernel by name: `wasm` (xlir's own WebAssembly SIMD kernel
 * on `XLIR_THREADS` threads, default the cores; the default kernel),
 * `tfjs-wasm` (XNNPACK, one thread) or `js` (plain TypeScript, the reference).
 * The name comes from the argument, else the `XLIR_SEARCH_KERNEL` environment
 * variable, else `wasm`.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { jsKernel } from "./js_kernel.ts";
import type { ScoreKernel } from "./score_kernel.ts";
import { createTfjsWasmKernel } from "./tfjs_kernel.ts";
import { createWasmKernel } from "./wasm_kernel.ts";

/** The kernel names {@linkcode loadKernel} knows. */
export const KERNELS = ["wasm", "tfjs-wasm", "js"] as const;

/** A kernel name. */
export type KernelName = typeof KERNELS[number];

/**
 * Loads a score kernel.
 *
 * @param name `wasm`, `tfjs-wasm` or `js`; default `XLIR_SEARCH_KERNEL` or `wasm`.
 * @returns The kernel, ready to use.
 * @throws {InputError} for an unknown name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadKernel } from "./kernels.ts";
 * const kernel = await loadKernel("js");
 * assert(kernel.name === "js");
 * ```
 */
export async function loadKernel(name?: string): Promise<ScoreKernel> {
  const wanted = (name ?? Deno.env.get("XLIR_SEARCH_KERNEL") ?? "wasm").trim() || "wasm";
  switch (wanted) {
    case "wasm":
      return await createWasmKernel();
    case "tfjs-wasm":
      return await createTfjsWasmKernel();
    case "js":
      return jsKernel;
    default:
      throw new InputError(
        `Unknown search kernel "${wanted}" (XLIR_SEARCH_KERNEL or argument), expected one of ${
          KERNELS.join(", ")
        }`,
      );
  }
}
