/**
 * The standard normal distribution function, for p-values of Wald tests
 * (an estimate over its standard error).
 *
 * `Φ(x) = ½·erfc(−x/√2)`, with erfc from the Chebyshev fit of Numerical
 * Recipes (§6.2, `erfcc`): relative error below 1.2·10⁻⁷ everywhere, so
 * tail probabilities stay accurate far beyond what a bootstrap's resolution
 * (1/B) can give.
 *
 * @module
 */

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(
    -z * z - 1.26551223 +
      t * (1.00002368 +
          t * (0.37409196 +
              t * (0.09678418 +
                  t * (-0.18628806 +
                      t * (0.27886807 +
                          t *
                            (-1.13520398 +
                              t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return x >= 0 ? r : 2 - r;
}

/**
 * The standard normal distribution function Φ(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalCdf } from "./normal.ts";
 * assert(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
 * assert(Math.abs(normalCdf(0) - 0.5) < 1e-7);
 * ```
 */
export function normalCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  return 0.5 * erfc(-x / Math.SQRT2);
}
