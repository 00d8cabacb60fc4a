/**
 * An allocator over a `WebAssembly.Memory`: first-fit over a free list,
 * 16-byte aligned, growing the memory when nothing fits. Views it hands out
 * stay valid through growth: a shared memory never detaches its buffers, and
 * an unshared one is switched to a resizable buffer
 * (`memory.toResizableBuffer()`), which grows in place.
 *
 * @module
 */

const PAGE = 65536;

/**
 * Allocations in a WebAssembly memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Arena } from "./arena.ts";
 * const arena = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 65536 }));
 * const a = arena.f32(arena.alloc(4 * 100_000), 100_000); // grows the memory
 * a[99_999] = 1;
 * arena.alloc(1 << 20); // grows it again: `a` stays valid
 * assert(a[99_999] === 1);
 * ```
 */
export class Arena {
  /** The memory. */
  readonly memory: WebAssembly.Memory;
  /** The memory's buffer (one object for an unshared memory; the latest for a shared one). */
  #buffer: ArrayBufferLike;
  #shared: boolean;
  #free: [number, number][] = [];
  #used = new Map<number, number>();
  // Every buffer object views were made on (a shared memory gets a new one per growth).
  #buffers = new WeakSet<ArrayBufferLike>();

  /**
   * @param memory The memory (an unshared one, with a maximum, is switched to a resizable buffer).
   * @param reserved Bytes at the start never handed out.
   */
  constructor(memory: WebAssembly.Memory, reserved = 0) {
    this.memory = memory;
    this.#shared = memory.buffer instanceof SharedArrayBuffer;
    this.#buffer = this.#shared ? memory.buffer : (memory as unknown as {
      toResizableBuffer(): ArrayBuffer;
    }).toResizableBuffer();
    const start = Math.ceil(reserved / 16) * 16;
    if (start < this.#buffer.byteLength) this.#free.push([start, this.#buffer.byteLength]);
  }

  /** Bytes the memory holds now. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Allocates `bytes` (16-byte aligned, contents unspecified), growing the memory when needed.
   *
   * @returns The byte address.
   * @throws {RangeError} when the memory would pass 4 GiB (or its maximum).
   */
  alloc(bytes: number): number {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    for (let k = 0; k < this.#free.length; k++) {
      const [s, e] = this.#free[k];
      if (e - s >= size) {
        if (e - s === size) this.#free.splice(k, 1);
        else this.#free[k] = [s + size, e];
        this.#used.set(s, size);
        return s;
      }
    }
    const end = this.memory.buffer.byteLength;
    const last = this.#free.at(-1);
    const start = last && last[1] === end ? last[0] : end;
    const pages = Math.ceil((start + size - end) / PAGE);
    if (end / PAGE + pages > 65536) {
      throw new RangeError(
        `Cannot allocate ${bytes} bytes: WebAssembly memory is limited to 4 GiB`,
      );
    }
    this.memory.grow(pages); // throws RangeError past the memory's maximum
    if (this.#shared) this.#buffer = this.memory.buffer;
    this.#free.push([end, end + pages * PAGE]);
    this.#merge();
    return this.alloc(bytes);
  }

  /** Frees what {@linkcode Arena.alloc} returned. */
  free(at: number): void {
    const size = this.#used.get(at);
    if (size === undefined) throw new Error(`Arena.free: ${at} is not allocated`);
    this.#used.delete(at);
    this.#free.push([at, at + size]);
    this.#merge();
  }

  #merge(): void {
    this.#free.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of this.#free) {
      const last = merged.at(-1);
      if (last && last[1] === r[0]) last[1] = r[1];
      else merged.push([r[0], r[1]]);
    }
    this.#free = merged;
  }

  #view(): ArrayBufferLike {
    this.#buffers.add(this.#buffer);
    return this.#buffer;
  }

  /** `n` floats at byte `at`. */
  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.#view(), at, n);
  }

  /** `n` doubles at byte `at`. */
  f64(at: number, n: number): Float64Array {
    return new Float64Array(this.#view(), at, n);
  }

  /** `n` int32s at byte `at`. */
  i32(at: number, n: number): Int32Array {
    return new Int32Array(this.#view(), at, n);
  }

  /** Whether `view` is a view this arena made (so it lies in the memory). */
  owns(view: ArrayBufferView): boolean {
    return this.#buffers.has(view.buffer);
  }
}

/**
 * Copies the bytes of `source` into `target` from element `at` (same element
 * type): a plain memory copy, several times faster than `TypedArray.set`
 * when one side lives in a WebAssembly memory (a resizable or shared buffer).
 *
 * @param target The destination.
 * @param source The values (`target`'s element type).
 * @param at First element of `target` written. Default 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyInto } from "./arena.ts";
 * const out = new Float32Array(4);
 * copyInto(out, new Float32Array([1, 2]), 1);
 * assert(out.join() === "0,1,2,0");
 * ```
 */
export function copyInto(
  target: Float32Array | Float64Array | Int32Array,
  source: Float32Array | Float64Array | Int32Array,
  at = 0,
): void {
  const size = target.BYTES_PER_ELEMENT;
  if (source.BYTES_PER_ELEMENT !== size || at < 0 || at + source.length > target.length) {
    throw new RangeError("copyInto: element types differ or the source does not fit");
  }
  new Uint8Array(target.buffer, target.byteOffset + at * size, source.byteLength).set(
    new Uint8Array(source.buffer, source.byteOffset, source.byteLength),
  );
}
