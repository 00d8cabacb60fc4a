/**
 * Fixtures for the model tests: a tiny WordPiece `tokenizer.json` in BERT
 * (`[CLS] … [SEP]`, pad 0) or RoBERTa (`<s> … </s>`, pad 1) style, and pair
 * batches made from it.
 *
 * @module
 */

import type { TextTokenizer } from "../data/tokenizer.ts";
import type { PairBatch } from "./encoder.ts";

export { tinyTokenizer, tinyTokenizerJson } from "../data/_testing.ts";

const QUERIES = [
  "who sat on the mat?",
  "what is the capital of germany?",
  "where is paris?",
  "wer war die hauptstadt von france?",
  "what river is in berlin?",
  "who is a dog?",
  "what is unable?",
  "where sat the cats?",
];
const PASSAGES = [
  "the cat sat on the mat.",
  "berlin is the capital of germany.",
  "paris is a city of france.",
  "die hauptstadt von france is paris.",
  "a river is in the city of berlin.",
  "the dog is a dog, a dog.",
  "un ##able is a word.",
  "the cats sat on a mat.",
];

/**
 * A batch of `n` (≤ 8) query/passage pairs of different lengths, tokenized with
 * the `query: ` / `passage: ` prefixes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyBatch, tinyTokenizer } from "./_testing.ts";
 * const batch = tinyBatch(await tinyTokenizer(), 4);
 * assert(batch.queries.length === 4);
 * ```
 */
export function tinyBatch(tok: TextTokenizer, n = 4, offset = 0): PairBatch {
  const pick = (texts: string[], prefix: string) =>
    Array.from({ length: n }, (_, i) => tok.encode(prefix + texts[(i + offset) % texts.length]));
  return { queries: pick(QUERIES, "query: "), passages: pick(PASSAGES, "passage: ") };
}

/** erf to about 1e-7 (Abramowitz & Stegun 7.1.26). */
function erf(x: number): number {
  const s = Math.sign(x), a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t * Math.exp(-a * a);
  return s * y;
}

/** Sizes and conventions the reference forward needs (a subset of `TransformerConfig`). */
export interface ReferenceConfig {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  positionOffset: number;
  layerNormEps: number;
  hiddenAct: string;
  pooling: string | readonly string[];
  /** Dense modules (weights `dense.K.linear.weight` `[in, out]`, `dense.K.linear.bias`). */
  dense?: readonly { inFeatures: number; outFeatures: number; bias: boolean; activation: string }[];
}

/**
 * A plain float64 forward pass of the BERT encoder on one unpadded sequence,
 * written independently of the tfjs code: embeddings, post-LN layers, pooling,
 * L2 normalisation. Weights use the transformer's names, linear weights `[in, out]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { referenceEmbed } from "./_testing.ts";
 * import { initTransformerWeights, transformerConfig } from "./transformer.ts";
 * const config = transformerConfig({
 *   vocabSize: 10, hiddenSize: 8, numLayers: 1, numHeads: 2, intermediateSize: 16, maxPositions: 16,
 * });
 * const v = referenceEmbed({ ...config, pooling: "mean" }, initTransformerWeights(config, 1), Int32Array.of(2, 5, 3));
 * assert(v.length === 8 && Math.abs(Math.hypot(...v) - 1) < 1e-12);
 * ```
 */
export function referenceEmbed(
  c: ReferenceConfig,
  w: Record<string, Float32Array>,
  ids: Int32Array,
): Float64Array {
  const H = c.hiddenSize, L = ids.length, nh = c.numHeads, dh = H / nh;
  const W = (n: string) => {
    const a = w[n];
    if (!a) throw new Error(`reference: no weight ${n}`);
    return a;
  };
  const ln = (x: Float64Array, g: Float32Array, b: Float32Array) => {
    let mean = 0;
    for (let k = 0; k < H; k++) mean += x[k];
    mean /= H;
    let v = 0;
    for (let k = 0; k < H; k++) v += (x[k] - mean) ** 2;
    v /= H;
    const out = new Float64Array(H);
    for (let k = 0; k < H; k++) {
      out[k] = ((x[k] - mean) / Math.sqrt(v + c.layerNormEps)) * g[k] + b[k];
    }
    return out;
  };
  const lin = (x: Float64Array, name: string) => {
    const m = W(`${name}.weight`), b = W(`${name}.bias`);
    const outDim = b.length, inDim = x.length;
    const out = new Float64Array(outDim);
    for (let o = 0; o < outDim; o++) {
      let s = b[o];
      for (let i = 0; i < inDim; i++) s += x[i] * m[i * outDim + o];
      out[o] = s;
    }
    return out;
  };
  const act = (v: number) =>
    c.hiddenAct === "relu"
      ? Math.max(0, v)
      : c.hiddenAct === "gelu"
      ? 0.5 * v * (1 + erf(v / Math.SQRT2))
      : 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
  const word = W("embeddings.word_embeddings.weight");
  const pos = W("embeddings.position_embeddings.weight");
  const type = W("embeddings.token_type_embeddings.weight");
  let xs: Float64Array[] = [];
  for (let j = 0; j < L; j++) {
    const x = new Float64Array(H);
    const p = c.positionOffset + j;
    for (let k = 0; k < H; k++) x[k] = word[ids[j] * H + k] + pos[p * H + k] + type[k];
    xs.push(ln(x, W("embeddings.LayerNorm.weight"), W("embeddings.LayerNorm.bias")));
  }
  for (let l = 0; l < c.numLayers; l++) {
    const pre = `encoder.layer.${l}.`;
    const q = xs.map((x) => lin(x, `${pre}attention.self.query`));
    const k = xs.map((x) => lin(x, `${pre}attention.self.key`));
    const v = xs.map((x) => lin(x, `${pre}attention.self.value`));
    const ctx = xs.map(() => new Float64Array(H));
    for (let hd = 0; hd < nh; hd++) {
      for (let i = 0; i < L; i++) {
        const scores = new Float64Array(L);
        let max = -Infinity;
        for (let j = 0; j < L; j++) {
          let s = 0;
          for (let d = 0; d < dh; d++) s += q[i][hd * dh + d] * k[j][hd * dh + d];
          scores[j] = s / Math.sqrt(dh);
          max = Math.max(max, scores[j]);
        }
        let z = 0;
        for (let j = 0; j < L; j++) z += scores[j] = Math.exp(scores[j] - max);
        for (let j = 0; j < L; j++) {
          for (let d = 0; d < dh; d++) ctx[i][hd * dh + d] += (scores[j] / z) * v[j][hd * dh + d];
        }
      }
    }
    xs = xs.map((x, i) => {
      const a = lin(ctx[i], `${pre}attention.output.dense`);
      for (let kk = 0; kk < H; kk++) a[kk] += x[kk];
      const x1 = ln(
        a,
        W(`${pre}attention.output.LayerNorm.weight`),
        W(`${pre}attention.output.LayerNorm.bias`),
      );
      const inter = lin(x1, `${pre}intermediate.dense`).map(act);
      const o = lin(inter, `${pre}output.dense`);
      for (let kk = 0; kk < H; kk++) o[kk] += x1[kk];
      return ln(o, W(`${pre}output.LayerNorm.weight`), W(`${pre}output.LayerNorm.bias`));
    });
  }
  // Pooling modes in sentence-transformers' order, concatenated.
  const order = ["cls", "max", "mean", "mean_sqrt_len_tokens", "weightedmean", "lasttoken"];
  const modes = typeof c.pooling === "string" ? [c.pooling] : c.pooling;
  let out: number[] = [];
  for (const m of order.filter((m) => modes.includes(m))) {
    const v = new Float64Array(H);
    if (m === "cls") v.set(xs[0]);
    else if (m === "lasttoken") v.set(xs[L - 1]);
    else if (m === "max") {
      v.fill(-Infinity);
      for (const x of xs) for (let k = 0; k < H; k++) v[k] = Math.max(v[k], x[k]);
    } else if (m === "weightedmean") {
      const wsum = (L * (L + 1)) / 2;
      xs.forEach((x, j) => {
        for (let k = 0; k < H; k++) v[k] += (x[k] * (j + 1)) / wsum;
      });
    } else {
      const div = m === "mean" ? L : Math.sqrt(L);
      for (const x of xs) for (let k = 0; k < H; k++) v[k] += x[k] / div;
    }
    out = out.concat([...v]);
  }
  (c.dense ?? []).forEach((d, n) => {
    const m = W(`dense.${n}.linear.weight`), b = d.bias ? W(`dense.${n}.linear.bias`) : null;
    const y: number[] = [];
    for (let o = 0; o < d.outFeatures; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < d.inFeatures; i++) s += out[i] * m[i * d.outFeatures + o];
      y.push(
        d.activation === "tanh"
          ? Math.tanh(s)
          : d.activation === "relu"
          ? Math.max(0, s)
          : d.activation === "sigmoid"
          ? 1 / (1 + Math.exp(-s))
          : d.activation === "gelu"
          ? 0.5 * s * (1 + erf(s / Math.SQRT2))
          : s,
      );
    }
    out = y;
  });
  const norm = Math.max(Math.hypot(...out), 1e-12);
  return Float64Array.from(out, (x) => x / norm);
}

/**
 * The float64 InfoNCE (q→p, plus `w`·p→q) of {@linkcode referenceEmbed}'s vectors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { referenceLoss, tinyBatch, tinyTokenizer } from "./_testing.ts";
 * import { initTransformerWeights, transformerConfig } from "./transformer.ts";
 * const tok = await tinyTokenizer();
 * const config = transformerConfig({
 *   vocabSize: tok.vocabSize, hiddenSize: 8, numLayers: 1, numHeads: 2, intermediateSize: 16, maxPositions: 32,
 * });
 * const w = initTransformerWeights(config, 1);
 * const loss = referenceLoss({ ...config, pooling: "mean" }, w, tinyBatch(tok, 4), 0.05);
 * // In-batch InfoNCE over 4 pairs of near-random embeddings: about log(4).
 * assert(loss > 0 && Math.abs(loss - Math.log(4)) < 1);
 * ```
 */
export function referenceLoss(
  c: ReferenceConfig,
  w: Record<string, Float32Array>,
  batch: PairBatch,
  temperature: number,
  symmetricWeight = 0,
): number {
  const q = batch.queries.map((s) => referenceEmbed(c, w, s));
  const p = batch.passages.map((s) => referenceEmbed(c, w, s));
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
  if (batch.negatives) {
    return _referenceTripletLoss(c, w, batch, q, p, temperature, symmetricWeight);
  }
  const S = q.map((qi) => p.map((pj) => dot(qi, pj) / temperature));
  const nll = (row: number[], i: number) => {
    const m = Math.max(...row);
    return Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0)) + m - row[i];
  };
  let loss = S.reduce((s, row, i) => s + nll(row, i), 0) / q.length;
  if (symmetricWeight > 0) {
    const cols = p.map((_, j) => S.map((row) => row[j]));
    loss += symmetricWeight * cols.reduce((s, col, j) => s + nll(col, j), 0) / p.length;
  }
  return loss;
}

/**
 * {@linkcode referenceLoss} of a batch with hard negatives: each query over the
 * `2B` passages, the p → q term over the `B` positives, candidates whose ids
 * equal those of the query's positive (other than the positive) left out.
 */
function _referenceTripletLoss(
  c: ReferenceConfig,
  w: Record<string, Float32Array>,
  batch: PairBatch,
  q: Float64Array[],
  p: Float64Array[],
  temperature: number,
  symmetricWeight: number,
): number {
  const seqs = [...batch.passages, ...batch.negatives!];
  const all = [...p, ...batch.negatives!.map((s) => referenceEmbed(c, w, s))];
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
  const S = q.map((qi) => all.map((pj) => dot(qi, pj) / temperature));
  const key = (s: Int32Array) => s.join(",");
  const kept = (i: number, j: number) => i === j || key(seqs[i]) !== key(seqs[j]);
  const nll = (scores: number[], keep: boolean[], i: number) => {
    const m = Math.max(...scores.filter((_, j) => keep[j]));
    return Math.log(scores.reduce((s, x, j) => s + (keep[j] ? Math.exp(x - m) : 0), 0)) + m -
      scores[i];
  };
  const n = q.length;
  let loss = 0;
  for (let i = 0; i < n; i++) loss += nll(S[i], all.map((_, j) => kept(i, j)), i) / n;
  if (symmetricWeight > 0) {
    for (let j = 0; j < n; j++) {
      const col = S.map((row) => row[j]);
      loss += symmetricWeight * nll(col, col.map((_, i) => kept(i, j)), j) / n;
    }
  }
  return loss;
}
