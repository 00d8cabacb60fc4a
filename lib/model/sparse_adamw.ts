/**
 * AdamW, dense and sparse ("lazy"), over Float32Arrays.
 *
 * The update follows PyTorch's `torch.optim.AdamW` (single-tensor path), step
 * `t` counted from 1:
 *
 * ```
 * θ ← θ · (1 − lr·λ)                      decoupled weight decay
 * m ← m + (1 − β1)(g − m)                 (torch: exp_avg.lerp_(grad, 1 − β1))
 * v ← β2·v + (1 − β2)·g²
 * θ ← θ − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * ```
 *
 * Arithmetic is done in float64 and rounded to float32 on store.
 *
 * The sparse variant updates only the given rows of a table (the token ids a
 * batch touched), like `torch.optim.SparseAdam`: the moments of untouched rows
 * are **not** decayed and their weights not moved, and weight decay applies to
 * touched rows only. This differs from dense AdamW, where every row's moments
 * decay each step and every row shrinks by `(1 − lr·λ)`. The step `t` (for the
 * bias correction) is the optimizer's global step, as SparseAdam's per-tensor
 * step, not a per-row count. Unlike SparseAdam (which adds ε to `√v` before
 * the bias correction and has no weight decay), ε and weight decay are placed
 * as in AdamW, so a row touched at every step follows exactly the dense
 * AdamW trajectory.
 *
 * @module
 */

/** AdamW hyper-parameters (the learning rate is given per step). */
export interface AdamWOptions {
  /** β1. Default 0.9. */
  beta1?: number;
  /** β2. Default 0.999. */
  beta2?: number;
  /** ε. Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay λ. Default 0.01 (PyTorch's AdamW default). */
  weightDecay?: number;
}

/** The defaults of {@linkcode AdamWOptions}, PyTorch's. */
export const ADAMW_DEFAULTS: Readonly<Required<AdamWOptions>> = Object.freeze({
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
});

/**
 * Fills in the defaults ({@linkcode ADAMW_DEFAULTS}; an absent or undefined
 * field takes its default): the one place the static encoder's AdamW and the
 * tfjs one (`adamw_tf.ts`, the transformer's) take them from.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveAdamW } from "./sparse_adamw.ts";
 * assert(resolveAdamW({ weightDecay: 0 }).beta2 === 0.999);
 * ```
 */
export function resolveAdamW(options: AdamWOptions = {}): Required<AdamWOptions> {
  return {
    beta1: options.beta1 ?? ADAMW_DEFAULTS.beta1,
    beta2: options.beta2 ?? ADAMW_DEFAULTS.beta2,
    eps: options.eps ?? ADAMW_DEFAULTS.eps,
    weightDecay: options.weightDecay ?? ADAMW_DEFAULTS.weightDecay,
  };
}

/** The per-step constants of the AdamW update (see {@linkcode adamWCoefficients}). */
export interface AdamWCoefficients {
  /** `1 − lr·λ`. */
  decay: number;
  /** `1 − β1`. */
  b1c: number;
  /** `1 − β2`. */
  b2c: number;
  /** `lr / (1 − β1^t)`. */
  stepSize: number;
  /** `1 / √(1 − β2^t)`. */
  invSqrtBc2: number;
}

/**
 * The constants of step `t` of the update, as both AdamW functions use them
 * (and the WebAssembly twin of {@linkcode sparseAdamWStep}).
 *
 * @param step The step number, from 1.
 * @param lr Learning rate of this step.
 * @param o Hyper-parameters (defaults filled in).
 * @returns The constants.
 * @throws {RangeError} for a step below 1 or not an integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adamWCoefficients, resolveAdamW } from "./sparse_adamw.ts";
 * assert(adamWCoefficients(1, 0.1, resolveAdamW()).stepSize === 0.1 / (1 - 0.9));
 * ```
 */
export function adamWCoefficients(
  step: number,
  lr: number,
  o: Required<AdamWOptions>,
): AdamWCoefficients {
  if (!(Number.isInteger(step) && step >= 1)) {
    throw new RangeError(`AdamW step must be an integer >= 1, got ${step}`);
  }
  return {
    decay: 1 - lr * o.weightDecay,
    b1c: 1 - o.beta1,
    b2c: 1 - o.beta2,
    stepSize: lr / (1 - o.beta1 ** step),
    invSqrtBc2: 1 / Math.sqrt(1 - o.beta2 ** step),
  };
}

/**
 * One dense AdamW step on a whole parameter.
 *
 * @param param The parameter, updated in place.
 * @param grad dL/dparam, same length.
 * @param m First moment, updated in place.
 * @param v Second moment, updated in place.
 * @param step The step number, from 1 (already incremented for this step).
 * @param lr Learning rate of this step.
 * @param options Hyper-parameters (defaults filled in).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adamWStep, resolveAdamW } from "./sparse_adamw.ts";
 * const w = new Float32Array([1]), m = new Float32Array(1), v = new Float32Array(1);
 * adamWStep(w, new Float64Array([0.5]), m, v, 1, 0.1, resolveAdamW({ weightDecay: 0 }));
 * // The first step moves each weight by about lr against the gradient's sign.
 * assert(Math.abs(w[0] - 0.9) < 1e-6);
 * ```
 */
export function adamWStep(
  param: Float32Array,
  grad: ArrayLike<number>,
  m: Float32Array,
  v: Float32Array,
  step: number,
  lr: number,
  options: Required<AdamWOptions>,
): void {
  const { decay, b1c, b2c, stepSize, invSqrtBc2 } = adamWCoefficients(step, lr, options);
  const beta2 = options.beta2, eps = options.eps, n = param.length;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const m0 = m[i];
    const mi = m0 + b1c * (g - m0);
    const vi = beta2 * v[i] + b2c * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = param[i] * decay - stepSize * mi / (Math.sqrt(vi) * invSqrtBc2 + eps);
  }
}

/**
 * One lazy AdamW step on selected rows of a `rows × cols` table: row
 * `rows[s]` gets the gradient `grad[s * cols … (s + 1) * cols)`; other rows,
 * and their moments, are left as they are.
 *
 * @param param The table, row-major, updated in place.
 * @param m First moment (same shape), updated in the selected rows.
 * @param v Second moment (same shape), updated in the selected rows.
 * @param cols Row width.
 * @param rows The rows to update (distinct), in `rows[0 … count)`.
 * @param count Number of rows.
 * @param grad Compact gradient, `count × cols`.
 * @param step The global step number, from 1.
 * @param lr Learning rate of this step.
 * @param options Hyper-parameters (defaults filled in).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveAdamW, sparseAdamWStep } from "./sparse_adamw.ts";
 * const w = new Float32Array([1, 1, 1, 1]), m = new Float32Array(4), v = new Float32Array(4);
 * sparseAdamWStep(w, m, v, 2, new Int32Array([1]), 1, new Float32Array([1, -1]), 1, 0.1, resolveAdamW());
 * assert(w[0] === 1 && w[1] === 1 && w[2] < 1 && w[3] > 1);
 * ```
 */
export function sparseAdamWStep(
  param: Float32Array,
  m: Float32Array,
  v: Float32Array,
  cols: number,
  rows: Int32Array,
  count: number,
  grad: Float32Array,
  step: number,
  lr: number,
  options: Required<AdamWOptions>,
  rowScale: Float32Array | null = null,
): void {
  const { decay, b1c, b2c, stepSize, invSqrtBc2 } = adamWCoefficients(step, lr, options);
  const beta2 = options.beta2, eps = options.eps;
  // The same arithmetic as adamWStep, kept as its own loop so that this hot
  // path only ever sees Float32Array gradients (monomorphic in V8).
  for (let s = 0; s < count; s++) {
    const base = rows[s] * cols, gBase = s * cols;
    const rowStep = rowScale === null ? stepSize : stepSize * rowScale[rows[s]];
    for (let k = 0; k < cols; k++) {
      const i = base + k;
      const g = grad[gBase + k];
      const m0 = m[i];
      const mi = m0 + b1c * (g - m0);
      const vi = beta2 * v[i] + b2c * g * g;
      m[i] = mi;
      v[i] = vi;
      param[i] = param[i] * decay - rowStep * mi / (Math.sqrt(vi) * invSqrtBc2 + eps);
    }
  }
}
