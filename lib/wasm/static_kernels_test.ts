import assert from "node:assert/strict";
import { infoNce, infoNceFromCosines } from "../model/infonce.ts";
import { l2NormalizeF32, meanPool, meanPoolF32 } from "../model/pooling.ts";
import { adamWCoefficients, resolveAdamW, sparseAdamWStep } from "../model/sparse_adamw.ts";
import { StaticWasm } from "./static_kernels.ts";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Float64 bits, so that -0 and +0 (and NaN payloads) count as different. */
function bits64(a: Float64Array): string {
  return [...new BigUint64Array(a.buffer, a.byteOffset, a.length)].join();
}

/** The kernels over a table of `V × d` random float32 values of very different magnitudes. */
function setup(V: number, d: number, seed: number) {
  const w = new StaticWasm(), r = rng(seed);
  const table = w.arena.f32(w.arena.alloc(4 * V * d), V * d);
  for (let i = 0; i < table.length; i++) table[i] = (r() - 0.5) * 10 ** Math.floor(r() * 8 - 4);
  return { w, table, r };
}

/** Stages sequences for embed_f32/pool_f64: row addresses and offsets. */
function stage(w: StaticWasm, table: Float32Array, d: number, seqs: Int32Array[]) {
  const total = seqs.reduce((s, x) => s + x.length, 0);
  const rows = w.arena.i32(w.arena.alloc(4 * total), total);
  const offs = w.arena.i32(w.arena.alloc(4 * (seqs.length + 1)), seqs.length + 1);
  let at = 0;
  seqs.forEach((seq, i) => {
    for (const id of seq) rows[at++] = table.byteOffset + 4 * d * id;
    offs[i + 1] = at;
  });
  return { rows: rows.byteOffset, offs: offs.byteOffset };
}

Deno.test("pool_f64 and embed_f32 equal meanPool and meanPoolF32 + l2NormalizeF32 bit for bit", () => {
  for (const d of [1, 2, 5, 16, 17, 33, 256]) {
    const V = 50;
    const { w, table, r } = setup(V, d, d);
    const seqs = Array.from(
      { length: 23 },
      (_, i) => Int32Array.from({ length: 1 + ((i * 7) % 70) }, () => Math.floor(r() * V)),
    );
    const { rows, offs } = stage(w, table, d, seqs);
    const out64 = w.arena.f64(w.arena.alloc(8 * seqs.length * d), seqs.length * d);
    w.fn.pool_f64(rows, offs, seqs.length, d, out64.byteOffset);
    const ref64 = new Float64Array(seqs.length * d);
    seqs.forEach((seq, i) => meanPool(table, d, seq, ref64, i * d));
    assert.equal(bits64(out64), bits64(ref64), `pool_f64, d = ${d}`);
    const out32 = w.arena.f32(w.arena.alloc(4 * seqs.length * d), seqs.length * d);
    w.fn.embed_f32(rows, offs, seqs.length, d, out32.byteOffset);
    const ref32 = new Float32Array(seqs.length * d);
    seqs.forEach((seq, i) => {
      meanPoolF32(table, d, seq, ref32, i * d);
      l2NormalizeF32(ref32, i * d, d);
    });
    assert.deepEqual(
      new Uint32Array(out32.slice().buffer),
      new Uint32Array(ref32.buffer),
      `embed_f32, d = ${d}`,
    );
  }
});

Deno.test("embed_f32 maps a zero mean to zero, as the twin does", () => {
  const w = new StaticWasm();
  const table = w.arena.f32(w.arena.alloc(16), 4); // one row of zeros, width 4
  const { rows, offs } = stage(w, table, 4, [new Int32Array([0, 0])]);
  const out = w.arena.f32(w.arena.alloc(16), 4);
  w.fn.embed_f32(rows, offs, 1, 4, out.byteOffset);
  assert.deepEqual([...out], [0, 0, 0, 0]);
});

Deno.test("cosines and combine give infoNce()'s loss and float64 gradients bit for bit", () => {
  for (const [n, dim] of [[1, 3], [2, 8], [5, 17], [16, 256], [9, 40]]) {
    const w = new StaticWasm(), r = rng(n * 100 + dim);
    const f64 = (len: number) => w.arena.f64(w.arena.alloc(8 * len), len);
    const q = f64(n * dim), p = f64(n * dim);
    for (const x of [q, p]) for (let i = 0; i < x.length; i++) x[i] = r() - 0.5;
    const opts = { temperature: 0.07, symmetricWeight: n % 2 };
    const gq = new Float64Array(n * dim), gp = new Float64Array(n * dim);
    const loss = infoNce(q, p, n, dim, opts, { q: gq, p: gp });
    const cos = f64(n * n), dcos = f64(n * n), pT = f64(dim * (n + 1)), g = f64(2 * n * dim);
    w.fn.cosines(q.byteOffset, p.byteOffset, n, dim, cos.byteOffset, pT.byteOffset);
    assert.equal(infoNceFromCosines(cos, n, opts, dcos), loss, `n ${n}, dim ${dim}: loss`);
    w.fn.combine(dcos.byteOffset, n, 1, n, p.byteOffset, dim, g.byteOffset);
    w.fn.combine(dcos.byteOffset, 1, n, n, q.byteOffset, dim, g.byteOffset + 8 * n * dim);
    assert.equal(bits64(g.subarray(0, n * dim)), bits64(gq), `n ${n}, dim ${dim}: dL/dq`);
    assert.equal(bits64(g.subarray(n * dim)), bits64(gp), `n ${n}, dim ${dim}: dL/dp`);
  }
});

Deno.test("cosines_mn and combine_mn give the rectangular infoNce()'s loss and gradients bit for bit", () => {
  // B queries × M candidates (positives, then hard negatives), odd and even, below and
  // above the 16-column block, with and without a mask.
  const shapes = [[1, 2, 3], [2, 4, 8], [5, 10, 17], [9, 18, 40], [16, 32, 256], [3, 7, 5]];
  for (const [n, m, dim] of shapes) {
    const w = new StaticWasm(), r = rng(n * 1000 + m * 10 + dim);
    const f64 = (len: number) => w.arena.f64(w.arena.alloc(8 * len), len);
    const q = f64(n * dim), p = f64(m * dim);
    for (const x of [q, p]) for (let i = 0; i < x.length; i++) x[i] = r() - 0.5;
    const masked = new Uint8Array(n * m);
    for (let i = 0; i < n; i++) if (i + 1 < m && (i % 3) === 1) masked[i * m + i + 1] = 1;
    const shape = { queries: n, candidates: m, masked };
    const opts = { temperature: 0.07, symmetricWeight: n % 2 };
    const gq = new Float64Array(n * dim), gp = new Float64Array(m * dim);
    const loss = infoNce(q, p, shape, dim, opts, { q: gq, p: gp });
    const cos = f64(n * m), dcos = f64(n * m), pT = f64(dim * (m + 1)), g = f64((n + m) * dim);
    w.fn.cosines_mn(q.byteOffset, p.byteOffset, n, m, dim, cos.byteOffset, pT.byteOffset);
    const where = `n ${n}, m ${m}, dim ${dim}`;
    assert.equal(infoNceFromCosines(cos, shape, opts, dcos), loss, `${where}: loss`);
    w.fn.combine_mn(dcos.byteOffset, m, 1, n, m, p.byteOffset, dim, g.byteOffset);
    w.fn.combine_mn(dcos.byteOffset, 1, m, m, n, q.byteOffset, dim, g.byteOffset + 8 * n * dim);
    assert.equal(bits64(g.subarray(0, n * dim)), bits64(gq), `${where}: dL/dq`);
    assert.equal(bits64(g.subarray(n * dim)), bits64(gp), `${where}: dL/dp`);
  }
});

Deno.test("scatter_f64 adds each sequence's row to its tokens' rows in order, as the loop does", () => {
  const d = 5, rowsN = 4, w = new StaticWasm(), r = rng(3);
  const g = w.arena.f32(w.arena.alloc(4 * rowsN * d), rowsN * d);
  const gh = w.arena.f64(w.arena.alloc(8 * 3 * d), 3 * d);
  for (let i = 0; i < gh.length; i++) gh[i] = (r() - 0.5) * 1e-3;
  for (let i = 0; i < g.length; i++) g[i] = r();
  const slots = [[0, 1, 1], [2], [3, 0, 2, 1]]; // per sequence, the token rows (repeats included)
  const flat = slots.flat();
  const offs = w.arena.i32(w.arena.alloc(4 * flat.length), flat.length);
  offs.set(flat.map((s) => 4 * d * s));
  const starts = w.arena.i32(w.arena.alloc(16), 4);
  starts.set([0, 3, 4, 8]);
  const ref = g.slice();
  slots.forEach((seq, s) => {
    for (const slot of seq) for (let k = 0; k < d; k++) ref[slot * d + k] += gh[s * d + k];
  });
  w.fn.scatter_f64(g.byteOffset, d, offs.byteOffset, starts.byteOffset, 3, gh.byteOffset);
  assert.deepEqual(new Uint32Array(g.slice().buffer), new Uint32Array(ref.buffer));
});

Deno.test("adamw_rows equals sparseAdamWStep bit for bit on the selected rows, with and without row scales", () => {
  for (const [d, scaled] of [[1, false], [6, true], [7, false], [7, true], [64, true]] as const) {
    const V = 9, w = new StaticWasm(), r = rng(d);
    const arr = () => {
      const a = w.arena.f32(w.arena.alloc(4 * V * d), V * d);
      for (let i = 0; i < a.length; i++) a[i] = r() - 0.5;
      return a;
    };
    const param = arr(), m = arr(), v = arr();
    for (let i = 0; i < v.length; i++) v[i] = Math.abs(v[i]) * 1e-3;
    const rows = w.arena.i32(w.arena.alloc(16), 3);
    rows.set([7, 0, 4]);
    const grad = w.arena.f32(w.arena.alloc(4 * 3 * d), 3 * d);
    for (let i = 0; i < grad.length; i++) grad[i] = (r() - 0.5) * 0.1;
    const [p2, m2, v2] = [param.slice(), m.slice(), v.slice()];
    const scales = w.arena.f32(w.arena.alloc(4 * V), V);
    for (let i = 0; i < V; i++) scales[i] = 0.1 + 3 * r();
    const o = resolveAdamW({ weightDecay: 0.01 });
    for (const step of [1, 2, 50]) {
      sparseAdamWStep(
        p2,
        m2,
        v2,
        d,
        rows.slice(),
        3,
        grad.slice(),
        step,
        0.05,
        o,
        scaled ? scales.slice() : null,
      );
      const c = adamWCoefficients(step, 0.05, o);
      w.fn.adamw_rows(
        param.byteOffset,
        m.byteOffset,
        v.byteOffset,
        d,
        rows.byteOffset,
        3,
        grad.byteOffset,
        scaled ? scales.byteOffset : 0,
        c.decay,
        c.b1c,
        c.b2c,
        o.beta2,
        c.stepSize,
        c.invSqrtBc2,
        o.eps,
      );
    }
    for (const [a, b] of [[param, p2], [m, m2], [v, v2]]) {
      assert.deepEqual(new Uint32Array(a.slice().buffer), new Uint32Array(b.buffer), `d = ${d}`);
    }
  }
});
