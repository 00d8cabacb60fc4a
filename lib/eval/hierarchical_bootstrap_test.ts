import assert from "node:assert/strict";
import { Rng } from "../sampling/rng.ts";
import {
  ClusterResampling,
  hierarchicalBootstrap,
  MDE_FACTOR,
  pAbove,
  pBelow,
} from "./hierarchical_bootstrap.ts";

/** Normal(0, 1) draws (Box–Muller) from the project's generator. */
function normals(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - rng.float(), v = rng.float();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

const sd = (xs: ArrayLike<number>) => {
  const m = Array.from(xs).reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(Array.from(xs).reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
};

Deno.test("hierarchicalBootstrap() observes the macro-average over strata of the seed-mean difference", () => {
  const rng = new Rng(3);
  const n = 60;
  const strata = Array.from({ length: n }, (_, u) => (u < 10 ? 0 : u < 35 ? 1 : 2));
  const clusters = Array.from({ length: n }, (_, u) => u % 25);
  const a = [0, 1, 2].map(() => Array.from(normals(rng, n)));
  const b = [0, 1, 2].map(() => Array.from(normals(rng, n)));
  a[1][7] = NaN; // a unit without a value in one run takes no part
  const r = hierarchicalBootstrap(a, b, { strata, clusters }, { iterations: 10 });
  let total = 0;
  for (const s of [0, 1, 2]) {
    const us = strata.map((x, u) => (x === s && u !== 7 ? u : -1)).filter((u) => u >= 0);
    const mean = (runs: number[][]) =>
      us.reduce((t, u) => t + runs.reduce((q, run) => q + run[u], 0) / runs.length, 0) / us.length;
    total += mean(a) - mean(b);
  }
  assert.ok(Math.abs(r.diff - total / 3) < 1e-12);
  assert.equal(r.units, n - 1);
  assert.equal(r.strata, 3);
  assert.equal(r.clusters, 25);
});

Deno.test("hierarchicalBootstrap() flips its difference and interval when the sides swap", () => {
  const rng = new Rng(5);
  const design = {
    strata: Array.from({ length: 90 }, (_, u) => u % 3),
    clusters: Array.from({ length: 90 }, (_, u) => Math.floor(u / 3)),
  };
  const a = [0, 1, 2, 3, 4].map(() => normals(rng, 90).map((x) => 0.3 + 0.1 * x));
  const b = [0, 1, 2, 3, 4].map(() => normals(rng, 90).map((x) => 0.2 + 0.1 * x));
  const ab = hierarchicalBootstrap(a, b, design, { iterations: 400, seed: 9 });
  const ba = hierarchicalBootstrap(b, a, design, { iterations: 400, seed: 9 });
  assert.ok(ab.diff > 0);
  assert.ok(Math.abs(ab.diff + ba.diff) < 1e-12);
  assert.ok(Math.abs(ab.ci95[0] + ba.ci95[1]) < 1e-12 && Math.abs(ab.ci95[1] + ba.ci95[0]) < 1e-12);
  assert.ok(Math.abs(ab.p - ba.p) < 1e-12);
  assert.ok(ab.mde >= MDE_FACTOR * ab.se);
  // same seed, same distribution
  assert.deepEqual(
    hierarchicalBootstrap(a, b, design, { iterations: 400, seed: 9 }).samples,
    ab.samples,
  );
});

Deno.test("hierarchicalBootstrap() with one seed and one unit per question has the plain standard error", () => {
  const rng = new Rng(11);
  const n = 400;
  const d = normals(rng, n);
  const zero = new Float64Array(n);
  const design = {
    strata: new Int32Array(n),
    clusters: Int32Array.from({ length: n }, (_, i) => i),
  };
  const r = hierarchicalBootstrap([d], [zero], design, { iterations: 4000, seed: 1 });
  const analytic = sd(d) / Math.sqrt(n);
  assert.ok(Math.abs(r.se / analytic - 1) < 0.05, `${r.se} vs ${analytic}`);
});

Deno.test("hierarchicalBootstrap() resamples a question's units together across strata", () => {
  // 100 questions in 10 strata (pairs), each question's value the same in all of them:
  // the clustered standard error is that of 100 values, not of 1,000.
  const rng = new Rng(13);
  const q = normals(rng, 100);
  const n = 1000;
  const values = Float64Array.from({ length: n }, (_, u) => q[u % 100]);
  const zero = new Float64Array(n);
  const strata = Int32Array.from({ length: n }, (_, u) => Math.floor(u / 100));
  const clustered = hierarchicalBootstrap([values], [zero], {
    strata,
    clusters: Int32Array.from({ length: n }, (_, u) => u % 100),
  }, { iterations: 3000, seed: 2 });
  const independent = hierarchicalBootstrap([values], [zero], {
    strata,
    clusters: Int32Array.from({ length: n }, (_, u) => u),
  }, { iterations: 3000, seed: 2 });
  const analytic = sd(q) / Math.sqrt(100);
  assert.ok(Math.abs(clustered.se / analytic - 1) < 0.07, `${clustered.se} vs ${analytic}`);
  assert.ok(clustered.se > 2.5 * independent.se, `${clustered.se} vs ${independent.se}`);
});

Deno.test("hierarchicalBootstrap() carries the seed-to-seed variance of training", () => {
  // Questions give the same difference in every seed except for a seed offset: the
  // SE is the seed mean's, s/√S (the bootstrap's plug-in variance corrected), on S − 1 df.
  const rng = new Rng(17);
  const S = 6, n = 200;
  const offsets = normals(rng, S).map((x) => 0.05 * x);
  const base = normals(rng, n).map((x) => 0.5 + 0.001 * x);
  const a = Array.from(offsets, (o) => base.map((x) => x + 0.02 + o));
  const b = Array.from({ length: S }, () => base);
  const design = {
    strata: new Int32Array(n),
    clusters: Int32Array.from({ length: n }, (_, i) => i),
  };
  const r = hierarchicalBootstrap(a, b, design, { iterations: 4000, seed: 3 });
  const analytic = sd(offsets) * Math.sqrt(S / (S - 1)) / Math.sqrt(S);
  assert.ok(Math.abs(r.se / analytic - 1) < 0.1, `${r.se} vs ${analytic}`);
  assert.ok(Math.abs(r.df - (S - 1)) < 0.5, `df ${r.df}`);
});

Deno.test("hierarchicalBootstrap() compares against a single deterministic run unpaired", () => {
  const rng = new Rng(19);
  const n = 120;
  const anchor = normals(rng, n).map((x) => 0.4 + 0.05 * x);
  const runs = [0, 1, 2, 3, 4].map(() => anchor.map((x, i) => x + 0.03 + 0.02 * Math.sin(i)));
  const design = {
    strata: new Int32Array(n),
    clusters: Int32Array.from({ length: n }, (_, i) => i),
  };
  const r = hierarchicalBootstrap(runs, [anchor], design, { iterations: 500 });
  assert.deepEqual(r.seeds, [5, 1]);
  assert.ok(r.diff > 0.02 && r.ci95[0] > 0 && r.p < 0.01);
  assert.throws(
    () => hierarchicalBootstrap(runs, [anchor], design, { paired: true }),
    /paired runs/,
  );
});

Deno.test("hierarchicalBootstrap() finds no difference between two draws of the same thing", () => {
  const rng = new Rng(23);
  const n = 300;
  const design = {
    strata: Int32Array.from({ length: n }, (_, u) => u % 3),
    clusters: Int32Array.from({ length: n }, (_, u) => Math.floor(u / 3)),
  };
  const a = [0, 1, 2, 3, 4].map(() => normals(rng, n));
  const b = [0, 1, 2, 3, 4].map(() => normals(rng, n));
  const r = hierarchicalBootstrap(a, b, design, { iterations: 2000, seed: 4 });
  assert.ok(r.ci95[0] < 0 && r.ci95[1] > 0, `${r.ci95}`);
  assert.ok(r.p > 0.05);
});

Deno.test("hierarchicalBootstrap() rejects runs of the wrong length", () => {
  const design = { strata: [0, 0], clusters: [0, 1] };
  assert.throws(
    () => hierarchicalBootstrap([[1, 2, 3]], [[1, 2]], design),
    /run 0 has 3 values, expected 2/,
  );
  assert.throws(() => hierarchicalBootstrap([], [[1, 2]], design), /side a has no runs/);
});

Deno.test("pAbove() and pBelow() are the two tails of a Wald test and mirror each other", () => {
  assert.ok(Math.abs(pAbove(0.03, 0.01, 0.01) - pBelow(-0.03, 0.01, -0.01)) < 1e-15);
  assert.ok(Math.abs(pAbove(0.01, 0.02, 0.01) - 0.5) < 1e-7);
  assert.ok(Math.abs(pAbove(0.05, 0.01, 0) + pBelow(0.05, 0.01, 0) - 1) < 1e-7);
});

Deno.test("hierarchicalBootstrap() is calibrated: under no difference p < 0.05 about 5% of the time", () => {
  const rng = new Rng(41);
  let rejections = 0;
  const trials = 200;
  for (let t = 0; t < trials; t++) {
    const n = 60;
    const design = {
      strata: Int32Array.from({ length: n }, (_, u) => u % 2),
      clusters: Int32Array.from({ length: n }, (_, u) => u >> 1),
    };
    // each run has its own seed offset (training variance) on top of question noise
    const run = () => {
      const offset = 0.3 * normals(rng, 1)[0];
      return normals(rng, n).map((x) => x + offset);
    };
    const a = [0, 1, 2, 3, 4].map(run);
    const b = [0, 1, 2, 3, 4].map(run);
    if (hierarchicalBootstrap(a, b, design, { iterations: 200, seed: t }).p < 0.05) rejections++;
  }
  // Binomial(200, 0.05): mean 10, sd ≈ 3.1 (the uncorrected percentile test gave ~23)
  assert.ok(rejections >= 2 && rejections <= 19, `rejections ${rejections}`);
});

Deno.test("a shared ClusterResampling gives each comparison the same question draws", () => {
  const rng = new Rng(43);
  const n = 120;
  const design = {
    strata: Int32Array.from({ length: n }, (_, u) => u % 3),
    clusters: Int32Array.from({ length: n }, (_, u) => Math.floor(u / 3)),
  };
  const a = [0, 1, 2].map(() => normals(rng, n));
  const b = [0, 1, 2].map(() => normals(rng, n));
  const shared = new ClusterResampling(40, 300, 7);
  const r1 = hierarchicalBootstrap(a, b, design, { iterations: 300, resampling: shared });
  const r2 = hierarchicalBootstrap(a, b, design, { iterations: 300, resampling: shared });
  assert.deepEqual(r1.samples, r2.samples);
  assert.equal(r1.diff, hierarchicalBootstrap(a, b, design, { iterations: 10 }).diff);
  assert.throws(
    () =>
      hierarchicalBootstrap(a, b, design, {
        iterations: 300,
        resampling: new ClusterResampling(10, 300, 7),
      }),
    /need 300 of 40/,
  );
});
