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
 * import { infoNceFromCosines } from "./infonce.ts";
 * // Two pairs, each query exactly on its passage and orthogonal to the other.
 * const loss = infoNceFromCosines(new Float64Array([1, 0, 0, 1]), 2, { temperature: 1 });
 * console.assert(Math.abs(loss - Math.log(1 + Math.exp(-1))) < 1e-12);
 * ```
 */
export function infoNceFromCosines(
  cos: ArrayLike<number>,
  n: number,
  options: InfoNceOptions = {},
  grad?: Float64Array,
): number {
  const scale = 1 / (options.temperature ?? DEFAULT_TEMPERATURE);
  const w = options.symmetricWeight ?? 0;
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
 * import { infoNce } from "./infonce.ts";
 * const q = new Float64Array([1, 0, 0, 1]);
 * const gq = new Float64Array(4), gp = new Float64Array(4);
 * const loss = infoNce(q, q, 2, 2, {}, { q: gq, p: gp });
 * console.assert(loss < 1e-8 && Math.abs(gq[0]) < 1e-6);
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
  for (let i = 0; i < n; i++) {
    const qi = i * dim;
    for (let j = 0; j < n; j++) {
      const pj = j * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) s += q[qi + k] * p[pj + k];
      cos[i * n + j] = s;
    }
  }
  if (!grads) return infoNceFromCosines(cos, n, options);
  const dc = scratch?.dcos ?? new Float64Array(n * n);
  const loss = infoNceFromCosines(cos, n, options, dc);
  const gq = grads.q, gp = grads.p;
  gq.fill(0, 0, n * dim);
  gp.fill(0, 0, n * dim);
  for (let i = 0; i < n; i++) {
    const qi = i * dim;
    for (let j = 0; j < n; j++) {
      const c = dc[i * n + j];
      const pj = j * dim;
      for (let k = 0; k < dim; k++) {
        gq[qi + k] += c * p[pj + k];
        gp[pj + k] += c * q[qi + k];
      }
    }
  }
  return loss;
}
