/**
 * The initial weights of a static encoder, drawn from the project's one
 * generator ({@linkcode Rng}, xoshiro128**) seeded by splitmix32 from the
 * seed itself ({@linkcode Rng.fromSplitMix}), with Marsaglia's polar method
 * and V8's own (platform-independent) `Math.log`, so a seed gives the same
 * weights on every run and platform.
 *
 * @module
 */

import type { Rng } from "../sampling/rng.ts";

/**
 * How the weights are drawn. `E ~ N(0, std²)` (default `std = 1`, PyTorch's
 * `nn.Embedding`/`nn.EmbeddingBag` default) or `U(−√3·std, √3·std)` (same
 * variance); `W ~ U(−1/√d, 1/√d)` (PyTorch's `nn.Linear` default).
 */
export interface StaticInit {
  /** Default `"normal"`. */
  distribution?: "normal" | "uniform";
  /** Standard deviation of the entries of `E`. Default 1. */
  std?: number;
}

const TWO_32 = 4294967296;

/**
 * Fills `out` with draws of mean 0 and standard deviation `std`: normal
 * (polar method, two per accepted point of the unit disc) or uniform.
 *
 * @param out Filled in place, in order.
 * @param rng The generator; advanced.
 * @param distribution `"normal"` or `"uniform"`.
 * @param std The standard deviation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../sampling/rng.ts";
 * import { fillRandom } from "./_static_init.ts";
 * const out = new Float32Array(4);
 * fillRandom(out, Rng.fromSplitMix(7), "normal", 1);
 * // The values a Python transcription of splitmix32, xoshiro128** and the polar method gives.
 * assert.deepEqual([...out], [
 *   -1.585033655166626, 0.0728430300951004, -0.19791851937770844, -1.2679884433746338,
 * ]);
 * ```
 */
export function fillRandom(
  out: Float32Array,
  rng: Rng,
  distribution: "normal" | "uniform",
  std: number,
): void {
  if (distribution === "uniform") {
    const a = std * Math.sqrt(3);
    for (let i = 0; i < out.length; i++) out[i] = a * (2 * ((rng.nextU32() + 0.5) / TWO_32) - 1);
    return;
  }
  // Marsaglia's polar method: two normals per accepted point of the unit disc.
  for (let i = 0; i < out.length;) {
    const x = 2 * ((rng.nextU32() + 0.5) / TWO_32) - 1;
    const y = 2 * ((rng.nextU32() + 0.5) / TWO_32) - 1;
    const r2 = x * x + y * y;
    if (r2 >= 1 || r2 === 0) continue;
    const f = std * Math.sqrt(-2 * Math.log(r2) / r2);
    out[i++] = x * f;
    if (i < out.length) out[i++] = y * f;
  }
}
