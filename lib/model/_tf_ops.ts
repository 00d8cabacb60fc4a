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
import { InputError } from "../util/errors.ts";
import "./_gradients.ts";

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
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      return [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy)];
    },
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
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { mm } from "./_tf_ops.ts";
 * await tf.setBackend("cpu");
 * console.assert(mm(tf.ones([2, 3]), tf.ones([3, 1])).dataSync()[0] === 3);
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
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { linear } from "./_tf_ops.ts";
 * await tf.setBackend("cpu");
 * console.assert(linear(tf.ones([1, 2]), tf.ones([2, 1]), tf.ones([1])).dataSync()[0] === 3);
 * ```
 */
export function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.add(mm(x, w), b);
}

/**
 * LayerNorm over the last axis: `(x − mean) / sqrt(var + eps) · gamma + beta`
 * (biased variance, as PyTorch).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { layerNorm } from "./_tf_ops.ts";
 * await tf.setBackend("cpu");
 * const y = layerNorm(tf.tensor2d([[1, 3]]), tf.ones([2]), tf.zeros([2]), 0).dataSync();
 * console.assert(Math.abs(y[0] + 1) < 1e-6 && Math.abs(y[1] - 1) < 1e-6);
 * ```
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const xc = tf.sub(x, mean);
  const variance = tf.mean(tf.mul(xc, xc), -1, true);
  return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
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
 * import { checkActivation } from "./_tf_ops.ts";
 * console.assert(checkActivation("gelu", "config.json: hidden_act") === "gelu");
 * ```
 */
export function checkActivation(name: unknown, where: string): Activation {
  if (typeof name === "string" && (ACTIVATIONS as readonly string[]).includes(name)) {
    return name as Activation;
  }
  throw new InputError(`${where} is ${JSON.stringify(name)}, expected one of ${ACTIVATIONS}`);
}

/**
 * Applies an activation: `gelu` is the exact erf form; `gelu_new` and
 * `gelu_pytorch_tanh` the tanh approximation.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { activate } from "./_tf_ops.ts";
 * await tf.setBackend("cpu");
 * console.assert(Math.abs(activate(tf.scalar(1), "gelu").dataSync()[0] - 0.8413447) < 1e-5);
 * ```
 */
export function activate(x: tf.Tensor, name: Activation): tf.Tensor {
  switch (name) {
    case "gelu":
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
    case "gelu_new":
    case "gelu_pytorch_tanh": {
      const inner = tf.mul(
        tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)),
        Math.sqrt(2 / Math.PI),
      );
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
    }
    case "relu":
      return tf.relu(x);
  }
}
