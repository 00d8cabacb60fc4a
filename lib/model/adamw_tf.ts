/**
 * AdamW (Loshchilov & Hutter: Adam with decoupled weight decay), in PyTorch's
 * `torch.optim.AdamW` order and bias correction, for tfjs tensors and for rows
 * of a plain `Float32Array` (the word embeddings, updated outside tfjs). Per
 * step `t` (from 1), learning rate `lr`, gradient `g`:
 *
 * ```
 * p ← p · (1 − lr·λ)                      decoupled weight decay (λ = 0 for biases, LayerNorm)
 * m ← m + (1 − β1)·(g − m)                 torch.lerp
 * v ← β2·v + (1 − β2)·g²
 * p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * ```
 *
 * tfjs has no AdamW (its `tf.train.adam` has no decoupled decay and puts ε
 * elsewhere).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** The per-step scalars both update functions share. */
export interface AdamWStep {
  /** Learning rate of this step. */
  lr: number;
  /** 1-based step number (for bias correction). */
  step: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Weight decay for this parameter (0 for biases and LayerNorm). */
  weightDecay: number;
}

/**
 * One AdamW update of a tfjs parameter. Call inside `tf.tidy` and keep what you need.
 *
 * @param p The parameter.
 * @param g Its gradient.
 * @param m First moment (zeros at step 1).
 * @param v Second moment (zeros at step 1).
 * @param h The step's scalars.
 * @returns The new parameter and moments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { adamWUpdate } from "./adamw_tf.ts";
 * await tf.setBackend("cpu");
 * const p = tf.tensor1d([1]), z = tf.zeros([1]);
 * const out = adamWUpdate(p, tf.tensor1d([0.5]), z, z,
 *   { lr: 0.1, step: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
 * assert(Math.abs(out.p.dataSync()[0] - 0.9) < 1e-6); // first step moves by lr
 * ```
 */
export function adamWUpdate(
  p: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  h: AdamWStep,
): { p: tf.Tensor; m: tf.Tensor; v: tf.Tensor } {
  const bc1 = 1 - h.beta1 ** h.step;
  const bc2Sqrt = Math.sqrt(1 - h.beta2 ** h.step);
  const stepSize = h.lr / bc1;
  const decayed = h.weightDecay !== 0 ? tf.mul(p, 1 - h.lr * h.weightDecay) : p;
  const m1 = tf.add(m, tf.mul(tf.sub(g, m), 1 - h.beta1));
  const v1 = tf.add(tf.mul(v, h.beta2), tf.mul(tf.mul(g, g), 1 - h.beta2));
  const denom = tf.add(tf.div(tf.sqrt(v1), bc2Sqrt), h.eps);
  const p1 = tf.sub(decayed, tf.mul(tf.div(m1, denom), stepSize));
  return { p: p1, m: m1, v: v1 };
}

/**
 * AdamW on rows of a row-major matrix held in plain arrays (updated in place).
 * With `dense`, every row is updated (rows without a gradient get `g = 0`: their
 * moments decay and the update and weight decay still apply — exactly what
 * PyTorch does for an embedding's untouched rows); otherwise only the rows in
 * `rowIds` ("lazy" AdamW, as for sparse gradients).
 *
 * @param param The matrix (`rows × width`).
 * @param m First moment, same size.
 * @param v Second moment, same size.
 * @param width Row length.
 * @param rowIds The rows that have a gradient (distinct).
 * @param rowGrads Their gradients, `rowIds.length × width`.
 * @param h The step's scalars.
 * @param dense Update every row (true) or only `rowIds` (false).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adamWRows } from "./adamw_tf.ts";
 * const p = new Float32Array([1, 1, 1, 1]), m = new Float32Array(4), v = new Float32Array(4);
 * const h = { lr: 0.1, step: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
 * adamWRows(p, m, v, 2, Int32Array.of(1), new Float32Array([0.5, -0.5]), h, false);
 * assert(p[0] === 1 && Math.abs(p[2] - 0.9) < 1e-6 && Math.abs(p[3] - 1.1) < 1e-6);
 * ```
 */
export function adamWRows(
  param: Float32Array,
  m: Float32Array,
  v: Float32Array,
  width: number,
  rowIds: Int32Array,
  rowGrads: Float32Array,
  h: AdamWStep,
  dense: boolean,
): void {
  const bc1 = 1 - h.beta1 ** h.step;
  const bc2Sqrt = Math.sqrt(1 - h.beta2 ** h.step);
  const stepSize = h.lr / bc1;
  const decay = 1 - h.lr * h.weightDecay;
  const a1 = 1 - h.beta1, a2 = 1 - h.beta2, b2 = h.beta2, eps = h.eps;
  const updateRow = (row: number, gOffset: number) => {
    const base = row * width;
    for (let j = 0; j < width; j++) {
      const i = base + j;
      const g = gOffset < 0 ? 0 : rowGrads[gOffset + j];
      const mi = m[i] + (g - m[i]) * a1;
      const vi = v[i] * b2 + g * g * a2;
      m[i] = mi;
      v[i] = vi;
      const denom = Math.sqrt(vi) / bc2Sqrt + eps;
      param[i] = param[i] * decay - (mi / denom) * stepSize;
    }
  };
  if (!dense) {
    for (let r = 0; r < rowIds.length; r++) updateRow(rowIds[r], r * width);
    return;
  }
  const rows = param.length / width;
  const slot = new Int32Array(rows).fill(-1);
  for (let r = 0; r < rowIds.length; r++) slot[rowIds[r]] = r;
  for (let row = 0; row < rows; row++) updateRow(row, slot[row] < 0 ? -1 : slot[row] * width);
}
