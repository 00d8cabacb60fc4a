/**
 * Helpers for the retrieval tests: seeded random matrices and a brute-force
 * reference ranking.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Rng } from "../sampling/rng.ts";
import { compareUtf8 } from "../util/strcmp.ts";
import type { ScoreKernel } from "./score_kernel.ts";

/** A seeded uniform generator in [0, 1): the project's {@linkcode Rng}. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.float();
}

/** `n × dim` rows with L2 norm 1. */
export function randomUnitRows(n: number, dim: number, rand: () => number): Float32Array {
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let c = 0; c < dim; c++) {
      const v = rand() * 2 - 1;
      out[i * dim + c] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < dim; c++) out[i * dim + c] /= norm;
  }
  return out;
}

/** The full ranking of `ids` by `scores`: score descending, ties by docid descending. */
export function referenceRanking(ids: readonly string[], scores: ArrayLike<number>): string[] {
  const order = ids.map((_, i) => i);
  order.sort((a, b) => (scores[b] - scores[a]) || compareUtf8(ids[b], ids[a]));
  return order.map((i) => ids[i]);
}

/** Checks a kernel against float64 dot products and for pointwise determinism. */
export function checkKernel(kernel: ScoreKernel): void {
  const rand = seededRandom(3);
  const dim = 37, nd = 23, nq = 9;
  const docs = randomUnitRows(nd, dim, rand);
  const queries = randomUnitRows(nq, dim, rand);
  const block = kernel.prepare(queries, nq, dim);
  const full = block.score(docs, nd).slice();
  for (let i = 0; i < nd; i++) {
    for (let j = 0; j < nq; j++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += docs[i * dim + c] * queries[j * dim + c];
      assert.ok(Math.abs(full[i * nq + j] - s) < 1e-5, `(${i}, ${j}): ${full[i * nq + j]} vs ${s}`);
    }
  }
  // Pointwise determinism: the same pair scores the same in any block composition.
  for (const [from, to] of [[0, 1], [5, 9], [3, 23], [22, 23]]) {
    const part = block.score(docs.subarray(from * dim), to - from);
    for (let i = from; i < to; i++) {
      for (let j = 0; j < nq; j++) assert.equal(part[(i - from) * nq + j], full[i * nq + j]);
    }
  }
  block.dispose();
  for (const [q0, q1] of [[0, 1], [2, 7], [8, 9]]) {
    const sub = kernel.prepare(queries.subarray(q0 * dim), q1 - q0, dim);
    const out = sub.score(docs, nd);
    for (let i = 0; i < nd; i++) {
      for (let j = q0; j < q1; j++) assert.equal(out[i * (q1 - q0) + j - q0], full[i * nq + j]);
    }
    sub.dispose();
  }
}
