/**
 * Gradients of the kernels the transformer differentiates through (the
 * sentence-transformers head included: concatenated and max pooling, Dense
 * activations).
 *
 * `@tensorflow/tfjs-core`'s Node bundle registers no gradients (the
 * `@tensorflow/tfjs` union package does, from ESM files Deno cannot load: their
 * imports lack extensions). These are ported from tfjs-core 4.22's
 * `src/gradients/*_grad.ts` (Apache-2.0, Copyright Google LLC) and registered
 * on import, only for kernels that have none yet.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

type Saved = tf.Tensor[];
type Attrs = Record<string, unknown>;

/** Sums `dy` over the axes along which `shape` was broadcast to `outShape`. */
function unbroadcast(dy: tf.Tensor, shape: number[], outShape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, outShape);
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
}

function binary(
  kernelName: string,
  derA: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  derB: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ["a", "b"],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: Saved) => {
      const [a, b] = saved;
      const d = dy as tf.Tensor;
      const out = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      return {
        a: () => unbroadcast(derA(d, a, b), a.shape, out),
        b: () => unbroadcast(derB(d, a, b), b.shape, out),
      };
    },
  };
}

function unary(
  kernelName: string,
  der: (dy: tf.Tensor, x: tf.Tensor, attrs: Attrs) => tf.Tensor,
  save: "input" | "output" | "none" = "input",
): tf.GradConfig {
  return {
    kernelName,
    ...(save === "input" ? { inputsToSave: ["x"] } : {}),
    ...(save === "output" ? { outputsToSave: [true] } : {}),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: Saved, attrs: Attrs) => ({
      x: () => der(dy as tf.Tensor, saved[0], attrs),
    }),
  };
}

/** Expands a reduction's `dy` back to `x`'s shape. */
function expandReduced(dy: tf.Tensor, x: tf.Tensor, axis: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const shape = x.shape.slice();
  for (const a of axes) shape[a] = 1;
  return tf.mul(tf.reshape(dy, shape), tf.ones(x.shape, "float32"));
}

const f32 = (t: tf.Tensor) => tf.cast(t, "float32");

/** Swaps the last two axes. */
function swapLast(t: tf.Tensor): tf.Tensor {
  const perm = [...Array(t.rank).keys()];
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
  return tf.transpose(t, perm);
}

/**
 * BatchMatMul's gradient with explicit transposes: tfjs-backend-wasm runs
 * `matMul` with a transposed operand about 10× slower than a plain one.
 */
const batchMatMulGrad: tf.GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ["a", "b"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: Saved, attrs: Attrs) => {
    const [a, b] = saved;
    const d = dy as tf.Tensor;
    const ta = Boolean(attrs.transposeA), tb = Boolean(attrs.transposeB);
    const T = swapLast, mm = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y);
    const da = () => {
      const g = !ta ? mm(d, tb ? b : T(b)) : mm(tb ? T(b) : b, T(d));
      return unbroadcast(g, a.shape, g.shape);
    };
    const db = () => {
      const g = !tb ? mm(ta ? a : T(a), d) : mm(T(d), ta ? T(a) : a);
      return unbroadcast(g, b.shape, g.shape);
    };
    return { a: da, b: db };
  },
};

/** Concat's gradient: `dy` split back into the inputs' widths along the axis. */
const concatGrad: tf.GradConfig = {
  kernelName: tf.Concat,
  saveAllInputs: true,
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: Saved, attrs: Attrs) => {
    const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0].shape)[0];
    const parts = tf.split(dy as tf.Tensor, saved.map((t) => t.shape[axis]), axis);
    // One gradient per input, by position (tfjs-core takes an array here too).
    return parts.map((t) => () => t) as unknown as Record<string, () => tf.Tensor>;
  },
};

/** Max's gradient (a reduction): `dy` at the positions that equal the maximum. */
const maxGrad: tf.GradConfig = {
  kernelName: tf.Max,
  inputsToSave: ["x"],
  outputsToSave: [true],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: Saved, attrs: Attrs) => {
    const [x, y] = saved;
    const axes = tf.util.parseAxisParam(attrs.reductionIndices as number | number[], x.shape);
    const keep = (t: tf.Tensor) =>
      t.rank < x.rank ? tf.reshape(t, tf.backend_util.expandShapeToKeepDim(t.shape, axes)) : t;
    return { x: () => tf.mul(keep(dy as tf.Tensor), f32(tf.equal(x, keep(y)))) };
  },
};

const CONFIGS: tf.GradConfig[] = [
  batchMatMulGrad,
  concatGrad,
  maxGrad,
  binary(tf.Add, (dy) => dy, (dy) => dy),
  binary(tf.Sub, (dy) => dy, (dy) => tf.neg(dy)),
  binary(tf.Multiply, (dy, _a, b) => tf.mul(dy, f32(b)), (dy, a) => tf.mul(dy, f32(a))),
  binary(
    tf.RealDiv,
    (dy, _a, b) => tf.div(dy, f32(b)),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, f32(a)), f32(tf.square(b)))),
  ),
  binary(
    tf.Maximum,
    (dy, a, b) => tf.mul(dy, f32(tf.greaterEqual(a, b))),
    (dy, a, b) => tf.mul(dy, f32(tf.less(a, b))),
  ),
  unary(tf.Neg, (dy) => tf.neg(dy), "none"),
  unary(tf.Identity, (dy) => f32(dy), "none"),
  unary(tf.Cast, (dy) => dy.clone(), "none"),
  unary(tf.Reshape, (dy, x) => tf.reshape(dy, x.shape)),
  unary(tf.Sum, (dy, x, attrs) => expandReduced(dy, x, attrs.axis)),
  unary(tf.Mean, (dy, x, attrs) => {
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    const [, reduceShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
    return tf.div(expandReduced(dy, x, axes), tf.util.sizeFromShape(reduceShape));
  }),
  unary(
    tf.Transpose,
    (dy, _x, attrs) =>
      tf.transpose(dy, tf.backend_util.getUndoAxesPermutation(attrs.perm as number[])),
    "none",
  ),
  unary(tf.Slice, (dy, x, attrs) => {
    const [begin, size] = tf.slice_util.parseSliceParams(
      x,
      attrs.begin as number[],
      attrs.size as number[],
    );
    const paddings = x.shape.map((n, i) => [begin[i], n - begin[i] - size[i]] as [number, number]);
    return tf.pad(dy, paddings);
  }),
  unary(tf.Square, (dy, x) => tf.mul(dy, tf.mul(f32(x), 2))),
  unary(tf.Sqrt, (dy, x) => tf.div(dy, tf.mul(tf.sqrt(f32(x)), 2))),
  unary(tf.Rsqrt, (dy, x) => tf.neg(tf.div(dy, tf.mul(tf.pow(x, 1.5), 2)))),
  unary(tf.Exp, (dy, y) => tf.mul(dy, y), "output"),
  unary(tf.Log, (dy, x) => tf.div(dy, f32(x))),
  unary(tf.Tanh, (dy, y) => tf.mul(tf.sub(tf.scalar(1), tf.square(y)), dy), "output"),
  unary(tf.Relu, (dy, x) => tf.mul(dy, f32(tf.step(x)))),
  unary(tf.Sigmoid, (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y))), "output"),
  unary(
    tf.Erf,
    (dy, x) => tf.mul(dy, tf.mul(tf.exp(tf.neg(tf.square(x))), 2 / Math.sqrt(Math.PI))),
  ),
  {
    kernelName: tf.Softmax,
    outputsToSave: [true],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: Saved, attrs: Attrs) => {
      const [y] = saved;
      const dyTimesY = tf.mul(dy as tf.Tensor, y);
      const dim = attrs.dim as number;
      return { logits: () => tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y)) };
    },
  },
];

/**
 * Registers the gradients above for kernels that have none (idempotent).
 *
 * @returns The kernel names registered by this call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { registerGradients } from "./_gradients.ts";
 * registerGradients();
 * assert(registerGradients().length === 0); // already there
 * ```
 */
export function registerGradients(): string[] {
  const added: string[] = [];
  for (const config of CONFIGS) {
    if (tf.getGradient(config.kernelName) === undefined) {
      tf.registerGradient(config);
      added.push(config.kernelName);
    }
  }
  return added;
}

registerGradients();
