import assert from "node:assert/strict";
import { infoNce, infoNceFromCosines } from "./infonce.ts";

/** Deterministic pseudo-random numbers in [-1, 1). */
function numbers(n: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  return Float64Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 31 - 1;
  });
}

function unitRows(x: Float64Array, dim: number): Float64Array {
  for (let i = 0; i < x.length; i += dim) {
    const n = Math.hypot(...x.subarray(i, i + dim));
    for (let k = 0; k < dim; k++) x[i + k] /= n;
  }
  return x;
}

/** The loss written out plainly (no max subtraction), for moderate scores. */
function naive(cos: Float64Array, n: number, tau: number, w: number): number {
  let f = 0, b = 0;
  for (let i = 0; i < n; i++) {
    let rs = 0, cs = 0;
    for (let j = 0; j < n; j++) {
      rs += Math.exp(cos[i * n + j] / tau);
      cs += Math.exp(cos[j * n + i] / tau);
    }
    f += Math.log(rs) - cos[i * n + i] / tau;
    b += Math.log(cs) - cos[i * n + i] / tau;
  }
  return (f + w * b) / n;
}

Deno.test("infoNceFromCosines() equals the plain formula, one-directional and symmetric", () => {
  const n = 5, cos = numbers(n * n, 7);
  for (const [tau, w] of [[0.05, 0], [0.1, 1], [1, 0.3]]) {
    const got = infoNceFromCosines(cos, n, { temperature: tau, symmetricWeight: w });
    const want = naive(cos, n, tau, w);
    assert.ok(Math.abs(got - want) < 1e-10 * Math.abs(want), `τ=${tau} w=${w}: ${got} vs ${want}`);
  }
});

Deno.test("infoNceFromCosines() defaults to τ = 0.05 and no symmetric term", () => {
  const n = 4, cos = numbers(n * n, 3);
  assert.equal(infoNceFromCosines(cos, n), infoNceFromCosines(cos, n, { temperature: 0.05 }));
  assert.ok(Math.abs(infoNceFromCosines(cos, n) - naive(cos, n, 0.05, 0)) < 1e-10);
});

Deno.test("infoNceFromCosines() stays finite where exp would overflow", () => {
  const cos = new Float64Array([1, -1, 0.5, 1]);
  const loss = infoNceFromCosines(cos, 2, { temperature: 1e-4, symmetricWeight: 1 });
  assert.ok(Number.isFinite(loss));
  // Row 0: its positive is the maximum, so the loss is log(1 + e^{-2e4}) = 0.
  // Row 1: −1e4 + logsumexp(0.5e4, 1e4) = 0; column 0: the positive is the maximum, 0;
  // column 1: logsumexp(-1e4, 1e4) − 1e4 = 0.
  assert.ok(Math.abs(loss) < 1e-12);
  const worse = infoNceFromCosines(new Float64Array([-1, 1, 1, -1]), 2, { temperature: 1e-4 });
  assert.ok(Math.abs(worse - 2e4) < 1e-6);
});

Deno.test("infoNceFromCosines() gives NaN for a NaN score", () => {
  assert.ok(Number.isNaN(infoNceFromCosines(new Float64Array([NaN, 0, 0, 1]), 2)));
});

Deno.test("infoNceFromCosines() with weight 1 is symmetric in queries and passages", () => {
  const n = 4, cos = numbers(n * n, 11);
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = cos[i * n + j];
  const a = infoNceFromCosines(cos, n, { symmetricWeight: 1 });
  const b = infoNceFromCosines(t, n, { symmetricWeight: 1 });
  assert.ok(Math.abs(a - b) < 1e-12);
});

Deno.test("infoNceFromCosines() gradient matches finite differences", () => {
  const n = 4, cos = numbers(n * n, 5);
  const opts = { temperature: 0.1, symmetricWeight: 0.7 };
  const grad = new Float64Array(n * n);
  infoNceFromCosines(cos, n, opts, grad);
  const h = 1e-6;
  for (let i = 0; i < n * n; i++) {
    const c = cos.slice();
    c[i] += h;
    const up = infoNceFromCosines(c, n, opts);
    c[i] -= 2 * h;
    const down = infoNceFromCosines(c, n, opts);
    const num = (up - down) / (2 * h);
    assert.ok(
      Math.abs(grad[i] - num) < 1e-6 * Math.max(1, Math.abs(num)),
      `${i}: ${grad[i]} vs ${num}`,
    );
  }
});

Deno.test("infoNce() gradients w.r.t. the embeddings match finite differences", () => {
  // n = 3 and 7 take the odd-size tails of the blocked loops, n = 6 and 8 the blocks.
  for (const n of [3, 6, 7, 8]) {
    const dim = 5;
    const q = unitRows(numbers(n * dim, n), dim), p = unitRows(numbers(n * dim, 2 * n), dim);
    const opts = { temperature: 0.05, symmetricWeight: 0.5 };
    const gq = new Float64Array(n * dim), gp = new Float64Array(n * dim);
    const loss = infoNce(q, p, n, dim, opts, { q: gq, p: gp });
    assert.equal(loss, infoNce(q, p, n, dim, opts));
    const cos = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < dim; k++) cos[i * n + j] += q[i * dim + k] * p[j * dim + k];
      }
    }
    assert.ok(Math.abs(loss - naive(cos, n, 0.05, 0.5)) < 1e-9 * loss);
    const h = 1e-6;
    for (const [x, g] of [[q, gq], [p, gp]]) {
      for (let i = 0; i < x.length; i++) {
        const old = x[i];
        x[i] = old + h;
        const up = infoNce(q, p, n, dim, opts);
        x[i] = old - h;
        const down = infoNce(q, p, n, dim, opts);
        x[i] = old;
        const num = (up - down) / (2 * h);
        assert.ok(Math.abs(g[i] - num) < 1e-5 * Math.max(1, Math.abs(num)), `${g[i]} vs ${num}`);
      }
    }
  }
});

Deno.test("infoNce() reuses scratch buffers and gives the same result", () => {
  const n = 3, dim = 2;
  const q = unitRows(numbers(n * dim, 4), dim), p = unitRows(numbers(n * dim, 8), dim);
  const scratch = { cos: new Float64Array(16), dcos: new Float64Array(16) };
  const g1 = { q: new Float64Array(n * dim), p: new Float64Array(n * dim) };
  const g2 = { q: new Float64Array(n * dim), p: new Float64Array(n * dim) };
  const a = infoNce(q, p, n, dim, {}, g1);
  const b = infoNce(q, p, n, dim, {}, g2, scratch);
  assert.equal(a, b);
  assert.deepEqual(g1, g2);
});

/** The triplet loss written out plainly: B rows over M columns, p → q over the first B columns. */
function naiveTriplets(
  cos: Float64Array,
  n: number,
  m: number,
  tau: number,
  w: number,
  masked?: Uint8Array,
): number {
  const kept = (i: number, j: number) => !masked || masked[i * m + j] === 0;
  let f = 0, b = 0;
  for (let i = 0; i < n; i++) {
    let rs = 0;
    for (let j = 0; j < m; j++) if (kept(i, j)) rs += Math.exp(cos[i * m + j] / tau);
    f += Math.log(rs) - cos[i * m + i] / tau;
  }
  for (let j = 0; j < n; j++) {
    let cs = 0;
    for (let i = 0; i < n; i++) if (kept(i, j)) cs += Math.exp(cos[i * m + j] / tau);
    b += Math.log(cs) - cos[j * m + j] / tau;
  }
  return (f + w * b) / n;
}

Deno.test("infoNceFromCosines() over B × M triplet cosines equals the plain formula, masked or not", () => {
  const n = 4, m = 8, cos = numbers(n * m, 21);
  const masked = new Uint8Array(n * m);
  masked[0 * m + 5] = 1; // query 0's hard-negative column 5 is a copy of its positive
  masked[2 * m + 1] = 1; // query 2: positive 1 is a copy of its own
  for (const [tau, w] of [[0.05, 0], [0.1, 1], [1, 0.3]]) {
    for (const mask of [undefined, masked]) {
      const got = infoNceFromCosines(cos, { queries: n, candidates: m, masked: mask }, {
        temperature: tau,
        symmetricWeight: w,
      });
      const want = naiveTriplets(cos, n, m, tau, w, mask);
      assert.ok(
        Math.abs(got - want) < 1e-10 * Math.abs(want),
        `τ=${tau} w=${w}: ${got} vs ${want}`,
      );
    }
  }
});

Deno.test("infoNceFromCosines() with M = B and no mask is bit-identical to the square form", () => {
  const n = 5, cos = numbers(n * n, 17);
  for (const w of [0, 0.5]) {
    const g1 = new Float64Array(n * n), g2 = new Float64Array(n * n);
    const a = infoNceFromCosines(cos, n, { symmetricWeight: w }, g1);
    const b = infoNceFromCosines(cos, { queries: n, candidates: n }, { symmetricWeight: w }, g2);
    assert.equal(a, b);
    assert.deepEqual(g1, g2);
  }
});

Deno.test("infoNceFromCosines() triplet gradient matches finite differences and is 0 where masked", () => {
  const n = 3, m = 6, cos = numbers(n * m, 9);
  const masked = new Uint8Array(n * m);
  masked[1 * m + 4] = 1;
  masked[2 * m + 0] = 1;
  const shape = { queries: n, candidates: m, masked };
  const opts = { temperature: 0.1, symmetricWeight: 0.7 };
  const grad = new Float64Array(n * m);
  infoNceFromCosines(cos, shape, opts, grad);
  const h = 1e-6;
  for (let i = 0; i < n * m; i++) {
    const c = cos.slice();
    c[i] += h;
    const up = infoNceFromCosines(c, shape, opts);
    c[i] -= 2 * h;
    const down = infoNceFromCosines(c, shape, opts);
    const num = (up - down) / (2 * h);
    assert.ok(
      Math.abs(grad[i] - num) < 1e-6 * Math.max(1, Math.abs(num)),
      `${i}: ${grad[i]} vs ${num}`,
    );
    if (masked[i]) assert.equal(grad[i], 0);
  }
});

Deno.test("infoNce() over triplets: gradients w.r.t. queries, positives and negatives match finite differences", () => {
  for (const n of [1, 3, 6]) {
    const m = 2 * n, dim = 5;
    const q = unitRows(numbers(n * dim, n + 40), dim), p = unitRows(numbers(m * dim, n + 50), dim);
    const shape = { queries: n, candidates: m };
    const opts = { temperature: 0.05, symmetricWeight: 0.5 };
    const gq = new Float64Array(n * dim), gp = new Float64Array(m * dim);
    const loss = infoNce(q, p, shape, dim, opts, { q: gq, p: gp });
    assert.equal(loss, infoNce(q, p, shape, dim, opts));
    const h = 1e-6;
    for (const [x, g] of [[q, gq], [p, gp]]) {
      for (let i = 0; i < x.length; i++) {
        const old = x[i];
        x[i] = old + h;
        const up = infoNce(q, p, shape, dim, opts);
        x[i] = old - h;
        const down = infoNce(q, p, shape, dim, opts);
        x[i] = old;
        const num = (up - down) / (2 * h);
        assert.ok(Math.abs(g[i] - num) < 1e-5 * Math.max(1, Math.abs(num)), `${g[i]} vs ${num}`);
      }
    }
  }
});

Deno.test("infoNceFromCosines() rejects fewer candidates than queries, a short mask and a masked positive", () => {
  const cos = new Float64Array(8);
  assert.throws(
    () => infoNceFromCosines(cos, { queries: 3, candidates: 2 }),
    /2 candidates for 3 queries/,
  );
  assert.throws(
    () => infoNceFromCosines(cos, { queries: 2, candidates: 4, masked: new Uint8Array(3) }),
    /the mask has 3 entries, expected 2 × 4 = 8/,
  );
  const masked = new Uint8Array(8);
  masked[1 * 4 + 1] = 1;
  assert.throws(
    () => infoNceFromCosines(cos, { queries: 2, candidates: 4, masked }),
    /leaves out query 1's own positive/,
  );
});
