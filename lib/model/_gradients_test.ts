import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "./_gradients.ts";
import { ensureBackend } from "./backend.ts";
import { applyHead, denseParamNames, type PoolingMode } from "./sentence_head.ts";

/** A deterministic pseudo-random vector in (−1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s / 2147483648) * 2 - 1;
  }
  return out;
}

/**
 * The sentence-transformers head's gradients (concatenated max + mean + CLS
 * pooling, Dense with a sigmoid, Normalize) against central finite differences
 * in float64 of the same function computed by hand.
 */
Deno.test("the head's gradients (Concat, Max, Sigmoid) match finite differences", async () => {
  await ensureBackend();
  const before = tf.memory().numTensors;
  const [b, l, h, out] = [2, 3, 4, 3];
  const modes: PoolingMode[] = ["cls", "max", "mean"];
  const mask = new Float32Array([1, 1, 1, 1, 1, 0]);
  const hid = values(b * l * h, 3);
  const w = values(3 * h * out, 5);
  const bias = values(out, 7);
  const dense = [{
    inFeatures: 3 * h,
    outFeatures: out,
    bias: true,
    activation: "sigmoid" as const,
  }];
  const n = denseParamNames(0);
  const coef = values(b * out, 11);
  /** Σ coef · head(hidden) in float64, by hand. */
  const loss64 = (x: Float64Array): number => {
    let total = 0;
    for (let i = 0; i < b; i++) {
      const pooled: number[] = [];
      const row = (t: number, k: number) => x[(i * l + t) * h + k];
      for (let k = 0; k < h; k++) pooled.push(row(0, k));
      for (let k = 0; k < h; k++) {
        let m = -Infinity;
        for (let t = 0; t < l; t++) if (mask[i * l + t]) m = Math.max(m, row(t, k));
        pooled.push(m);
      }
      const count = mask.slice(i * l, i * l + l).reduce((s, v) => s + v, 0);
      for (let k = 0; k < h; k++) {
        let sum = 0;
        for (let t = 0; t < l; t++) sum += row(t, k) * mask[i * l + t];
        pooled.push(sum / count);
      }
      const y: number[] = [];
      for (let o = 0; o < out; o++) {
        let z = bias[o];
        for (let k = 0; k < 3 * h; k++) z += pooled[k] * w[k * out + o];
        y.push(1 / (1 + Math.exp(-z)));
      }
      const norm = Math.hypot(...y);
      for (let o = 0; o < out; o++) total += coef[i * out + o] * y[o] / norm;
    }
    return total;
  };
  const grad = tf.tidy(() => {
    const params: Record<string, tf.Tensor> = {
      [n.weight]: tf.tensor2d(w, [3 * h, out]),
      [n.bias]: tf.tensor1d(bias),
    };
    const c = tf.tensor2d(coef, [b, out]);
    const g = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(
        applyHead(
          { hidden: x, poolMask: mask, lengths: [3, 2] },
          modes,
          dense,
          (k) => params[k],
          true,
        ),
        c,
      ))
    );
    return g(tf.tensor3d(hid, [b, l, h])).dataSync().slice();
  });
  const eps = 1e-5;
  for (let i = 0; i < hid.length; i++) {
    const up = Float64Array.from(hid), down = Float64Array.from(hid);
    up[i] += eps;
    down[i] -= eps;
    const fd = (loss64(up) - loss64(down)) / (2 * eps);
    assert.ok(Math.abs(grad[i] - fd) < 1e-4, `∂/∂hidden[${i}]: ${grad[i]} vs ${fd}`);
  }
  // A masked token gets no gradient from max or mean pooling.
  assert.ok(grad.slice(5 * h, 6 * h).every((v) => v === 0));
  assert.equal(tf.memory().numTensors, before);
});
