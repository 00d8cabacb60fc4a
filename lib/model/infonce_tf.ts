/**
 * The contrastive loss of the paper (InfoNCE over in-batch negatives), in tfjs.
 * With L2-normalised query vectors `q_i` and passage vectors `p_j`, cosine
 * similarity `s_ij = q_i·p_j` and temperature τ (`scale = 1 / τ`):
 *
 * ```
 * L_q→p = −(1/B) Σ_i log( exp(s_ii/τ) / Σ_j exp(s_ij/τ) )
 * ```
 *
 * Passage `i` is query `i`'s positive; every other passage in the batch
 * (including extra passages beyond the `B` queries) is a negative. With a
 * symmetric weight `w > 0` the passage→query term is added:
 * `L = L_q→p + w · L_p→q` (as `infonce.ts` of the static encoder; `w = 1`
 * then halving is sentence-transformers' `MultipleNegativesSymmetricRankingLoss`).
 * Given an {@linkcode InfoNceShape} (a batch with hard negatives, the
 * paper's triplets), the passages are the `B` positives then the hard
 * negatives, the passage→query term is over the `B` positives, and masked
 * entries are left out of both softmaxes — the loss of `infonce.ts`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { InputError } from "../util/errors.ts";
import {
  type InfoNceOptions,
  type InfoNceShape,
  resolveInfoNce,
  resolveInfoNceShape,
} from "./infonce.ts";
import { mm } from "./_tf_ops.ts";

function diagonalNll(logits: tf.Tensor2D): tf.Scalar {
  const [rows, cols] = logits.shape;
  const eye = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) eye[i * cols + i] = 1;
  const mask = tf.tensor2d(eye, [rows, cols]);
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits, 1), mask), 1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/**
 * InfoNCE over in-batch negatives. Call inside `tf.tidy` (or dispose the result).
 *
 * @param q Query vectors, `B × d`, L2-normalised.
 * @param p Passage vectors, `B' × d` (`B' ≥ B`), L2-normalised; row `i < B` is query `i`'s positive.
 * @param options Temperature and symmetric weight.
 * @param shape For a batch with hard negatives: `B`, `M = B'` and the mask
 *   (`lib/model/triplets.ts`); the symmetric term is then over the `B` positives.
 * @returns The mean loss (a scalar tensor).
 * @throws {InputError} when shapes do not fit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { infoNceLoss } from "./infonce_tf.ts";
 * await tf.setBackend("cpu");
 * const eye = tf.eye(2);
 * const loss = infoNceLoss(eye as tf.Tensor2D, eye as tf.Tensor2D, { temperature: 1 });
 * // log(1 + e^-1): each query is closer to its own passage
 * assert(Math.abs(loss.dataSync()[0] - Math.log(1 + Math.exp(-1))) < 1e-6);
 * // Triplets: two hard negatives orthogonal to both queries, symmetric term over the positives.
 * const p = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]);
 * const q = tf.tensor2d([[1, 0, 0], [0, 1, 0]]);
 * const shape = { queries: 2, candidates: 4 };
 * const t = infoNceLoss(q, p, { temperature: 1, symmetricWeight: 1 }, shape);
 * const want = Math.log(1 + 3 * Math.exp(-1)) + Math.log(1 + Math.exp(-1));
 * assert(Math.abs(t.dataSync()[0] - want) < 1e-6);
 * tf.dispose([eye, loss, p, q, t]);
 * ```
 */
export function infoNceLoss(
  q: tf.Tensor2D,
  p: tf.Tensor2D,
  options: InfoNceOptions = {},
  shape?: InfoNceShape,
): tf.Scalar {
  const { temperature: tau, symmetricWeight: w } = resolveInfoNce(options);
  const [bq, dq] = q.shape;
  const [bp, dp] = p.shape;
  if (bq === 0 || dq !== dp || bp < bq) {
    throw new InputError(
      `InfoNCE: ${bq} queries of dim ${dq} and ${bp} passages of dim ${dp}; ` +
        `expected at least one query, as many passages as queries, and equal dims`,
    );
  }
  let masked: ArrayLike<number> | null = null;
  if (shape !== undefined) {
    const layout = resolveInfoNceShape(shape);
    if (layout.n !== bq || layout.m !== bp) {
      throw new InputError(
        `InfoNCE: the shape says ${layout.n} queries × ${layout.m} candidates, ` +
          `the tensors hold ${bq} queries and ${bp} passages`,
      );
    }
    masked = layout.masked;
  } else if (w > 0 && bp !== bq) {
    throw new InputError(`symmetric InfoNCE needs as many passages (${bp}) as queries (${bq})`);
  }
  return tf.tidy(() => {
    let logits = tf.div(mm(q, tf.transpose(p)), tau) as tf.Tensor2D;
    if (masked !== null) {
      // Left out: a bias that makes their softmax weight exactly 0 (and keeps logSoftmax finite).
      const bias = Float32Array.from(masked, (x) => (x ? -1e9 : 0));
      logits = tf.add(logits, tf.tensor2d(bias, [bq, bp])) as tf.Tensor2D;
    }
    const qp = diagonalNll(logits);
    if (w === 0) return qp;
    const positives = bp === bq ? logits : tf.slice(logits, [0, 0], [bq, bq]) as tf.Tensor2D;
    const pq = diagonalNll(tf.transpose(positives) as tf.Tensor2D);
    return tf.add(qp, tf.mul(pq, w)) as tf.Scalar;
  });
}
