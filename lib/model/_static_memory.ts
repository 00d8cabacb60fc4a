/**
 * Memory bookkeeping of a {@linkcode StaticEncoder}: with the `"wasm"`
 * kernels its table `E`, the AdamW moments and the scratch live in a
 * WebAssembly memory (the shared one, else a private one when the shared one
 * is full); with the `"js"` kernels they are ordinary typed arrays. Every
 * region an encoder holds in a shared memory is recorded, and given back on
 * `release()` or, when the encoder is collected without it, by a
 * finalization registry.
 *
 * @module
 */

import { type Arena, copyInto } from "../wasm/arena.ts";
import { StaticWasm } from "../wasm/static_kernels.ts";

/** Which implementation of the encoder's loops runs: WebAssembly SIMD (default) or TypeScript. */
export type StaticKernels = "wasm" | "js";

/** Tables made by {@linkcode allocateTable} in a kernel memory, adopted without a copy. */
const homes = new WeakMap<Float32Array, StaticWasm>();

/** Frees an encoder's regions of the shared memory when it is collected without release(). */
const regionsOf = new FinalizationRegistry<{ arena: Arena; regions: Set<number> }>(
  ({ arena, regions }) => {
    for (const at of regions) arena.free(at);
  },
);

/** `bytes` in the shared kernel memory, else in a fresh private one when the shared one is full. */
function sharedOrPrivate(bytes: number): { wasm: StaticWasm; at: number } {
  let wasm = StaticWasm.shared();
  try {
    return { wasm, at: wasm.arena.alloc(bytes) };
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    wasm = new StaticWasm();
    return { wasm, at: wasm.arena.alloc(bytes) };
  }
}

/**
 * A table of `n` float32 values for the given kernels: in a kernel memory
 * (which {@linkcode StaticMemory.adopt} then takes without a copy) with
 * `"wasm"`, an ordinary array with `"js"`. Not zeroed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allocateTable, StaticMemory } from "./_static_memory.ts";
 * const E = allocateTable("wasm", 6).fill(1);
 * const owner = {};
 * const { memory, table } = StaticMemory.adopt("wasm", E, owner);
 * assert(table === E && memory.wasm !== null);
 * memory.release(owner);
 * ```
 */
export function allocateTable(kernels: StaticKernels, n: number): Float32Array {
  if (kernels !== "wasm") return new Float32Array(n);
  const { wasm, at } = sharedOrPrivate(4 * n);
  const table = wasm.arena.f32(at, n);
  homes.set(table, wasm);
  return table;
}

/** The regions one encoder holds: in a kernel memory with `"wasm"`, ordinary arrays with `"js"`. */
export class StaticMemory {
  #wasm: StaticWasm | null;
  #regions = new Set<number>();

  private constructor(wasm: StaticWasm | null) {
    this.#wasm = wasm;
  }

  /**
   * The memory of a new encoder and its table `E`: with `"js"` the given
   * array as is; with `"wasm"` the array itself when {@linkcode allocateTable}
   * made it, else a copy in the shared kernel memory (or a private one).
   *
   * @param kernels The encoder's kernels.
   * @param embeddings The table.
   * @param owner The encoder: its regions of a shared memory are freed when it is collected.
   */
  static adopt(
    kernels: StaticKernels,
    embeddings: Float32Array,
    owner: object,
  ): { memory: StaticMemory; table: Float32Array } {
    const home = homes.get(embeddings);
    homes.delete(embeddings);
    let memory: StaticMemory, table = embeddings;
    if (kernels === "js") memory = new StaticMemory(null);
    else if (home) {
      memory = new StaticMemory(home);
      memory.#regions.add(embeddings.byteOffset);
    } else {
      const { wasm, at } = sharedOrPrivate(4 * embeddings.length);
      memory = new StaticMemory(wasm);
      memory.#regions.add(at);
      table = wasm.arena.f32(at, embeddings.length);
      copyInto(table, embeddings);
    }
    if (memory.#wasm?.shared) {
      regionsOf.register(owner, { arena: memory.#wasm.arena, regions: memory.#regions }, owner);
    }
    return { memory, table };
  }

  /** The kernel memory, or null with the `"js"` kernels (and after {@linkcode release}). */
  get wasm(): StaticWasm | null {
    return this.#wasm;
  }

  /** `bytes` in the kernel memory, recorded as this encoder's. */
  #alloc(bytes: number): number {
    const at = this.#wasm!.arena.alloc(bytes);
    this.#regions.add(at);
    return at;
  }

  /** `n` float64 values, zeroed. */
  f64(n: number): Float64Array {
    const w = this.#wasm;
    return w ? w.arena.f64(this.#alloc(8 * n), n).fill(0) : new Float64Array(n);
  }

  /** `n` float32 values, zeroed unless `zero` is false. */
  f32(n: number, zero = true): Float32Array {
    const w = this.#wasm;
    if (!w) return new Float32Array(n);
    const view = w.arena.f32(this.#alloc(4 * n), n);
    return zero ? view.fill(0) : view;
  }

  /** `n` int32 values, zeroed. */
  i32(n: number): Int32Array {
    const w = this.#wasm;
    return w ? w.arena.i32(this.#alloc(4 * n), n).fill(0) : new Int32Array(n);
  }

  /** Gives an array back (when it is one of this encoder's regions of the kernel memory). */
  free(view: ArrayBufferView | null): void {
    if (view && this.#regions.has(view.byteOffset) && this.#wasm?.arena.owns(view)) {
      this.#regions.delete(view.byteOffset);
      this.#wasm.arena.free(view.byteOffset);
    }
  }

  /** Gives every region back (shared memory) and drops the memory; `owner` as given to adopt(). */
  release(owner: object): void {
    if (this.#wasm?.shared) {
      regionsOf.unregister(owner);
      for (const at of this.#regions) this.#wasm.arena.free(at);
    }
    this.#regions.clear();
    this.#wasm = null;
  }
}
