/**
 * The contrastive loss of the paper: InfoNCE over in-batch negatives with
 * cosine similarity. For `B` queries `q_i` and `M ≥ B` candidate passages
 * `p_j` with unit-norm embeddings, query `i`'s positive being `p_i` (the first
 * `B` candidates are the positives, any further ones hard negatives),
 * `S_ij = cos(q_i, p_j) / τ` and
 *
 * ```
 * L = mean_i [ −S_ii + logsumexp_{j < M} S_ij ]            (q → p)
 *   + w · mean_{j < B} [ −S_jj + logsumexp_{i < B} S_ij ]  (p → q, optional)
 * ```
 *
 * With one hard negative per query (`M = 2B`) this is the paper's Eq. 1 over
 * triplets `(q, d⁺, d⁻)`: query `i` is contrasted with every positive and
 * every hard negative of the batch. The p → q term stays over the `B`
 * positives. Entries of an optional `B × M` mask are left out of both
 * softmaxes (a candidate that is a copy of the query's own positive is no
 * negative of it).
 *
 * `τ` is the temperature (default 0.05, i.e. sentence-transformers'
 * `MultipleNegativesRankingLoss` with `scale = 1/τ = 20`); `w` the weight of
 * the symmetric term (default 0, the paper's one-directional loss; `w = 1`
 * then halving equals sentence-transformers' `MultipleNegativesSymmetricRankingLoss`).
 * The logsumexp subtracts the row (column) maximum, so any finite scores give a
 * finite loss.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";

/** Options of the InfoNCE loss. */
export interface InfoNceOptions {
  /** Temperature τ; scores are `cos / τ`. Default 0.05 (scale 20). */
  temperature?: number;
  /** Weight of the p → q term. Default 0 (one-directional q → p). */
  symmetricWeight?: number;
}

/** Default temperature: 0.05, sentence-transformers' scale 20. */
export const DEFAULT_TEMPERATURE = 0.05;

/**
 * The loss settings with their defaults filled in and checked: the one place
 * both implementations (this float64 one and the tfjs one of
 * `infonce_tf.ts`) take them from.
 *
 * @param options Temperature (default {@linkcode DEFAULT_TEMPERATURE}) and symmetric weight (default 0).
 * @returns Both settings.
 * @throws {InputError} when the temperature is not > 0 or the weight is negative.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveInfoNce } from "./infonce.ts";
 * assert.deepEqual(resolveInfoNce(), { temperature: 0.05, symmetricWeight: 0 });
 * assert.throws(() => resolveInfoNce({ temperature: 0 }), /temperature must be > 0, got 0/);
 * ```
 */
export function resolveInfoNce(options: InfoNceOptions = {}): Required<InfoNceOptions> {
  const temperature = options.temperature ?? DEFAULT_TEMPERATURE;
  if (!(temperature > 0)) {
    throw new InputError(`InfoNCE temperature must be > 0, got ${temperature}`);
  }
  const symmetricWeight = options.symmetricWeight ?? 0;
  if (!(symmetricWeight >= 0)) {
    throw new InputError(`InfoNCE symmetricWeight must be >= 0, got ${symmetricWeight}`);
  }
  return { temperature, symmetricWeight };
}

/**
 * The layout of a cosine matrix: `queries` rows (`B`), `candidates` columns
 * (`M ≥ B`; the first `B` are the queries' positives, the rest hard
 * negatives), and optionally which entries are left out of the softmaxes.
 */
export interface InfoNceShape {
  /** `B`, the queries (rows), at least 1. */
  queries: number;
  /** `M ≥ B`, the candidate passages (columns). */
  candidates: number;
  /**
   * `B × M` row-major, non-zero where candidate `j` is left out of query `i`'s
   * softmax (and, for `j < B`, query `i` out of passage `j`'s); never on the
   * diagonal. Absent or null: nothing left out.
   */
  masked?: ArrayLike<number> | null;
}

/**
 * A shape given as a number `n` (a square `n × n` batch) or an
 * {@linkcode InfoNceShape}, checked.
 *
 * @param shape `n`, or the shape.
 * @returns `n` (rows), `m` (columns) and the mask (or null).
 * @throws {InputError} for fewer candidates than queries, a mask of the wrong
 *   length or a masked positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveInfoNceShape } from "./infonce.ts";
 * assert.deepEqual(resolveInfoNceShape(3), { n: 3, m: 3, masked: null });
 * assert.throws(() => resolveInfoNceShape({ queries: 3, candidates: 2 }), /2 candidates for 3 queries/);
 * ```
 */
export function resolveInfoNceShape(
  shape: number | InfoNceShape,
): { n: number; m: number; masked: ArrayLike<number> | null } {
  if (typeof shape === "number") return { n: shape, m: shape, masked: null };
  const n = shape.queries, m = shape.candidates, masked = shape.masked ?? null;
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(m) && m >= n)) {
    throw new InputError(
      `InfoNCE: ${m} candidates for ${n} queries, expected at least one query and a candidate per query`,
    );
  }
  if (masked !== null) {
    if (masked.length !== n * m) {
      throw new InputError(
        `InfoNCE: the mask has ${masked.length} entries, expected ${n} × ${m} = ${n * m}`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (masked[i * m + i]) {
        throw new InputError(`InfoNCE: the mask leaves out query ${i}'s own positive`);
      }
    }
  }
  return { n, m, masked };
}

/**
 * InfoNCE from the cosine matrix, with its gradient.
 *
 * @param cos `B × M` row-major, `cos[i * M + j] = cos(q_i, p_j)`.
 * @param shape `n` for a square `n × n` matrix, or the {@linkcode InfoNceShape} (`B`, `M`, mask).
 * @param options Temperature and symmetric weight.
 * @param grad When given (`B × M`), receives dL/dcos (that is, dL/dS divided by τ); 0 where masked.
 * @returns The loss (NaN or ±Infinity when a score is not finite).
 * @throws {InputError} for a bad shape or options.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { infoNceFromCosines } from "./infonce.ts";
 * // Two pairs, each query exactly on its passage and orthogonal to the other.
 * const loss = infoNceFromCosines(new Float64Array([1, 0, 0, 1]), 2, { temperature: 1 });
 * assert(Math.abs(loss - Math.log(1 + Math.exp(-1))) < 1e-12);
 * // One query, its positive and a hard negative.
 * const triplet = infoNceFromCosines(new Float64Array([1, 0]), { queries: 1, candidates: 2 }, { temperature: 1 });
 * assert(Math.abs(triplet - Math.log(1 + Math.exp(-1))) < 1e-12);
 * ```
 */
export function infoNceFromCosines(
  cos: ArrayLike<number>,
  shape: number | InfoNceShape,
  options: InfoNceOptions = {},
  grad?: Float64Array,
): number {
  const { temperature, symmetricWeight: w } = resolveInfoNce(options);
  const { n, m, masked: mask } = resolveInfoNceShape(shape);
  const scale = 1 / temperature;
  const inv = 1 / n;
  if (grad) grad.fill(0, 0, n * m);
  let loss = 0;
  // q → p: softmax over each row (its M candidates).
  for (let i = 0; i < n; i++) {
    const row = i * m;
    let max = -Infinity;
    for (let j = 0; j < m; j++) {
      if (mask !== null && mask[row + j]) continue;
      if (cos[row + j] > max) max = cos[row + j];
    }
    let sum = 0;
    for (let j = 0; j < m; j++) {
      if (mask !== null && mask[row + j]) continue;
      sum += Math.exp(scale * (cos[row + j] - max));
    }
    loss += scale * (max - cos[row + i]) + Math.log(sum);
    if (grad) {
      const c = scale * inv;
      for (let j = 0; j < m; j++) {
        if (mask !== null && mask[row + j]) continue;
        grad[row + j] += c * Math.exp(scale * (cos[row + j] - max)) / sum;
      }
      grad[row + i] -= c;
    }
  }
  loss *= inv;
  if (w === 0) return loss;
  // p → q: softmax over each of the B positives' columns (the B queries).
  let back = 0;
  for (let j = 0; j < n; j++) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      if (mask !== null && mask[i * m + j]) continue;
      if (cos[i * m + j] > max) max = cos[i * m + j];
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (mask !== null && mask[i * m + j]) continue;
      sum += Math.exp(scale * (cos[i * m + j] - max));
    }
    back += scale * (max - cos[j * m + j]) + Math.log(sum);
    if (grad) {
      const c = w * scale * inv;
      for (let i = 0; i < n; i++) {
        if (mask !== null && mask[i * m + j]) continue;
        grad[i * m + j] += c * Math.exp(scale * (cos[i * m + j] - max)) / sum;
      }
      grad[j * m + j] -= c;
    }
  }
  return loss + w * back * inv;
}

/** Reusable buffers for {@linkcode infoNce}, so a training step allocates nothing. */
export interface InfoNceScratch {
  /** At least `B × M`. */
  cos: Float64Array;
  /** At least `B × M`. */
  dcos: Float64Array;
}

/**
 * InfoNCE from unit-norm embeddings (so `cos(q_i, p_j) = q_i · p_j`), with the
 * gradients w.r.t. the embeddings: `dL/dq = dC P`, `dL/dp = dCᵀ Q` where
 * `dC = dL/dcos`.
 *
 * @param q Queries, `B × dim` row-major, rows of unit norm.
 * @param p Candidate passages, `M × dim`; passage `i < B` is query `i`'s positive, the rest hard negatives.
 * @param shape `n` (`B = M = n`), or the {@linkcode InfoNceShape}.
 * @param dim Embedding width.
 * @param options Temperature and symmetric weight.
 * @param grads When given, `grads.q` (`B × dim`) / `grads.p` (`M × dim`) receive dL/dq and dL/dp.
 * @param scratch Buffers to reuse; allocated when absent.
 * @returns The loss.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { infoNce } from "./infonce.ts";
 * const q = new Float64Array([1, 0, 0, 1]);
 * const gq = new Float64Array(4), gp = new Float64Array(4);
 * const loss = infoNce(q, q, 2, 2, {}, { q: gq, p: gp });
 * assert(loss < 1e-8 && Math.abs(gq[0]) < 1e-6);
 * // Triplets: B = 2 queries, their positives, then one hard negative each (M = 4).
 * const q3 = new Float64Array([1, 0, 0, 0, 1, 0]);
 * const p3 = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1]);
 * const triplets = infoNce(q3, p3, { queries: 2, candidates: 4 }, 3, { temperature: 1 });
 * assert(Math.abs(triplets - Math.log(1 + 3 * Math.exp(-1))) < 1e-12);
 * ```
 */
export function infoNce(
  q: Float64Array | Float32Array,
  p: Float64Array | Float32Array,
  shape: number | InfoNceShape,
  dim: number,
  options: InfoNceOptions = {},
  grads?: { q: Float64Array; p: Float64Array },
  scratch?: InfoNceScratch,
): number {
  const { n, m } = resolveInfoNceShape(shape);
  const cos = scratch?.cos ?? new Float64Array(n * m);
  cosines(q, p, n, m, dim, cos);
  if (!grads) return infoNceFromCosines(cos, shape, options);
  const dc = scratch?.dcos ?? new Float64Array(n * m);
  const loss = infoNceFromCosines(cos, shape, options, dc);
  // dL/dq = dC P and dL/dp = dCᵀ Q, four rows of the right-hand side at a time.
  combine(dc, m, 1, n, m, p, dim, grads.q);
  combine(dc, 1, m, m, n, q, dim, grads.p);
  return loss;
}

/** `cos = Q Pᵀ` (`n × m`), two rows by two columns at a time. */
function cosines(
  q: Float64Array | Float32Array,
  p: Float64Array | Float32Array,
  n: number,
  m: number,
  dim: number,
  cos: Float64Array,
): void {
  const even = n - (n % 2);
  for (let i = 0; i < n; i += 2) {
    const a = i * dim, b = i + 1 < n ? a + dim : a;
    for (let j = 0; j < m; j += 2) {
      const c = j * dim, d = j + 1 < m ? c + dim : c;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let k = 0; k < dim; k++) {
        const qa = q[a + k], qb = q[b + k], pc = p[c + k], pd = p[d + k];
        s00 += qa * pc;
        s01 += qa * pd;
        s10 += qb * pc;
        s11 += qb * pd;
      }
      cos[i * m + j] = s00;
      if (j + 1 < m) cos[i * m + j + 1] = s01;
      if (i < even) {
        cos[(i + 1) * m + j] = s10;
        if (j + 1 < m) cos[(i + 1) * m + j + 1] = s11;
      }
    }
  }
}

/**
 * `out[r] = Σ_{j < n} c[r·rs + j·cs] x[j]` for `rows` rows of `dim` (`out =
 * C X` with `rs = m, cs = 1`; `out = Cᵀ X` with `rs = 1, cs = m`). Every
 * output element is `Σ` over groups of four `j`, `acc += (c₀x₀ + c₁x₁) +
 * (c₂x₂ + c₃x₃)`, then the remaining `j` one at a time — the order of the
 * `combine_mn` WebAssembly twin.
 */
function combine(
  c: Float64Array,
  rs: number,
  cs: number,
  rows: number,
  n: number,
  x: Float64Array | Float32Array,
  dim: number,
  out: Float64Array,
): void {
  out.fill(0, 0, rows * dim);
  let r = 0;
  // Two output rows by four input rows at a time: each load of x serves two rows.
  for (; r + 1 < rows; r += 2) {
    const o = r * dim, cr = r * rs, o2 = o + dim, cr2 = cr + rs;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const c0 = c[cr + j * cs], c1 = c[cr + (j + 1) * cs];
      const c2 = c[cr + (j + 2) * cs], c3 = c[cr + (j + 3) * cs];
      const e0 = c[cr2 + j * cs], e1 = c[cr2 + (j + 1) * cs];
      const e2 = c[cr2 + (j + 2) * cs], e3 = c[cr2 + (j + 3) * cs];
      const x0 = j * dim, x1 = x0 + dim, x2 = x1 + dim, x3 = x2 + dim;
      for (let k = 0; k < dim; k++) {
        const a0 = x[x0 + k], a1 = x[x1 + k], a2 = x[x2 + k], a3 = x[x3 + k];
        out[o + k] += (c0 * a0 + c1 * a1) + (c2 * a2 + c3 * a3);
        out[o2 + k] += (e0 * a0 + e1 * a1) + (e2 * a2 + e3 * a3);
      }
    }
    for (; j < n; j++) {
      const cj = c[cr + j * cs], ej = c[cr2 + j * cs], xj = j * dim;
      for (let k = 0; k < dim; k++) {
        out[o + k] += cj * x[xj + k];
        out[o2 + k] += ej * x[xj + k];
      }
    }
  }
  if (r < rows) {
    const o = r * dim, cr = r * rs;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const c0 = c[cr + j * cs], c1 = c[cr + (j + 1) * cs];
      const c2 = c[cr + (j + 2) * cs], c3 = c[cr + (j + 3) * cs];
      const x0 = j * dim, x1 = x0 + dim, x2 = x1 + dim, x3 = x2 + dim;
      for (let k = 0; k < dim; k++) {
        out[o + k] += (c0 * x[x0 + k] + c1 * x[x1 + k]) + (c2 * x[x2 + k] + c3 * x[x3 + k]);
      }
    }
    for (; j < n; j++) {
      const cj = c[cr + j * cs], xj = j * dim;
      for (let k = 0; k < dim; k++) out[o + k] += cj * x[xj + k];
    }
  }
}
