import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./backend.ts";
import { infoNceLoss } from "./infonce_tf.ts";
import { InputError } from "../util/errors.ts";

function unitRows(n: number, d: number, seed: number): number[][] {
  let s = seed;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: d }, r);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

function reference(q: number[][], p: number[][], tau: number, w: number): number {
  const S = q.map((qi) => p.map((pj) => dot(qi, pj) / tau));
  const nll = (row: number[], i: number) =>
    Math.log(row.reduce((s, x) => s + Math.exp(x), 0)) - row[i];
  let loss = S.reduce((s, row, i) => s + nll(row, i), 0) / q.length;
  if (w > 0) loss += (w * p.reduce((s, _, j) => s + nll(S.map((row) => row[j]), j), 0)) / p.length;
  return loss;
}

Deno.test("infoNceLoss() equals the float64 formula, extra passages and symmetric term included", async () => {
  await initBackend();
  const q = unitRows(4, 8, 1), p = unitRows(6, 8, 2);
  const value = (qq: number[][], pp: number[][], tau: number, w: number) =>
    tf.tidy(() =>
      infoNceLoss(tf.tensor2d(qq), tf.tensor2d(pp), { temperature: tau, symmetricWeight: w })
        .dataSync()[0]
    );
  assert.ok(Math.abs(value(q, p, 0.05, 0) - reference(q, p, 0.05, 0)) < 1e-4);
  assert.ok(
    Math.abs(value(q, p.slice(0, 4), 0.1, 0.7) - reference(q, p.slice(0, 4), 0.1, 0.7)) < 1e-4,
  );
  assert.ok(Math.abs(value(q, q, 1, 0) - reference(q, q, 1, 0)) < 1e-5);
  assert.ok(Math.abs(value(q.slice(0, 1), p.slice(0, 1), 0.05, 1)) < 1e-7); // one pair: nothing to contrast
});

Deno.test("infoNceLoss()'s gradient w.r.t. queries is (softmax · P − p_i) / (τ B)", async () => {
  await initBackend();
  const q = unitRows(3, 5, 3), p = unitRows(3, 5, 4), tau = 0.05;
  const grad = tf.tidy(() =>
    tf.grad((x: tf.Tensor) => infoNceLoss(x as tf.Tensor2D, tf.tensor2d(p), { temperature: tau }))(
      tf.tensor2d(q),
    ).arraySync() as number[][]
  );
  q.forEach((qi, i) => {
    const s = p.map((pj) => Math.exp(dot(qi, pj) / tau));
    const z = s.reduce((a, b) => a + b, 0);
    for (let k = 0; k < 5; k++) {
      const want = (p.reduce((acc, pj, j) => acc + (s[j] / z) * pj[k], 0) - p[i][k]) / (tau * 3);
      assert.ok(Math.abs(grad[i][k] - want) < 1e-4, `[${i}][${k}] ${grad[i][k]} vs ${want}`);
    }
  });
});

Deno.test("infoNceLoss() rejects a bad temperature, too few passages and an asymmetric symmetric batch", async () => {
  await initBackend();
  const a = tf.ones([2, 3]) as tf.Tensor2D,
    b = tf.ones([3, 3]) as tf.Tensor2D,
    c = tf.ones([1, 3]) as tf.Tensor2D;
  const bad = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e) => e instanceof InputError && re.test(e.message));
  bad(() => infoNceLoss(a, a, { temperature: 0 }), /temperature must be > 0/);
  bad(() => infoNceLoss(a, c), /2 queries of dim 3 and 1 passages/);
  bad(() => infoNceLoss(a, b, { symmetricWeight: 1 }), /as many passages \(3\) as queries \(2\)/);
  tf.dispose([a, b, c]);
});
