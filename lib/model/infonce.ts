/**
 * The contrastive loss of the paper: InfoNCE over in-batch negatives with
 * cosine similarity. For a batch of `n` pairs `(q_i, p_i)` with unit-norm
 * embeddings, `S_ij = cos(q_i, p_j) / τ` and
 *
 * ```
 * L = mean_i [ −S_ii + logsumexp_j S_ij ]                  (q → p)
 *   + w · mean_j [ −S_jj + logsumexp_i S_ij ]              (p → q, optional)
 * ```
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
 * InfoNCE from the cosine matrix, with its gradient.
 *
 * @param cos `n × n` row-major, `cos[i * n + j] = cos(q_i, p_j)`.
 * @param n Number of pairs.
 * @param options Temperature and symmetric weight.
 * @param grad When given (`n × n`), receives dL/dcos (that is, dL/dS divided by τ).
 * @returns The loss (NaN or ±Infinity when a score is not finite).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { infoNceFromCosines } from "./infonce.ts";
 * // Two pairs, each query exactly on its passage and orthogonal to the other.
 * const loss = infoNceFromCosines(new Float64Array([1, 0, 0, 1]), 2, { temperature: 1 });
 * assert(Math.abs(loss - Math.log(1 + Math.exp(-1))) < 1e-12);
 * ```
 */
export function infoNceFromCosines(
  cos: ArrayLike<number>,
  n: number,
  options: InfoNceOptions = {},
  grad?: Float64Array,
): number {
  const { temperature, symmetricWeight: w } = resolveInfoNce(options);
  const scale = 1 / temperature;
  const inv = 1 / n;
  if (grad) grad.fill(0, 0, n * n);
  let loss = 0;
  // q → p: softmax over each row.
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) if (cos[row + j] > max) max = cos[row + j];
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(scale * (cos[row + j] - max));
    loss += scale * (max - cos[row + i]) + Math.log(sum);
    if (grad) {
      const c = scale * inv;
      for (let j = 0; j < n; j++) {
        grad[row + j] += c * Math.exp(scale * (cos[row + j] - max)) / sum;
      }
      grad[row + i] -= c;
    }
  }
  loss *= inv;
  if (w === 0) return loss;
  // p → q: softmax over each column.
  let back = 0;
  for (let j = 0; j < n; j++) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (cos[i * n + j] > max) max = cos[i * n + j];
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(scale * (cos[i * n + j] - max));
    back += scale * (max - cos[j * n + j]) + Math.log(sum);
    if (grad) {
      const c = w * scale * inv;
      for (let i = 0; i < n; i++) {
        grad[i * n + j] += c * Math.exp(scale * (cos[i * n + j] - max)) / sum;
      }
      grad[j * n + j] -= c;
    }
  }
  return loss + w * back * inv;
}

/** Reusable buffers for {@linkcode infoNce}, so a training step allocates nothing. */
export interface InfoNceScratch {
  /** At least `n × n`. */
  cos: Float64Array;
  /** At least `n × n`. */
  dcos: Float64Array;
}

/**
 * InfoNCE from unit-norm embeddings (so `cos(q_i, p_j) = q_i · p_j`), with the
 * gradients w.r.t. the embeddings: `dL/dq = dC P`, `dL/dp = dCᵀ Q` where
 * `dC = dL/dcos`.
 *
 * @param q Queries, `n × dim` row-major, rows of unit norm.
 * @param p Passages, `n × dim`; passage `i` is query `i`'s positive.
 * @param n Number of pairs.
 * @param dim Embedding width.
 * @param options Temperature and symmetric weight.
 * @param grads When given, `grads.q` / `grads.p` (`n × dim`) receive dL/dq and dL/dp.
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
 * ```
 */
export function infoNce(
  q: Float64Array | Float32Array,
  p: Float64Array | Float32Array,
  n: number,
  dim: number,
  options: InfoNceOptions = {},
  grads?: { q: Float64Array; p: Float64Array },
  scratch?: InfoNceScratch,
): number {
  const cos = scratch?.cos ?? new Float64Array(n * n);
  cosines(q, p, n, dim, cos);
  if (!grads) return infoNceFromCosines(cos, n, options);
  const dc = scratch?.dcos ?? new Float64Array(n * n);
  const loss = infoNceFromCosines(cos, n, options, dc);
  // dL/dq = dC P and dL/dp = dCᵀ Q, four rows of the right-hand side at a time.
  combine(dc, n, 1, n, p, dim, grads.q);
  combine(dc, 1, n, n, q, dim, grads.p);
  return loss;
}

/** `cos = Q Pᵀ` (`n × n`), two rows by two columns at a time. */
function cosines(
  q: Float64Array | Float32Array,
  p: Float64Array | Float32Array,
  n: number,
  dim: number,
  cos: Float64Array,
): void {
  const even = n - (n % 2);
  for (let i = 0; i < n; i += 2) {
    const a = i * dim, b = i + 1 < n ? a + dim : a;
    for (let j = 0; j < n; j += 2) {
      const c = j * dim, d = j + 1 < n ? c + dim : c;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let k = 0; k < dim; k++) {
        const qa = q[a + k], qb = q[b + k], pc = p[c + k], pd = p[d + k];
        s00 += qa * pc;
        s01 += qa * pd;
        s10 += qb * pc;
        s11 += qb * pd;
      }
      cos[i * n + j] = s00;
      if (j + 1 < n) cos[i * n + j + 1] = s01;
      if (i < even) {
        cos[(i + 1) * n + j] = s10;
        if (j + 1 < n) cos[(i + 1) * n + j + 1] = s11;
      }
    }
  }
}

/**
 * `out[r] = Σ_j c[r·rs + j·cs] x[j]` for rows of `dim` (`out = C X` with
 * `rs = n, cs = 1`; `out = Cᵀ X` with `rs = 1, cs = n`). Every output element
 * is `Σ` over groups of four `j`, `acc += (c₀x₀ + c₁x₁) + (c₂x₂ + c₃x₃)`, then
 * the remaining `j` one at a time — the order of the `combine` WebAssembly
 * twin.
 */
function combine(
  c: Float64Array,
  rs: number,
  cs: number,
  n: number,
  x: Float64Array | Float32Array,
  dim: number,
  out: Float64Array,
): void {
  out.fill(0, 0, n * dim);
  let r = 0;
  // Two output rows by four input rows at a time: each load of x serves two rows.
  for (; r + 1 < n; r += 2) {
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
  if (r < n) {
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
