import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./backend.ts";
import { adamWRows, type AdamWStep, adamWUpdate } from "./adamw_tf.ts";
import { resolveAdamW } from "./sparse_adamw.ts";

/** torch.optim.AdamW as its documentation states it, in float64. */
function reference(p0: number[], grads: number[][], lr: number, wd: number): number[] {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const p = [...p0], m = p.map(() => 0), v = p.map(() => 0);
  grads.forEach((g, s) => {
    const t = s + 1;
    for (let i = 0; i < p.length; i++) {
      p[i] -= lr * wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const mHat = m[i] / (1 - b1 ** t), vHat = v[i] / (1 - b2 ** t);
      p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  });
  return p;
}

const P0 = [1, -2, 0.5, 3, -0.25, 0];
const GRADS = [
  [0.5, -1, 0.1, 0, 2, -0.3],
  [0.4, 1, -0.2, 0, 1.5, 0.3],
  [-0.1, 0.5, 0.3, 0.01, 0.2, 0.1],
  [0.2, -0.2, 0.05, 0, -1, 0],
  [1, 1, 1, 1, 1, 1],
];
const step = (t: number, lr: number, wd: number): AdamWStep => ({
  ...resolveAdamW(),
  lr,
  step: t,
  weightDecay: wd,
});

Deno.test("adamWUpdate() follows torch.optim.AdamW over 5 steps, weight decay included", async () => {
  await initBackend();
  for (const wd of [0, 0.01, 0.5]) {
    let p: tf.Tensor = tf.tensor1d(P0), m: tf.Tensor = tf.zeros([6]), v: tf.Tensor = tf.zeros([6]);
    GRADS.forEach((g, s) => {
      const next = tf.tidy(() => {
        const u = adamWUpdate(p, tf.tensor1d(g), m, v, step(s + 1, 0.1, wd));
        return [u.p, u.m, u.v];
      });
      tf.dispose([p, m, v]);
      [p, m, v] = next;
    });
    const want = reference(P0, GRADS, 0.1, wd);
    const got = p.dataSync();
    want.forEach((w, i) =>
      assert.ok(Math.abs(got[i] - w) < 1e-5, `wd ${wd} [${i}]: ${got[i]} vs ${w}`)
    );
    tf.dispose([p, m, v]);
  }
});

Deno.test("adamWRows() follows torch.optim.AdamW; dense mode updates rows without a gradient too", () => {
  // Rows of width 2: row 1 gets GRADS[.][0..1], row 2 gets GRADS[.][2..3], row 0 none.
  const width = 2, wd = 0.1, lr = 0.05;
  const p = new Float32Array([0.3, -0.7, ...P0.slice(0, 4)]);
  const start = [...p];
  const m = new Float32Array(6), v = new Float32Array(6);
  GRADS.forEach((g, s) => {
    adamWRows(
      p,
      m,
      v,
      width,
      Int32Array.of(2, 1),
      Float32Array.of(g[2], g[3], g[0], g[1]),
      step(s + 1, lr, wd),
      true,
    );
  });
  const want = reference(start, GRADS.map((g) => [0, 0, g[0], g[1], g[2], g[3]]), lr, wd);
  want.forEach((w, i) => assert.ok(Math.abs(p[i] - w) < 1e-6, `[${i}]: ${p[i]} vs ${w}`));
});

Deno.test("adamWRows() in sparse mode leaves rows without a gradient untouched", () => {
  const p = new Float32Array([1, 2, 3, 4]), m = new Float32Array(4), v = new Float32Array(4);
  adamWRows(p, m, v, 2, Int32Array.of(0), Float32Array.of(1, -1), step(1, 0.1, 0.5), false);
  assert.deepEqual([...p.subarray(2)], [3, 4]);
  assert.deepEqual([...m.subarray(2)], [0, 0]);
  assert.ok(Math.abs(p[0] - (1 * 0.95 - 0.1)) < 1e-6 && Math.abs(p[1] - (2 * 0.95 + 0.1)) < 1e-6);
});
