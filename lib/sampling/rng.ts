/**
 * A small, fast, seedable pseudo-random number generator with serialisable
 * state: xoshiro128** (Blackman & Vigna, 2018), seeded through a
 * splitmix-style hash. It uses only 32-bit integer operations (`Math.imul`,
 * shifts, xor), so a seed gives the same numbers on every platform and in
 * every JavaScript engine. Its outputs for a given seed are fixed forever
 * (golden-value tests in `rng_test.ts`): training runs are reproduced from
 * their seed.
 *
 * @module
 */

/** The serialisable state of an {@linkcode Rng}: four unsigned 32-bit words, not all zero. */
export type RngState = [number, number, number, number];

/** Anything indexable and mutable that {@linkcode Rng.shuffle} can permute (arrays, typed arrays). */
export interface MutableArrayLike<T> {
  readonly length: number;
  [index: number]: T;
}

const GAMMA = 0x9e3779b9; // 2^32 / golden ratio
const TWO_POW_32 = 4294967296;

/** murmur3's 32-bit finaliser: a bijection on uint32 with good avalanche. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Four successive splitmix32 outputs from `x` (never all zero: fmix32 is a bijection). */
function splitMixState(x: number): RngState {
  const out: RngState = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    x = (x + GAMMA) >>> 0;
    out[i] = fmix32(x);
  }
  return out;
}

function checkInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a safe integer, got ${value}`);
  }
}

/** Folds one safe integer (64-bit two's complement: low word, then high word) into the hash `h`. */
function absorb(h: number, value: number): number {
  const lo = value >>> 0;
  const hi = Math.floor(value / TWO_POW_32) >>> 0;
  h = fmix32(((h ^ lo) + GAMMA) >>> 0);
  return fmix32(((h ^ hi) + GAMMA) >>> 0);
}

/**
 * Derives a 32-bit seed from a seed and stream numbers (a splitmix-style hash),
 * so that independent generators can be keyed by e.g. `(seed, epoch, stream)`.
 * Order matters: `deriveSeed(s, 1, 2) !== deriveSeed(s, 2, 1)`, and
 * `deriveSeed(s)` differs from `deriveSeed(s, 0)`.
 *
 * @param seed Any safe integer (negative ones too).
 * @param streams Safe integers naming the stream (epoch, purpose, …).
 * @returns An unsigned 32-bit integer.
 * @throws {RangeError} When a value is not a safe integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deriveSeed } from "./rng.ts";
 * const a = deriveSeed(42, 0);
 * assert(a === deriveSeed(42, 0) && a !== deriveSeed(42, 1));
 * ```
 */
export function deriveSeed(seed: number, ...streams: number[]): number {
  checkInteger(seed, "seed");
  let h = absorb(0x243f6a88, seed);
  for (const s of streams) {
    checkInteger(s, "stream");
    h = absorb(h, s);
  }
  return h;
}

/**
 * A xoshiro128** generator: 2^128 − 1 period, 32-bit outputs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "./rng.ts";
 * const rng = new Rng(7);
 * const die = rng.int(6) + 1; // 1..6, unbiased
 * const saved = rng.state();
 * const x = rng.float();
 * assert(Rng.fromState(saved).float() === x);
 * assert(die >= 1 && die <= 6);
 * ```
 */
export class Rng {
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 0;

  /**
   * Seeds the generator: the four state words are successive splitmix32
   * outputs starting from `deriveSeed(seed)` (never all zero).
   *
   * @param seed Any safe integer.
   */
  constructor(seed: number) {
    [this.#a, this.#b, this.#c, this.#d] = splitMixState(deriveSeed(seed));
  }

  /**
   * A generator whose state is the four successive splitmix32 outputs
   * starting from the 32-bit value `x` itself, not hashed first (the
   * constructor starts from `deriveSeed(seed)`). It keeps the streams that
   * were seeded this way: the static encoder draws its initial weights from
   * `Rng.fromSplitMix(seed)`.
   *
   * @param x Any integer; its low 32 bits are used.
   * @returns A fresh generator.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./rng.ts";
   * // The first output for 7, as a Python transcription of splitmix32 + xoshiro128** gives it.
   * assert(Rng.fromSplitMix(7).nextU32() === 1004282400);
   * assert(Rng.fromSplitMix(-3).nextU32() === Rng.fromSplitMix(2 ** 32 - 3).nextU32());
   * ```
   */
  static fromSplitMix(x: number): Rng {
    if (!Number.isInteger(x)) {
      throw new RangeError(`Rng.fromSplitMix: x must be an integer, got ${x}`);
    }
    const rng = new Rng(0);
    [rng.#a, rng.#b, rng.#c, rng.#d] = splitMixState(x >>> 0);
    return rng;
  }

  /**
   * Restores a generator from {@linkcode Rng.state}.
   *
   * @param state Four unsigned 32-bit integers, not all zero.
   * @returns A generator that continues exactly where the saved one was.
   * @throws {RangeError} On a malformed state.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./rng.ts";
   * const r = Rng.fromState([1, 2, 3, 4]);
   * assert(r.nextU32() === 11520);
   * ```
   */
  static fromState(state: readonly number[]): Rng {
    if (
      !Array.isArray(state) || state.length !== 4 ||
      !state.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32)
    ) {
      throw new RangeError(
        `Rng state must be 4 unsigned 32-bit integers, got ${JSON.stringify(state)}`,
      );
    }
    if (state.every((w) => w === 0)) throw new RangeError("Rng state must not be all zero");
    const rng = new Rng(0);
    [rng.#a, rng.#b, rng.#c, rng.#d] = state;
    return rng;
  }

  /**
   * The current state, JSON-serialisable; {@linkcode Rng.fromState} resumes from it.
   *
   * @returns A fresh array of four unsigned 32-bit integers.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./rng.ts";
   * assert(JSON.stringify(Rng.fromState([1, 2, 3, 4]).state()) === "[1,2,3,4]");
   * ```
   */
  state(): RngState {
    return [this.#a >>> 0, this.#b >>> 0, this.#c >>> 0, this.#d >>> 0];
  }

  /**
   * An independent copy with the same state.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./rng.ts";
   * const r = new Rng(1);
   * assert(r.clone().nextU32() === r.nextU32());
   * ```
   */
  clone(): Rng {
    return Rng.fromState(this.state());
  }

  /**
   * The next raw output.
   *
   * @returns An unsigned 32-bit integer.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./rng.ts";
   * const u = new Rng(3).nextU32();
   * assert(u >= 0 && u < 2 ** 32);
   * ```
   */
  nextU32(): number {
    const b = this.#b;
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    this.#c ^= this.#a;
    this.#d ^= b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /**
   * A uniform integer in `[0, n)`, without modulo bias (rejection of the
   * `2^32 mod n` lowest raw outputs).
   *
   * @param n The number of outcomes, an integer in `[1, 2^32]`.
   * @returns An integer in `[0, n)`.
   * @throws {RangeError} When `n` is out of range.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./rng.ts";
   * const i = new Rng(5).int(10);
   * assert(Number.isInteger(i) && i >= 0 && i < 10);
   * ```
   */
  int(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n <= TWO_POW_32)) {
      throw new RangeError(`Rng.int(n) needs an integer n in [1, 2^32], got ${n}`);
    }
    return this.#below(n);
  }

  #below(n: number): number {
    if (n === TWO_POW_32) return this.nextU32();
    const threshold = (TWO_POW_32 - n) % n; // = 2^32 mod n
    for (;;) {
      const r = this.nextU32();
      if (r >= threshold) return r % n;
    }
  }

  /**
   * A uniform float in `[0, 1)` with 53 random bits (two raw outputs).
   *
   * @returns A number in `[0, 1)`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./rng.ts";
   * const x = new Rng(9).float();
   * assert(x >= 0 && x < 1);
   * ```
   */
  float(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * Shuffles in place (Fisher–Yates, from the last element down), uniformly
   * over all permutations.
   *
   * @param array An array or typed array.
   * @returns The same array, permuted.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Rng } from "./rng.ts";
   * const a = new Rng(1).shuffle([1, 2, 3, 4]);
   * assert([...a].sort().join() === "1,2,3,4");
   * ```
   */
  shuffle<A extends MutableArrayLike<unknown>>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.#below(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
