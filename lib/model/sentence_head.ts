/**
 * What sentence-transformers runs after the transformer: Pooling (any of its
 * modes, concatenated in its order `cls, max, mean, mean_sqrt_len_tokens,
 * weightedmean, lasttoken`), zero or more Dense layers (`act(x Wᵀ + b)`) and
 * an optional Normalize, as a tfjs computation with gradients.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { InputError } from "../util/errors.ts";
import { tensorFromValues } from "./backend.ts";
import { linear, mm } from "./_tf_ops.ts";

/** sentence-transformers' pooling modes, in the order it concatenates them. */
export const POOLING_MODES = [
  "cls",
  "max",
  "mean",
  "mean_sqrt_len_tokens",
  "weightedmean",
  "lasttoken",
] as const;

/** A pooling mode. */
export type PoolingMode = typeof POOLING_MODES[number];

/** Activations of a Dense module, by the `torch.nn` class name sentence-transformers saves. */
export const DENSE_ACTIVATIONS = {
  "torch.nn.modules.activation.Tanh": "tanh",
  "torch.nn.modules.linear.Identity": "identity",
  "torch.nn.modules.activation.ReLU": "relu",
  "torch.nn.modules.activation.Sigmoid": "sigmoid",
  "torch.nn.modules.activation.GELU": "gelu",
} as const;

/** A Dense module's activation. */
export type DenseActivation = typeof DENSE_ACTIVATIONS[keyof typeof DENSE_ACTIVATIONS];

/** A Dense module's shape and activation (its weights are model parameters). */
export interface DenseSpec {
  /** Input width. */
  inFeatures: number;
  /** Output width. */
  outFeatures: number;
  /** Whether it adds a bias. */
  bias: boolean;
  /** Applied to the output. */
  activation: DenseActivation;
}

/**
 * The modes a pooling spec names, in sentence-transformers' order, each once.
 *
 * @param spec One mode or several.
 * @param where For error messages.
 * @returns The modes.
 * @throws {InputError} for an unknown mode or none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { poolingModes } from "./sentence_head.ts";
 * assert.deepEqual(poolingModes(["mean", "cls"]), ["cls", "mean"]);
 * ```
 */
export function poolingModes(
  spec: PoolingMode | readonly PoolingMode[],
  where = "pooling",
): PoolingMode[] {
  const list = typeof spec === "string" ? [spec] : [...spec];
  for (const m of list) {
    if (!POOLING_MODES.includes(m)) {
      throw new InputError(
        `${where}: pooling mode ${JSON.stringify(m)} is unknown, expected one of ${
          POOLING_MODES.join(", ")
        }`,
      );
    }
  }
  const out = POOLING_MODES.filter((m) => list.includes(m));
  if (out.length === 0) throw new InputError(`${where}: no pooling mode, expected at least one`);
  return out;
}

/**
 * Checks a chain of Dense modules after pooling to width `pooled`.
 *
 * @returns The output width of the chain.
 * @throws {InputError} when a module's input width is not the previous output width.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDenseChain } from "./sentence_head.ts";
 * const d = { inFeatures: 8, outFeatures: 4, bias: true, activation: "tanh" as const };
 * assert.equal(checkDenseChain(8, [d]), 4);
 * ```
 */
export function checkDenseChain(pooled: number, dense: readonly DenseSpec[]): number {
  let width = pooled;
  dense.forEach((d, k) => {
    if (d.inFeatures !== width) {
      throw new InputError(
        `Dense module ${k}: in_features is ${d.inFeatures}, expected ${width} (the width before it)`,
      );
    }
    if (!Object.values(DENSE_ACTIVATIONS).includes(d.activation)) {
      throw new InputError(`Dense module ${k}: activation "${d.activation}" is unknown`);
    }
    width = d.outFeatures;
  });
  return width;
}

/** Parameter names of Dense module `k` (weight stored `[in, out]`). */
export function denseParamNames(k: number): { weight: string; bias: string } {
  return { weight: `dense.${k}.linear.weight`, bias: `dense.${k}.linear.bias` };
}

/**
 * Every Dense parameter's name and shape (weights `[in, out]`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { denseParamShapes } from "./sentence_head.ts";
 * const s = denseParamShapes([{ inFeatures: 8, outFeatures: 4, bias: true, activation: "tanh" }]);
 * assert.deepEqual(s, [["dense.0.linear.weight", [8, 4]], ["dense.0.linear.bias", [4]]]);
 * ```
 */
export function denseParamShapes(dense: readonly DenseSpec[]): [string, number[]][] {
  const out: [string, number[]][] = [];
  dense.forEach((d, k) => {
    const n = denseParamNames(k);
    out.push([n.weight, [d.inFeatures, d.outFeatures]]);
    if (d.bias) out.push([n.bias, [d.outFeatures]]);
  });
  return out;
}

function activateDense(x: tf.Tensor, a: DenseActivation): tf.Tensor {
  switch (a) {
    case "tanh":
      return tf.tanh(x);
    case "identity":
      return x;
    case "relu":
      return tf.relu(x);
    case "sigmoid":
      return tf.sigmoid(x);
    case "gelu":
      // torch.nn.GELU(): the exact erf form, as PyTorch's default.
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1));
  }
}

/** What {@linkcode applyHead} needs besides the token states. */
export interface HeadInput {
  /** Token states `[b, l, h]`. */
  hidden: tf.Tensor;
  /** `b × l`: 1 at tokens, 0 at padding (right padding). */
  poolMask: Float32Array;
  /** Sequence lengths. */
  lengths: readonly number[];
}

/**
 * Pooling, Dense layers and (when `normalize`) L2 normalisation, as
 * sentence-transformers computes them.
 *
 * @param input Token states and mask.
 * @param modes Pooling modes ({@linkcode poolingModes}).
 * @param dense Dense modules.
 * @param param The tensor of a parameter name ({@linkcode denseParamNames}).
 * @param normalize Divide each row by its L2 norm (floored at 1e-12, as `F.normalize`).
 * @returns `[b, out]`.
 */
export function applyHead(
  input: HeadInput,
  modes: readonly PoolingMode[],
  dense: readonly DenseSpec[],
  param: (name: string) => tf.Tensor,
  normalize: boolean,
): tf.Tensor2D {
  const { hidden, poolMask, lengths } = input;
  const [b, l, h] = hidden.shape;
  const parts: tf.Tensor[] = [];
  const mask = () => tensorFromValues(poolMask, [b, l, 1]);
  for (const m of modes) {
    if (m === "cls") {
      parts.push(tf.reshape(tf.slice(hidden, [0, 0, 0], [b, 1, h]), [b, h]));
    } else if (m === "max") {
      const mk = mask();
      // Padding set to −1e9, as sentence-transformers does, then the maximum over tokens.
      parts.push(tf.max(tf.add(tf.mul(hidden, mk), tf.mul(tf.sub(1, mk), -1e9)), 1));
    } else if (m === "mean" || m === "mean_sqrt_len_tokens") {
      const mk = mask();
      const sum = tf.sum(tf.mul(hidden, mk), 1);
      const count = tf.maximum(tf.sum(mk, 1), 1e-9);
      parts.push(tf.div(sum, m === "mean" ? count : tf.sqrt(count)));
    } else if (m === "weightedmean") {
      const w = new Float32Array(b * l);
      for (let i = 0; i < b * l; i++) w[i] = poolMask[i] * ((i % l) + 1);
      const wt = tensorFromValues(w, [b, l, 1]);
      parts.push(tf.div(tf.sum(tf.mul(hidden, wt), 1), tf.maximum(tf.sum(wt, 1), 1e-9)));
    } else {
      const pick = new Float32Array(b * l);
      lengths.forEach((n, i) => (pick[i * l + (n > 0 ? n - 1 : l - 1)] = 1));
      parts.push(tf.sum(tf.mul(hidden, tensorFromValues(pick, [b, l, 1])), 1));
    }
  }
  let x = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
  dense.forEach((d, k) => {
    const n = denseParamNames(k);
    const y = d.bias ? linear(x, param(n.weight), param(n.bias)) : mm(x, param(n.weight));
    x = activateDense(y, d.activation);
  });
  if (normalize) {
    const norm = tf.sqrt(tf.sum(tf.mul(x, x), 1, true));
    x = tf.div(x, tf.maximum(norm, 1e-12));
  }
  return x as tf.Tensor2D;
}
