/**
 * Choosing a score kernel by name: `tfjs-wasm` (XNNPACK, the default: about
 * 7× the plain loop here) or `js` (plain TypeScript). The name comes from the
 * argument, else the `XLIR_SEARCH_KERNEL` environment variable, else
 * `tfjs-wasm`.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { jsKernel } from "./js_kernel.ts";
import type { ScoreKernel } from "./score_kernel.ts";
import { createTfjsWasmKernel } from "./tfjs_kernel.ts";

/** The kernel names {@linkcode loadKernel} knows. */
export const KERNELS = ["tfjs-wasm", "js"] as const;

/** A kernel name. */
export type KernelName = typeof KERNELS[number];

/**
 * Loads a score kernel.
 *
 * @param name `tfjs-wasm` or `js`; default `XLIR_SEARCH_KERNEL` or `tfjs-wasm`.
 * @returns The kernel, ready to use.
 * @throws {InputError} for an unknown name.
 *
 * @example
 * ```ts
 * import { loadKernel } from "./kernels.ts";
 * const kernel = await loadKernel("js");
 * console.assert(kernel.name === "js");
 * ```
 */
export async function loadKernel(name?: string): Promise<ScoreKernel> {
  const wanted = (name ?? Deno.env.get("XLIR_SEARCH_KERNEL") ?? "tfjs-wasm").trim() || "tfjs-wasm";
  switch (wanted) {
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
