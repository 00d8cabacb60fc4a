import assert from "node:assert/strict";
import {
  l2Normalize,
  l2NormalizeBackward,
  meanPool,
  NORM_EPS,
  project,
  projectBackward,
  TouchedRows,
} from "./pooling.ts";

Deno.test("meanPool() averages rows, counting repeated ids each time", () => {
  const table = new Float32Array([0, 0, 1, 2, 10, 20]);
  const out = new Float64Array(4).fill(7);
  meanPool(table, 2, new Int32Array([1, 1, 2]), out, 2);
  assert.deepEqual([...out], [7, 7, 4, 8]);
});

Deno.test("projectBackward() matches finite differences of project()", () => {
  const p = 2, d = 3;
  const w = new Float32Array([0.5, -1, 2, 1.5, 0.25, -0.75]);
  const x = new Float64Array([1, -2, 0.5]);
  const gy = new Float64Array([0.3, -0.7]);
  const gw = new Float64Array(p * d), gx = new Float64Array(d);
  projectBackward(w, p, d, x, 0, gy, 0, gw, gx, 0);
  const f = (ww: Float32Array, xx: Float64Array) => {
    const y = new Float64Array(p);
    project(ww, p, d, xx, 0, y, 0);
    return y[0] * gy[0] + y[1] * gy[1];
  };
  for (let k = 0; k < d; k++) {
    const xp = x.slice(), xm = x.slice();
    xp[k] += 1e-6;
    xm[k] -= 1e-6;
    assert.ok(Math.abs((f(w, xp) - f(w, xm)) / 2e-6 - gx[k]) < 1e-6);
  }
  // Linear in W: dW = gy xᵀ exactly.
  for (let j = 0; j < p; j++) for (let k = 0; k < d; k++) assert.equal(gw[j * d + k], gy[j] * x[k]);
});

Deno.test("l2NormalizeBackward() matches finite differences and handles the zero vector", () => {
  const y = new Float64Array([3, -1, 2]);
  const ge = new Float64Array([0.2, 0.5, -1]);
  const e = new Float64Array(3), gy = new Float64Array(3);
  const norm = l2Normalize(y, 0, 3, e, 0);
  l2NormalizeBackward(e, 0, 3, norm, ge, 0, gy, 0);
  const f = (yy: Float64Array) => {
    const out = new Float64Array(3);
    l2Normalize(yy, 0, 3, out, 0);
    return out[0] * ge[0] + out[1] * ge[1] + out[2] * ge[2];
  };
  for (let k = 0; k < 3; k++) {
    const a = y.slice(), b = y.slice();
    a[k] += 1e-6;
    b[k] -= 1e-6;
    assert.ok(Math.abs((f(a) - f(b)) / 2e-6 - gy[k]) < 1e-8);
  }
  const zero = new Float64Array(2), ez = new Float64Array(2);
  assert.equal(l2Normalize(zero, 0, 2, ez, 0), 0);
  assert.deepEqual([...ez], [0, 0]);
  const gz = new Float64Array(2);
  l2NormalizeBackward(ez, 0, 2, 0, new Float64Array([1, 0]), 0, gz, 0);
  assert.equal(gz[0], 1 / NORM_EPS);
});

Deno.test("TouchedRows gives first-seen slots, grows past its initial capacity and resets", () => {
  const t = new TouchedRows(5000);
  for (let i = 0; i < 3000; i++) assert.equal(t.add(4999 - i), i);
  assert.equal(t.add(4999), 0);
  assert.equal(t.count, 3000);
  assert.equal(t.rows[2999], 2000);
  t.reset();
  assert.equal(t.count, 0);
  assert.ok(t.slot.every((s) => s === -1));
});
