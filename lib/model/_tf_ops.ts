/**
 * tfjs building blocks of the transformer: a matrix product whose gradient
 * avoids transposed-operand kernels, a linear layer, LayerNorm and the
 * activations BERT-family configs name.
 *
 * tfjs-backend-wasm multiplies with XNNPACK only when neither operand is
 * transposed; `matMul(a, b, true, false)` and `matMul(a, b, false, true)` —
 * which tfjs's own matMul gradient uses — run about 10× slower there. The
 * gradients here transpose explicitly and multiply plainly.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../sampling/rng.ts";
import { InputError } from "../util/errors.ts";
import "./_gradients.ts";
import { tensorFromValues } from "./backend.ts";

function swapLast(t: tf.Tensor): tf.Tensor {
  const r = t.rank;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(t, perm);
}

const mmGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    // Tidied: customGrad's gradients are computed eagerly, outside the engine's per-input tidy,
    // so the transposes would otherwise live until the whole backward pass ends.
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [sa, sb] = saved;
        return [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy)];
      }),
  };
});

/**
 * `a @ b` (batched over leading dims) with a gradient made of plain products.
 *
 * @param a `[..., n, k]`.
 * @param b `[..., k, m]`, same leading dims.
 * @returns `[..., n, m]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { mm } from "./_tf_ops.ts";
 * await tf.setBackend("cpu");
 * assert(mm(tf.ones([2, 3]), tf.ones([3, 1])).dataSync()[0] === 3);
 * ```
 */
export function mm(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return mmGrad(a, b) as tf.Tensor;
}

/**
 * A linear layer `x @ w + b` on 2-D `x` (`[n, in]`), `w` stored `[in, out]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { linear } from "./_tf_ops.ts";
 * await tf.setBackend("cpu");
 * assert(linear(tf.ones([1, 2]), tf.ones([2, 1]), tf.ones([1])).dataSync()[0] === 3);
 * ```
 */
export function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.add(mm(x, w), b);
}

/** LayerNorm with a hand-written gradient that keeps only `x̂` and `1/σ` for the backward pass. */
function layerNormOp(eps: number) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const h = x.shape[x.rank - 1];
    const [xhat, rstd] = tf.tidy(() => {
      const mean = tf.mean(x, -1, true);
      const xc = tf.sub(x, mean);
      const r = tf.rsqrt(tf.add(tf.mean(tf.mul(xc, xc), -1, true), eps));
      return [tf.mul(xc, r), r];
    });
    save([xhat, rstd, gamma]);
    return {
      value: tf.add(tf.mul(xhat, gamma), beta),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [xh, r, g] = saved;
          const dy2 = tf.reshape(dy, [-1, h]), xh2 = tf.reshape(xh, [-1, h]);
          const dg = tf.mul(dy, g);
          const meanDg = tf.mean(dg, -1, true);
          const meanDgX = tf.mean(tf.mul(dg, xh), -1, true);
          const dx = tf.mul(tf.sub(tf.sub(dg, meanDg), tf.mul(xh, meanDgX)), r);
          return [dx, tf.sum(tf.mul(dy2, xh2), 0), tf.sum(dy2, 0)];
        }),
    };
  });
}

const layerNormOps = new Map<number, ReturnType<typeof layerNormOp>>();

/**
 * LayerNorm over the last axis: `(x − mean) / sqrt(var + eps) · gamma + beta`
 * (biased variance, as PyTorch), with a fused gradient.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { layerNorm } from "./_tf_ops.ts";
 * await tf.setBackend("cpu");
 * const y = layerNorm(tf.tensor2d([[1, 3]]), tf.ones([2]), tf.zeros([2]), 0).dataSync();
 * assert(Math.abs(y[0] + 1) < 1e-6 && Math.abs(y[1] - 1) < 1e-6);
 * ```
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  let op = layerNormOps.get(eps);
  if (!op) layerNormOps.set(eps, op = layerNormOp(eps));
  return op(x, gamma, beta) as tf.Tensor;
}

/** Activations of the feed-forward block, by their Hugging Face `hidden_act` names. */
export const ACTIVATIONS = ["gelu", "gelu_new", "gelu_pytorch_tanh", "relu"] as const;

/** An activation name. */
export type Activation = typeof ACTIVATIONS[number];

/**
 * Checks a `hidden_act` value.
 *
 * @throws {InputError} naming `where` for an activation this code lacks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkActivation } from "./_tf_ops.ts";
 * assert(checkActivation("gelu", "config.json: hidden_act") === "gelu");
 * ```
 */
export function checkActivation(name: unknown, where: string): Activation {
  if (typeof name === "string" && (ACTIVATIONS as readonly string[]).includes(name)) {
    return name as Activation;
  }
  throw new InputError(`${where} is ${JSON.stringify(name)}, expected one of ${ACTIVATIONS}`);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU (exact or tanh form) with a gradient that keeps only its input. */
function geluOp(tanhForm: boolean) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    const value = tf.tidy(() => {
      const inner = tanhForm
        ? tf.tanh(tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), SQRT_2_OVER_PI))
        : tf.erf(tf.mul(x, Math.SQRT1_2));
      return tf.mul(tf.mul(x, 0.5), tf.add(inner, 1));
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [xs] = saved;
          if (!tanhForm) {
            // Φ(x) + x·φ(x)
            const cdf = tf.mul(tf.add(tf.erf(tf.mul(xs, Math.SQRT1_2)), 1), 0.5);
            const pdf = tf.mul(tf.exp(tf.mul(tf.mul(xs, xs), -0.5)), 1 / Math.sqrt(2 * Math.PI));
            return [tf.mul(dy, tf.add(cdf, tf.mul(xs, pdf)))];
          }
          const x2 = tf.mul(xs, xs);
          const t = tf.tanh(tf.mul(tf.add(xs, tf.mul(tf.mul(x2, xs), 0.044715)), SQRT_2_OVER_PI));
          const du = tf.mul(tf.add(tf.mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI);
          const d = tf.add(
            tf.mul(tf.add(t, 1), 0.5),
            tf.mul(tf.mul(tf.mul(xs, 0.5), tf.sub(1, tf.mul(t, t))), du),
          );
          return [tf.mul(dy, d)];
        }),
    };
  });
}

const geluExact = geluOp(false);
const geluTanh = geluOp(true);

/**
 * Applies an activation: `gelu` is the exact erf form; `gelu_new` and
 * `gelu_pytorch_tanh` the tanh approximation (both with fused gradients).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { activate } from "./_tf_ops.ts";
 * await tf.setBackend("cpu");
 * assert(Math.abs(activate(tf.scalar(1), "gelu").dataSync()[0] - 0.8413447) < 1e-5);
 * ```
 */
export function activate(x: tf.Tensor, name: Activation): tf.Tensor {
  switch (name) {
    case "gelu":
      return geluExact(x) as tf.Tensor;
    case "gelu_new":
    case "gelu_pytorch_tanh":
      return geluTanh(x) as tf.Tensor;
    case "relu":
      return tf.relu(x);
  }
}

const dropoutOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, scaledMask, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([scaledMask]);
  return {
    value: tf.mul(x, scaledMask),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.tidy(() => [tf.mul(dy, saved[0]), tf.zerosLike(saved[0])]),
  };
});

/**
 * Inverted dropout with a mask drawn in JS from the seeded {@linkcode Rng} (the same
 * mask on every backend); the backward pass keeps only the mask.
 *
 * @param x The input.
 * @param rate Probability of zeroing an element (0 ≤ rate < 1).
 * @param seed 32-bit seed of this mask.
 * @returns `x · mask / (1 − rate)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { dropout } from "./_tf_ops.ts";
 * await tf.setBackend("cpu");
 * const y = dropout(tf.ones([1000]), 0.5, 7).dataSync();
 * assert(y.every((v) => v === 0 || v === 2));
 * ```
 */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (rate <= 0) return x;
  const keep = 1 - rate, scale = 1 / keep;
  const mask = new Float32Array(x.size);
  const rng = new Rng(seed);
  for (let i = 0; i < mask.length; i++) {
    if (rng.nextU32() / 4294967296 < keep) mask[i] = scale;
  }
  return tf.tidy(() => dropoutOp(x, tensorFromValues(mask, x.shape)) as tf.Tensor);
}
