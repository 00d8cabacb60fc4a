/**
 * A BERT-style transformer encoder in TensorFlow.js, trained with the paper's
 * contrastive loss: word + position + token-type embeddings → LayerNorm → N
 * post-LN layers (multi-head self-attention with a padding mask, GELU
 * feed-forward) → the sentence-transformers head (`sentence_head.ts`: pooling
 * in any of its modes, Dense modules) → L2 normalisation.
 *
 * The architecture and parameter names are in `transformer_config.ts`
 * (re-exported here); Hugging Face files in `hf_checkpoint.ts`.
 *
 * The word embeddings live in a plain `Float32Array`, outside tfjs: a batch's
 * rows are gathered in JS, the gradient is taken with respect to the gathered
 * rows and summed per token id in JS, and AdamW updates the matrix in JS. This
 * avoids tfjs's `gather` gradient (`UnsortedSegmentSum`: O(vocabulary) per row
 * on the cpu backend, missing on wasm). `embeddingUpdate: "dense"` (default)
 * updates every row each step exactly as PyTorch's AdamW does (untouched rows
 * decay); `"sparse"` updates only the batch's rows (lazy AdamW, faster for big
 * vocabularies).
 *
 * Each method that reads results exists twice: `embedIds`, `trainStep`,
 * `loss`, `trainingState` read synchronously (wasm, cpu, tensorflow
 * backends); `embedIdsAsync`, `trainStepAsync`, `lossAsync`,
 * `trainingStateAsync` work on every backend, webgpu included (which cannot
 * read synchronously under Deno).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { TextTokenizer } from "../data/tokenizer.ts";
import { InputError } from "../util/errors.ts";
import {
  type PairBatch,
  type Prompts,
  STANDIN_PROMPTS,
  type StepOptions,
  type TrainableEncoder,
} from "./encoder.ts";
import type { NamedTensor } from "./safetensors.ts";
import { ensureBackend, tensorFromValues } from "./backend.ts";
import { activate, dropout, layerNorm, linear, mm } from "./_tf_ops.ts";
import { applyHead, poolingModes } from "./sentence_head.ts";
import { saveTransformer } from "./hf_checkpoint.ts";
import {
  initTransformerWeights,
  outputDim,
  type TransformerConfig,
  transformerConfig,
  transformerParamShapes,
  WORD_EMBEDDINGS,
} from "./transformer_config.ts";
import { adamWRows, type AdamWStep, adamWUpdate } from "./adamw_tf.ts";
import { type InfoNceOptions, type InfoNceShape, resolveInfoNce } from "./infonce.ts";
import { infoNceLoss } from "./infonce_tf.ts";
import { batchCandidates, tripletShape } from "./triplets.ts";
import { type AdamWOptions, resolveAdamW } from "./sparse_adamw.ts";

export {
  encoderParamShapes,
  initTransformerWeights,
  outputDim,
  type TransformerConfig,
  transformerConfig,
  transformerParamShapes,
  WORD_EMBEDDINGS,
} from "./transformer_config.ts";

/** Training and inference options of a {@linkcode TransformerEncoder}. */
export interface TransformerOptions extends AdamWOptions, InfoNceOptions {
  /** Clip the global gradient norm to this (PyTorch `clip_grad_norm_`); 0 disables. Default 1. */
  maxGradNorm?: number;
  /** Apply the config's dropout in `trainStep`. Default true. */
  dropout?: boolean;
  /** Word-embedding update: every row (`"dense"`, as PyTorch; default) or the batch's rows only. */
  embeddingUpdate?: "dense" | "sparse";
  /** Seed of the random initialisation and of dropout masks. Default 0. */
  seed?: number;
  /** Sequences per forward pass in `embedIds`. Default 64. */
  embedBatchSize?: number;
  /** Maximum ids per sequence. Default `maxPositions − positionOffset`. */
  maxLength?: number;
}

type Resolved = Required<TransformerOptions>;

/** What a {@linkcode TransformerEncoder} is built with besides its weights. */
export interface TransformerExtras {
  /** Tensors to carry along unchanged (e.g. BERT's pooler), saved back as they are. */
  extras?: Record<string, NamedTensor>;
  /** Its prompts. Default {@linkcode STANDIN_PROMPTS}. */
  prompts?: Prompts;
}

/** A 32-bit seed from integers (FNV-1a over their bytes). */
function hashSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    for (let k = 0; k < 4; k++) h = Math.imul(h ^ ((p >>> (8 * k)) & 0xff), 0x01000193);
  }
  return h >>> 0;
}

function noDecay(name: string): boolean {
  return name.endsWith(".bias") || name.includes("LayerNorm");
}

/** A batch of sequences laid out for the forward pass. */
interface Prepared {
  b: number;
  l: number;
  seqs: Int32Array[];
  /** `b × l × H` gathered word embeddings (pad rows at pad positions). */
  x0: Float32Array;
  /** `b × l`: 0 at tokens, −1e9 at padding. */
  maskBias: Float32Array;
  /** `b × l`: 1 at tokens, 0 at padding. */
  poolMask: Float32Array;
}

/** A batch's loss and gradients: word-embedding rows in JS, the rest as tensors. */
interface Grads {
  loss: number;
  /** Token ids with a gradient (distinct). */
  rowIds: Int32Array;
  /** Their summed gradients, `rowIds.length × H`. */
  rowGrads: Float32Array;
  /** Global L2 norm of all gradients. */
  norm: number;
  /** Gradients of the tfjs parameters, in parameter order (the caller disposes them). */
  dense: tf.Tensor[];
}

/** A computation that yields tensors to read and gets their values back. */
type Reads<T> = Generator<tf.Tensor[], T, Float32Array[]>;

function runSync<T>(gen: Reads<T>, method: string): T {
  if (tf.getBackend() === "webgpu") {
    throw new Error(
      `${method}(): the webgpu backend cannot read tensors synchronously under Deno; use ${method}Async()`,
    );
  }
  let r = gen.next();
  try {
    while (!r.done) r = gen.next(r.value.map((t) => t.dataSync() as Float32Array));
  } catch (err) {
    gen.return(undefined as T);
    throw err;
  }
  return r.value;
}

async function runAsync<T>(gen: Reads<T>): Promise<T> {
  let r = gen.next();
  try {
    while (!r.done) {
      const values: Float32Array[] = [];
      for (const t of r.value) values.push(await t.data() as Float32Array);
      r = gen.next(values);
    }
  } catch (err) {
    gen.return(undefined as T);
    throw err;
  }
  return r.value;
}

type Params = (name: string) => tf.Tensor;
type Drop = (x: tf.Tensor, rate: number) => tf.Tensor;

/**
 * The forward pass: prepared inputs → the head's output `[b, dim]`, L2-normalised when `unit`
 * or when the model has a Normalize module.
 */
function encode(
  c: TransformerConfig,
  P: Params,
  x0: tf.Tensor,
  prep: Prepared,
  drop: Drop,
  unit = true,
) {
  const { b, l } = prep;
  const h = c.hiddenSize, nh = c.numHeads, dh = h / nh;
  const pos = tf.slice(P("embeddings.position_embeddings.weight"), [c.positionOffset, 0], [l, h]);
  const type0 = tf.slice(P("embeddings.token_type_embeddings.weight"), [0, 0], [1, h]);
  let x = tf.add(tf.add(x0, pos), type0); // [b, l, h]
  x = layerNorm(
    x,
    P("embeddings.LayerNorm.weight"),
    P("embeddings.LayerNorm.bias"),
    c.layerNormEps,
  );
  x = drop(tf.reshape(x, [b * l, h]), c.hiddenDropout);
  const maskBias = tensorFromValues(prep.maskBias, [b, 1, 1, l]);
  const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [b, l, nh, dh]), [0, 2, 1, 3]);
  // One tidy per layer: inference keeps a single layer's intermediates alive (training's
  // tape keeps what the backward pass needs on its own).
  for (let i = 0; i < c.numLayers; i++) {
    const input = x;
    x = tf.tidy(() => {
      const p = `encoder.layer.${i}.`;
      const lin = (t: tf.Tensor, n: string) => linear(t, P(`${p}${n}.weight`), P(`${p}${n}.bias`));
      const q = heads(lin(input, "attention.self.query"));
      const k = tf.reshape(lin(input, "attention.self.key"), [b, l, nh, dh]);
      const kT = tf.transpose(k, [0, 2, 3, 1]);
      const v = heads(lin(input, "attention.self.value"));
      const scores = tf.add(tf.div(mm(q, kT), Math.sqrt(dh)), maskBias);
      const probs = drop(tf.softmax(scores), c.attentionDropout);
      const ctx = tf.reshape(tf.transpose(mm(probs, v), [0, 2, 1, 3]), [b * l, h]);
      const attn = drop(lin(ctx, "attention.output.dense"), c.hiddenDropout);
      const x1 = layerNorm(
        tf.add(attn, input),
        P(`${p}attention.output.LayerNorm.weight`),
        P(`${p}attention.output.LayerNorm.bias`),
        c.layerNormEps,
      );
      const inter = activate(lin(x1, "intermediate.dense"), c.hiddenAct);
      const out = drop(lin(inter, "output.dense"), c.hiddenDropout);
      return layerNorm(
        tf.add(out, x1),
        P(`${p}output.LayerNorm.weight`),
        P(`${p}output.LayerNorm.bias`),
        c.layerNormEps,
      );
    });
    input.dispose();
  }
  const hidden = tf.reshape(x, [b, l, h]);
  const lengths = prep.seqs.map((s) => s.length);
  const modes = poolingModes(c.pooling);
  return applyHead(
    { hidden, poolMask: prep.poolMask, lengths },
    modes,
    c.dense,
    P,
    unit || c.normalize,
  );
}

const noDrop: Drop = (x) => x;

/**
 * A BERT-style dual encoder (one model for queries and passages) in tfjs,
 * trainable with InfoNCE and AdamW. Build one with {@linkcode createTransformer}
 * or load one with `loadEncoder` (`load_encoder.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTransformer } from "./transformer.ts";
 * import { tinyBatch, tinyTokenizer } from "./_testing.ts";
 * const tok = await tinyTokenizer();
 * const model = await createTransformer({ vocabSize: tok.vocabSize, numLayers: 1, hiddenSize: 16,
 *   numHeads: 2, intermediateSize: 32, maxPositions: 32 }, tok, { seed: 1 });
 * const { queries, passages } = tinyBatch(tok, 4);
 * const loss = model.trainStep({ queries, passages }, { lr: 1e-4 });
 * const vecs = model.embedIds(passages); // passages.length × 16, unit rows
 * assert(Number.isFinite(loss) && vecs.length === 4 * 16);
 * model.dispose();
 * ```
 */
export class TransformerEncoder implements TrainableEncoder {
  /** Always `"transformer"`. */
  readonly architecture = "transformer" as const;
  /** Output dimension (`hiddenSize` per pooling mode, or the last Dense module's width). */
  readonly dim: number;
  /** The query and passage prompts it was trained with (saved with it). */
  readonly prompts: Prompts;
  /** Maximum ids per sequence. */
  readonly maxLength: number;
  /** The tokenizer, saved with the model. */
  readonly tokenizer: TextTokenizer;
  /** The architecture. */
  readonly config: Readonly<TransformerConfig>;
  /** The options in force (defaults filled). */
  readonly options: Readonly<Resolved>;
  /** Tensors kept as loaded but not used or trained (e.g. BERT's pooler), in their file layout. */
  readonly extras: Readonly<Record<string, NamedTensor>>;
  #names: string[];
  #params = new Map<string, tf.Tensor>();
  #moments = new Map<string, { m: tf.Tensor; v: tf.Tensor }>();
  #word: Float32Array;
  #wordM?: Float32Array;
  #wordV?: Float32Array;
  #step = 0;
  #disposed = false;

  /**
   * Wraps weights (every name of {@linkcode transformerParamShapes}) in a model
   * on the current tfjs backend. The arrays are copied.
   *
   * @param config The architecture.
   * @param tokenizer The tokenizer it goes with.
   * @param weights Parameters by name, linear weights `[in, out]`.
   * @param options Training and inference options.
   * @param more Tensors to carry along unchanged, and the prompts.
   * @throws {InputError} naming a missing parameter or one of the wrong size.
   */
  constructor(
    config: TransformerConfig,
    tokenizer: TextTokenizer,
    weights: Record<string, Float32Array>,
    options: TransformerOptions = {},
    more: TransformerExtras = {},
  ) {
    this.config = Object.freeze({ ...transformerConfig(config) });
    this.tokenizer = tokenizer;
    this.dim = outputDim(this.config);
    this.prompts = Object.freeze({ ...(more.prompts ?? STANDIN_PROMPTS) });
    const posMax = config.maxPositions - config.positionOffset;
    const maxLength = options.maxLength ?? posMax;
    if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > posMax) {
      throw new InputError(`maxLength is ${maxLength}, expected an integer in 1..${posMax}`);
    }
    this.maxLength = maxLength;
    this.options = {
      ...resolveAdamW(options),
      ...resolveInfoNce(options),
      maxGradNorm: options.maxGradNorm ?? 1,
      dropout: options.dropout ?? true,
      embeddingUpdate: options.embeddingUpdate ?? "dense",
      seed: options.seed ?? 0,
      embedBatchSize: options.embedBatchSize ?? 64,
      maxLength,
    };
    this.extras = more.extras ?? {};
    const shapes = transformerParamShapes(config);
    this.#names = shapes.slice(1).map(([n]) => n);
    for (const [name, shape] of shapes) {
      const data = weights[name];
      const size = shape.reduce((a, b) => a * b, 1);
      if (!data) throw new InputError(`transformer weights: "${name}" is missing`);
      if (data.length !== size) {
        throw new InputError(
          `transformer weights: "${name}" has ${data.length} values, expected [${shape}] = ${size}`,
        );
      }
    }
    this.#word = weights[WORD_EMBEDDINGS].slice();
    for (const [name, shape] of shapes.slice(1)) {
      this.#params.set(name, tf.keep(tensorFromValues(weights[name].slice(), shape, "float32")));
    }
  }

  /** Optimizer steps taken. */
  get step(): number {
    return this.#step;
  }

  #check(): void {
    if (this.#disposed) throw new Error("TransformerEncoder: used after dispose()");
  }

  /** Pads and gathers; `index` maps positions in `seqs` to the caller's numbering (for errors). */
  #prepare(seqs: Int32Array[], what: string, index?: number[]): Prepared {
    const c = this.config, h = c.hiddenSize, v = c.vocabSize;
    if (seqs.length === 0) throw new InputError(`${what}: no sequences`);
    let l = 0;
    const at = (i: number) => `${what}: sequence ${index?.[i] ?? i}`;
    for (let i = 0; i < seqs.length; i++) {
      const n = seqs[i].length;
      if (n === 0) throw new InputError(`${at(i)} is empty, expected at least one id`);
      if (n > this.maxLength) {
        throw new InputError(`${at(i)} has ${n} ids, more than maxLength ${this.maxLength}`);
      }
      if (n > l) l = n;
    }
    const b = seqs.length;
    const x0 = new Float32Array(b * l * h);
    const maskBias = new Float32Array(b * l);
    const poolMask = new Float32Array(b * l);
    const word = this.#word;
    for (let i = 0; i < b; i++) {
      const s = seqs[i];
      for (let j = 0; j < l; j++) {
        let id = c.padId;
        if (j < s.length) {
          id = s[j];
          if (!(id >= 0 && id < v)) {
            throw new InputError(
              `${at(i)}, position ${j}: token id ${id} is outside the vocabulary 0..${v - 1}`,
            );
          }
          poolMask[i * l + j] = 1;
        } else {
          maskBias[i * l + j] = -1e9;
        }
        x0.set(word.subarray(id * h, id * h + h), (i * l + j) * h);
      }
    }
    return { b, l, seqs, x0, maskBias, poolMask };
  }

  #P: Params = (name) => this.#params.get(name)!;

  #x0(prep: Prepared): tf.Tensor3D {
    return tensorFromValues(prep.x0, [prep.b, prep.l, this.config.hiddenSize]) as tf.Tensor3D;
  }

  *#embedGen(seqs: Int32Array[], unit = true): Reads<Float32Array> {
    this.#check();
    const h = this.dim;
    const out = new Float32Array(seqs.length * h);
    const order = [...seqs.keys()].sort((a, b) => seqs[a].length - seqs[b].length || a - b);
    const size = Math.max(1, this.options.embedBatchSize);
    for (let start = 0; start < order.length; start += size) {
      const idx = order.slice(start, start + size);
      const prep = this.#prepare(idx.map((i) => seqs[i]), "embedIds", idx);
      const t = tf.tidy(() => encode(this.config, this.#P, this.#x0(prep), prep, noDrop, unit));
      try {
        const [values] = yield [t];
        idx.forEach((i, r) => out.set(values.subarray(r * h, r * h + h), i * h));
      } finally {
        t.dispose();
      }
    }
    return out;
  }

  /**
   * Embeds token-id sequences (prefix and special tokens already in them),
   * padding each chunk of `embedBatchSize` (sorted by length) to its longest.
   *
   * @param seqs Token ids, each 1..maxLength long.
   * @returns `seqs.length × dim`, row-major, unit rows.
   * @throws {InputError} for an empty or too long sequence or an id outside the vocabulary.
   */
  embedIds(seqs: Int32Array[]): Float32Array {
    return runSync(this.#embedGen(seqs), "embedIds");
  }

  /** {@linkcode embedIds} for every backend (webgpu included). */
  embedIdsAsync(seqs: Int32Array[]): Promise<Float32Array> {
    return runAsync(this.#embedGen(seqs));
  }

  /**
   * What sentence-transformers' `encode` returns for these ids: as
   * {@linkcode embedIds}, but L2-normalised only when the model has a Normalize module.
   *
   * @param seqs Token ids (prompt and special tokens already in them).
   * @returns `seqs.length × dim`, row-major.
   */
  sentenceEmbeddings(seqs: Int32Array[]): Float32Array {
    return runSync(this.#embedGen(seqs, false), "sentenceEmbeddings");
  }

  /** {@linkcode sentenceEmbeddings} for every backend. */
  sentenceEmbeddingsAsync(seqs: Int32Array[]): Promise<Float32Array> {
    return runAsync(this.#embedGen(seqs, false));
  }

  /**
   * Checks a batch; returns its candidates (passages, then hard negatives),
   * how to name them in errors, and the loss layout when it has negatives.
   */
  #checkBatch(
    batch: PairBatch,
  ): { candidates: Int32Array[]; what: string; shape: InfoNceShape | undefined } {
    const { queries, passages } = batch;
    if (queries.length === 0 || passages.length < queries.length) {
      throw new InputError(
        `training batch has ${queries.length} queries and ${passages.length} passages, ` +
          `expected at least one query and a passage per query`,
      );
    }
    if (batch.negatives === undefined) {
      return { candidates: passages, what: "passages", shape: undefined };
    }
    if (passages.length !== queries.length) {
      throw new InputError(
        `training batch has ${queries.length} queries, ${passages.length} passages and hard ` +
          `negatives, expected exactly one passage per query`,
      );
    }
    const candidates = batchCandidates(batch);
    return {
      candidates,
      what: `passages (0–${passages.length - 1}) and negatives`,
      shape: tripletShape(batch, candidates),
    };
  }

  *#lossGen(batch: PairBatch): Reads<number> {
    this.#check();
    const { candidates, what, shape } = this.#checkBatch(batch);
    const q = this.#prepare(batch.queries, "loss: queries");
    const p = this.#prepare(candidates, `loss: ${what}`);
    const t = tf.tidy(() =>
      infoNceLoss(
        encode(this.config, this.#P, this.#x0(q), q, noDrop),
        encode(this.config, this.#P, this.#x0(p), p, noDrop),
        this.options,
        shape,
      )
    );
    try {
      const [value] = yield [t];
      return value[0];
    } finally {
      t.dispose();
    }
  }

  /**
   * The InfoNCE loss on a batch, without dropout and without an update.
   *
   * @param batch Query `i`'s positive is passage `i`.
   * @returns The mean loss.
   */
  loss(batch: PairBatch): number {
    return runSync(this.#lossGen(batch), "loss");
  }

  /** {@linkcode loss} for every backend. */
  lossAsync(batch: PairBatch): Promise<number> {
    return runAsync(this.#lossGen(batch));
  }

  #dropper(step: number, side: string): Drop {
    if (!this.options.dropout) return noDrop;
    let site = 0;
    const seed = this.options.seed;
    return (x, rate) => dropout(x, rate, hashSeed(seed, step, side === "q" ? 0 : 1, site++));
  }

  *#gradGen(batch: PairBatch, step: number, withDropout: boolean, what: string): Reads<Grads> {
    this.#check();
    const { candidates, what: named, shape } = this.#checkBatch(batch);
    const c = this.config, h = c.hiddenSize, o = this.options;
    const q = this.#prepare(batch.queries, `${what}: queries`);
    const p = this.#prepare(candidates, `${what}: ${named}`);
    const names = this.#names;
    const outs = tf.tidy(() => {
      const f = (...args: tf.Tensor[]) => {
        const map = new Map(names.map((n, i) => [n, args[i + 2]]));
        const P: Params = (n) => map.get(n)!;
        const eq = encode(c, P, args[0], q, withDropout ? this.#dropper(step, "q") : noDrop);
        const ep = encode(c, P, args[1], p, withDropout ? this.#dropper(step, "p") : noDrop);
        return infoNceLoss(eq, ep, o, shape);
      };
      const args = [this.#x0(q), this.#x0(p), ...names.map(this.#P)];
      const { value, grads } = tf.valueAndGrads(f)(args);
      // Added one by one: tfjs-backend-webgpu's AddN fails with many inputs (storage-buffer limit).
      const sumSq = grads.slice(2).map((g) => tf.sum(tf.mul(g, g))).reduce((a, b) => tf.add(a, b));
      return [value, grads[0], grads[1], sumSq, ...grads.slice(2)];
    });
    let done = false;
    try {
      const [lossV, gq, gp, sumSqV] = yield outs.slice(0, 4);
      // Word-embedding gradient: sum the gathered rows' gradients per token id.
      const slots = new Map<number, number>();
      for (const prep of [q, p]) {
        for (const s of prep.seqs) {
          for (const id of s) if (!slots.has(id)) slots.set(id, slots.size);
        }
      }
      const rowIds = Int32Array.from(slots.keys());
      const rowGrads = new Float32Array(rowIds.length * h);
      for (const [prep, g] of [[q, gq], [p, gp]] as const) {
        prep.seqs.forEach((s, i) => {
          for (let j = 0; j < s.length; j++) {
            const dst = slots.get(s[j])! * h, src = (i * prep.l + j) * h;
            for (let k = 0; k < h; k++) rowGrads[dst + k] += g[src + k];
          }
        });
      }
      let sumSq = sumSqV[0];
      for (let k = 0; k < rowGrads.length; k++) sumSq += rowGrads[k] * rowGrads[k];
      done = true;
      return { loss: lossV[0], rowIds, rowGrads, norm: Math.sqrt(sumSq), dense: outs.slice(4) };
    } finally {
      tf.dispose(done ? outs.slice(0, 4) : outs);
    }
  }

  *#trainGen(batch: PairBatch, options: StepOptions): Reads<number> {
    const lr = options.lr;
    if (!(lr >= 0) || !Number.isFinite(lr)) {
      throw new InputError(`trainStep: lr is ${lr}, expected a finite number >= 0`);
    }
    const step = this.#step + 1;
    const g = yield* this.#gradGen(batch, step, this.options.dropout, "trainStep");
    const o = this.options, names = this.#names;
    try {
      const coef = o.maxGradNorm > 0 ? Math.min(1, o.maxGradNorm / (g.norm + 1e-6)) : 1;
      const hyper = (name: string): AdamWStep => ({
        lr,
        step,
        beta1: o.beta1,
        beta2: o.beta2,
        eps: o.eps,
        weightDecay: noDecay(name) ? 0 : o.weightDecay,
      });
      // One parameter at a time, freeing the old tensors and the gradient at once, so that
      // the peak stays near parameters + moments + gradients (wasm's heap is 32-bit).
      names.forEach((name, i) => {
        const param = this.#params.get(name)!;
        const mom = this.#moments.get(name);
        const u = tf.tidy(() => {
          const grad = coef < 1 ? tf.mul(g.dense[i], coef) : g.dense[i];
          const m = mom?.m ?? tf.zerosLike(param), v = mom?.v ?? tf.zerosLike(param);
          return adamWUpdate(param, grad, m, v, hyper(name));
        });
        tf.dispose([param, g.dense[i]]);
        if (mom) tf.dispose([mom.m, mom.v]);
        this.#params.set(name, u.p);
        this.#moments.set(name, { m: u.m, v: u.v });
      });
      const rowGrads = g.rowGrads;
      if (coef < 1) { for (let k = 0; k < rowGrads.length; k++) rowGrads[k] *= coef; }
      this.#wordM ??= new Float32Array(this.#word.length);
      this.#wordV ??= new Float32Array(this.#word.length);
      adamWRows(
        this.#word,
        this.#wordM,
        this.#wordV,
        this.config.hiddenSize,
        g.rowIds,
        rowGrads,
        hyper(WORD_EMBEDDINGS),
        o.embeddingUpdate === "dense",
      );
      this.#step = step;
      return g.loss;
    } finally {
      tf.dispose(g.dense);
    }
  }

  *#lossAndGradientsGen(
    batch: PairBatch,
  ): Reads<{ loss: number; grads: Record<string, Float32Array> }> {
    const g = yield* this.#gradGen(batch, this.#step + 1, false, "lossAndGradients");
    try {
      const values = yield g.dense;
      const grads: Record<string, Float32Array> = {};
      this.#names.forEach((n, i) => (grads[n] = values[i].slice()));
      const h = this.config.hiddenSize;
      const word = new Float32Array(this.#word.length);
      g.rowIds.forEach((id, r) => word.set(g.rowGrads.subarray(r * h, r * h + h), id * h));
      grads[WORD_EMBEDDINGS] = word;
      return { loss: g.loss, grads };
    } finally {
      tf.dispose(g.dense);
    }
  }

  /**
   * The loss (no dropout) and its gradient with respect to every parameter
   * (before clipping; linear weights `[in, out]`; word embeddings as a full
   * `vocabSize × H` array), without an update. For tests and diagnostics.
   *
   * @param batch Query `i`'s positive is passage `i`.
   * @returns The loss and the gradients by parameter name.
   */
  lossAndGradients(batch: PairBatch): { loss: number; grads: Record<string, Float32Array> } {
    return runSync(this.#lossAndGradientsGen(batch), "lossAndGradients");
  }

  /**
   * One optimizer step: forward (with dropout), InfoNCE, backward, gradient
   * clipping, AdamW.
   *
   * @param batch Query `i`'s positive is passage `i`; the other passages are its negatives.
   * @param options The step's learning rate.
   * @returns The loss before the update.
   */
  trainStep(batch: PairBatch, options: StepOptions): number {
    return runSync(this.#trainGen(batch, options), "trainStep");
  }

  /** {@linkcode trainStep} for every backend. */
  trainStepAsync(batch: PairBatch, options: StepOptions): Promise<number> {
    return runAsync(this.#trainGen(batch, options));
  }

  *#stateGen(): Reads<{ arrays: Record<string, Float32Array>; scalars: Record<string, number> }> {
    this.#check();
    const arrays: Record<string, Float32Array> = {};
    arrays[`param/${WORD_EMBEDDINGS}`] = this.#word.slice();
    if (this.#wordM && this.#wordV) {
      arrays[`adam_m/${WORD_EMBEDDINGS}`] = this.#wordM.slice();
      arrays[`adam_v/${WORD_EMBEDDINGS}`] = this.#wordV.slice();
    }
    const keys: string[] = [], tensors: tf.Tensor[] = [];
    for (const name of this.#names) {
      keys.push(`param/${name}`);
      tensors.push(this.#params.get(name)!);
      const mom = this.#moments.get(name);
      if (mom) {
        keys.push(`adam_m/${name}`, `adam_v/${name}`);
        tensors.push(mom.m, mom.v);
      }
    }
    const values = yield tensors;
    keys.forEach((k, i) => (arrays[k] = values[i].slice()));
    return { arrays, scalars: { step: this.#step } };
  }

  /**
   * Weights, AdamW moments (`param/…`, `adam_m/…`, `adam_v/…`) and the step
   * count, for a bit-identical resume on the same backend. Dropout masks derive
   * from `(options.seed, step)`, so resume with the same options.
   */
  trainingState(): { arrays: Record<string, Float32Array>; scalars: Record<string, number> } {
    return runSync(this.#stateGen(), "trainingState");
  }

  /** {@linkcode trainingState} for every backend. */
  trainingStateAsync(): Promise<
    { arrays: Record<string, Float32Array>; scalars: Record<string, number> }
  > {
    return runAsync(this.#stateGen());
  }

  /**
   * Restores what {@linkcode trainingState} returned (the arrays are copied).
   *
   * @throws {InputError} naming a missing array or one of the wrong size.
   */
  restoreTrainingState(
    state: { arrays: Record<string, Float32Array>; scalars: Record<string, number> },
  ): void {
    this.#check();
    const step = state.scalars.step;
    if (!Number.isInteger(step) || step < 0) {
      throw new InputError(`training state: scalars.step is ${step}, expected an integer >= 0`);
    }
    const shapes = transformerParamShapes(this.config);
    const get = (key: string, shape: number[], required: boolean) => {
      const a = state.arrays[key];
      const size = shape.reduce((x, y) => x * y, 1);
      if (!a) {
        if (required) throw new InputError(`training state: array "${key}" is missing`);
        return undefined;
      }
      if (a.length !== size) {
        throw new InputError(
          `training state: array "${key}" has ${a.length} values, expected [${shape}] = ${size}`,
        );
      }
      return a;
    };
    const hasMoments = step > 0;
    // Check everything before changing anything.
    for (const [name, shape] of shapes) {
      get(`param/${name}`, shape, true);
      get(`adam_m/${name}`, shape, hasMoments);
      get(`adam_v/${name}`, shape, hasMoments);
    }
    const [wordName, wordShape] = shapes[0];
    this.#word = get(`param/${wordName}`, wordShape, true)!.slice();
    this.#wordM = get(`adam_m/${wordName}`, wordShape, false)?.slice();
    this.#wordV = get(`adam_v/${wordName}`, wordShape, false)?.slice();
    for (const [name, shape] of shapes.slice(1)) {
      this.#params.get(name)!.dispose();
      this.#params.set(
        name,
        tf.keep(tensorFromValues(get(`param/${name}`, shape, true)!.slice(), shape)),
      );
      const old = this.#moments.get(name);
      if (old) tf.dispose([old.m, old.v]);
      this.#moments.delete(name);
      const m = get(`adam_m/${name}`, shape, false), v = get(`adam_v/${name}`, shape, false);
      if (m && v) {
        this.#moments.set(name, {
          m: tf.keep(tensorFromValues(m.slice(), shape)),
          v: tf.keep(tensorFromValues(v.slice(), shape)),
        });
      }
    }
    this.#step = step;
  }

  /**
   * All parameters as named arrays (copies; linear weights `[in, out]`), word embeddings included.
   *
   * @returns Parameters by name; {@linkcode extras} are not included.
   */
  async exportWeights(): Promise<Record<string, NamedTensor>> {
    this.#check();
    const out: Record<string, NamedTensor> = {};
    for (const [name, shape] of transformerParamShapes(this.config)) {
      const data = name === WORD_EMBEDDINGS
        ? this.#word.slice()
        : (await this.#params.get(name)!.data() as Float32Array).slice();
      out[name] = { dtype: "F32", shape, data };
    }
    return out;
  }

  /**
   * Saves the model in Hugging Face BERT layout (`config.json`,
   * `model.safetensors`, `tokenizer.json`) with sentence-transformers' module
   * files (`modules.json`, Pooling, Dense, Normalize, prompts).
   *
   * @param dir Target folder (created).
   */
  async save(dir: string): Promise<void> {
    await saveTransformer(this, dir);
  }

  /** Frees the tensors; the encoder is unusable afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const t of this.#params.values()) t.dispose();
    for (const { m, v } of this.#moments.values()) tf.dispose([m, v]);
    this.#params.clear();
    this.#moments.clear();
    this.#word = new Float32Array(0);
    this.#wordM = this.#wordV = undefined;
  }
}

/**
 * A randomly initialised transformer (BERT initialisation, seeded by
 * `options.seed`) on the current backend (initialised by `ensureBackend()` when none is).
 *
 * @param config Sizes; `vocabSize` and `padId` default to the tokenizer's.
 * @param tokenizer The tokenizer it goes with.
 * @param options Training and inference options.
 * @returns The model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTransformer } from "./transformer.ts";
 * import { tinyTokenizer } from "./_testing.ts";
 * const tok = await tinyTokenizer();
 * const model = await createTransformer(
 *   { numLayers: 1, hiddenSize: 16, numHeads: 2, intermediateSize: 32, maxPositions: 32 },
 *   tok,
 *   { seed: 1 },
 * );
 * const batch = { queries: [tok.encode("query: who?")], passages: [tok.encode("passage: the cat")] };
 * assert(Number.isFinite(model.trainStep(batch, { lr: 1e-3 })));
 * assert(model.embedIds(batch.passages).length === 16);
 * model.dispose();
 * ```
 */
export async function createTransformer(
  config: Partial<TransformerConfig>,
  tokenizer: TextTokenizer,
  options: TransformerOptions = {},
  more: TransformerExtras = {},
): Promise<TransformerEncoder> {
  await ensureBackend();
  const full = transformerConfig({
    vocabSize: tokenizer.vocabSize,
    padId: tokenizer.padId,
    ...config,
  });
  return new TransformerEncoder(
    full,
    tokenizer,
    initTransformerWeights(full, options.seed ?? 0),
    options,
    more,
  );
}
