import assert from "node:assert/strict";
import { adamWStep, resolveAdamW, sparseAdamWStep } from "./sparse_adamw.ts";

/** A straightforward AdamW on numbers, float64, PyTorch's order. */
function referenceAdamW(
  theta: number[],
  m: number[],
  v: number[],
  g: number[],
  t: number,
  lr: number,
  wd: number,
) {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  for (let i = 0; i < theta.length; i++) {
    theta[i] *= 1 - lr * wd;
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    const mHat = m[i] / (1 - b1 ** t), vHat = v[i] / (1 - b2 ** t);
    theta[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
  }
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(
      Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])),
      `[${i}] ${a[i]} vs ${b[i]}`,
    );
  }
};

Deno.test("adamWStep() follows the PyTorch AdamW update over several steps", () => {
  const o = resolveAdamW();
  const w = new Float32Array([0.5, -1, 2, 0]), m = new Float32Array(4), v = new Float32Array(4);
  const rt = [0.5, -1, 2, 0], rm = [0, 0, 0, 0], rv = [0, 0, 0, 0];
  for (let t = 1; t <= 5; t++) {
    const g = [0.1 * t, -0.3, 1e-3, t % 2 ? 2 : -2];
    adamWStep(w, new Float64Array(g), m, v, t, 0.01, o);
    referenceAdamW(rt, rm, rv, g, t, 0.01, 0.01);
    close(w, rt);
    close(m, rm);
    close(v, rv);
  }
});

Deno.test("adamWStep() applies decoupled weight decay even where the gradient is zero", () => {
  const w = new Float32Array([2]), m = new Float32Array(1), v = new Float32Array(1);
  adamWStep(w, [0], m, v, 1, 0.1, resolveAdamW({ weightDecay: 0.5 }));
  assert.equal(w[0], Math.fround(2 * (1 - 0.05)));
});

Deno.test("adamWStep() first step moves each weight by lr against the gradient's sign", () => {
  const w = new Float32Array([1, 1]), m = new Float32Array(2), v = new Float32Array(2);
  adamWStep(w, [3, -1e-3], m, v, 1, 0.01, resolveAdamW({ weightDecay: 0 }));
  close(w, [0.99, 1.01], 1e-5);
});

Deno.test("sparseAdamWStep() equals dense AdamW on rows touched every step", () => {
  const o = resolveAdamW();
  const rows = 5, cols = 3;
  const w = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i));
  const m = new Float32Array(rows * cols), v = new Float32Array(rows * cols);
  const touched = new Int32Array([3, 1]);
  const ref = new Map([3, 1].map((r) => [r, {
    theta: [...w.subarray(r * cols, r * cols + cols)],
    m: [0, 0, 0],
    v: [0, 0, 0],
  }]));
  for (let t = 1; t <= 4; t++) {
    const grad = Float32Array.from({ length: 2 * cols }, (_, i) => Math.cos(i + t));
    sparseAdamWStep(w, m, v, cols, touched, 2, grad, t, 0.05, o);
    for (let s = 0; s < 2; s++) {
      const r = ref.get(touched[s])!;
      referenceAdamW(
        r.theta,
        r.m,
        r.v,
        [...grad.subarray(s * cols, s * cols + cols)],
        t,
        0.05,
        0.01,
      );
    }
  }
  for (const [row, r] of ref) {
    close(w.subarray(row * cols, row * cols + cols), r.theta);
    close(m.subarray(row * cols, row * cols + cols), r.m);
    close(v.subarray(row * cols, row * cols + cols), r.v);
  }
});

Deno.test("sparseAdamWStep() leaves untouched rows and their moments bit-identical", () => {
  const o = resolveAdamW();
  const cols = 2;
  const w = new Float32Array([1, 2, 3, 4, 5, 6]);
  const m = new Float32Array([0.1, 0.1, 0.2, 0.2, 0.3, 0.3]);
  const v = new Float32Array([0.01, 0.01, 0.02, 0.02, 0.03, 0.03]);
  sparseAdamWStep(w, m, v, cols, new Int32Array([1, 0, 2]), 1, new Float32Array([1, 1]), 4, 0.1, o);
  // Only row 1 (count = 1) moves; rows 0 and 2 keep weights and moments (no decay of either).
  assert.deepEqual([...w.subarray(0, 2)], [1, 2]);
  assert.deepEqual([...w.subarray(4)], [5, 6]);
  assert.deepEqual(m.subarray(0, 2), new Float32Array([0.1, 0.1]));
  assert.deepEqual(v.subarray(4), new Float32Array([0.03, 0.03]));
  assert.notEqual(w[2], 3);
});

Deno.test("sparseAdamWStep() is lazy: a skipped step does not decay a row's moments", () => {
  const o = resolveAdamW();
  const w = new Float32Array([1, 1]), m = new Float32Array(2), v = new Float32Array(2);
  const g = new Float32Array([0.5]);
  sparseAdamWStep(w, m, v, 1, new Int32Array([0]), 1, g, 1, 0.1, o); // row 0 at step 1
  sparseAdamWStep(w, m, v, 1, new Int32Array([1]), 1, g, 2, 0.1, o); // row 1 at step 2
  sparseAdamWStep(w, m, v, 1, new Int32Array([0]), 1, g, 3, 0.1, o); // row 0 again at step 3
  // Row 0 saw two updates, with the global step 3 in the bias correction at the second.
  const r = { theta: [1], m: [0], v: [0] };
  referenceAdamW(r.theta, r.m, r.v, [0.5], 1, 0.1, 0.01);
  referenceAdamW(r.theta, r.m, r.v, [0.5], 3, 0.1, 0.01);
  close([w[0], m[0], v[0]], [r.theta[0], r.m[0], r.v[0]]);
  // A dense AdamW would have decayed row 0's moments at step 2 and moved it.
  const dense = { theta: [1], m: [0], v: [0] };
  for (let t = 1; t <= 3; t++) {
    referenceAdamW(dense.theta, dense.m, dense.v, [t === 2 ? 0 : 0.5], t, 0.1, 0.01);
  }
  assert.ok(Math.abs(w[0] - dense.theta[0]) > 1e-3);
});

Deno.test("adamWStep() rejects a step below 1", () => {
  assert.throws(
    () =>
      adamWStep(
        new Float32Array(1),
        [0],
        new Float32Array(1),
        new Float32Array(1),
        0,
        0.1,
        resolveAdamW(),
      ),
    RangeError,
  );
});

Deno.test("sparseAdamWStep() over every row equals adamWStep() bit for bit", () => {
  const o = resolveAdamW();
  const rows = 4, cols = 3, n = rows * cols;
  const w1 = Float32Array.from({ length: n }, (_, i) => Math.cos(i)), w2 = w1.slice();
  const m1 = new Float32Array(n), v1 = new Float32Array(n), m2 = new Float32Array(n);
  const v2 = new Float32Array(n);
  const all = new Int32Array([0, 1, 2, 3]);
  for (let t = 1; t <= 3; t++) {
    const g = Float32Array.from({ length: n }, (_, i) => Math.sin(i * t));
    adamWStep(w1, g, m1, v1, t, 0.01, o);
    sparseAdamWStep(w2, m2, v2, cols, all, rows, g, t, 0.01, o);
  }
  assert.deepEqual(w2, w1);
  assert.deepEqual(m2, m1);
  assert.deepEqual(v2, v1);
});
