/**
 * The CPU default encoder: a static embedding model. Token embeddings `E`
 * (`V × d`) → mean over all of a sequence's ids (special tokens included) →
 * optional bias-free projection `W` (`p × d`, PyTorch `nn.Linear` layout) →
 * L2 normalisation. Trained with in-batch InfoNCE ({@link ./infonce.ts}) and
 * AdamW, lazy on the rows of `E` a batch touches ({@link ./sparse_adamw.ts}).
 * Everything is plain loops over typed arrays with scratch buffers reused
 * across steps.
 *
 * Saved in a Hugging Face-like folder: `config.json` (`model_type:
 * "xlir-static"`), `model.safetensors` (`embeddings.word_embeddings.weight`
 * `[V, d]`, `projection.weight` `[p, d]` when there is a projection) and
 * `tokenizer.json`.
 *
 * @module
 */

import { join } from "node:path";
import { loadTokenizer, type TextTokenizer } from "../data/tokenizer.ts";
import { InputError } from "../util/errors.ts";
import { writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import type { PairBatch, StepOptions, TrainableEncoder } from "./encoder.ts";
import { DEFAULT_TEMPERATURE, infoNce, type InfoNceOptions } from "./infonce.ts";
import { readSafetensors, writeSafetensors } from "./safetensors.ts";
import { type AdamWOptions, adamWStep, resolveAdamW, sparseAdamWStep } from "./sparse_adamw.ts";
import {
  l2Normalize,
  l2NormalizeBackward,
  meanPool,
  project,
  projectBackward,
  TouchedRows,
} from "./pooling.ts";

/** `model_type` in `config.json`. */
export const STATIC_MODEL_TYPE = "xlir-static";
/** Tensor name of the token embeddings. */
export const EMBEDDINGS_NAME = "embeddings.word_embeddings.weight";
/** Tensor name of the projection. */
export const PROJECTION_NAME = "projection.weight";

/**
 * How the weights are drawn. `E ~ N(0, std²)` (default `std = 1`, PyTorch's
 * `nn.Embedding`/`nn.EmbeddingBag` default) or `U(−√3·std, √3·std)` (same
 * variance); `W ~ U(−1/√d, 1/√d)` (PyTorch's `nn.Linear` default). Draws come
 * from xoshiro128** seeded by splitmix32 and Marsaglia's polar method with V8's
 * own (platform-independent) `Math.log`, so a seed gives the same
 * weights on every run and platform.
 */
export interface StaticInit {
  /** Default `"normal"`. */
  distribution?: "normal" | "uniform";
  /** Standard deviation of the entries of `E`. Default 1. */
  std?: number;
}

/** Options of {@linkcode createStaticEncoder}. */
export interface StaticEncoderOptions {
  /** The tokenizer; `V` is its `vocabSize` unless `vocabSize` says otherwise. */
  tokenizer: TextTokenizer;
  /** Embedding width `d`. Default 256. */
  dim?: number;
  /** Projection size `p`; none (output `d`) when absent or 0. */
  projection?: number;
  /** Maximum tokens per text, special tokens included (recorded; ids are not cut here). Default 128. */
  maxLength?: number;
  /** Seed of the initialisation. Default 0. */
  seed?: number;
  /** Initialisation. */
  init?: StaticInit;
  /** Rows of `E`, at least `tokenizer.vocabSize`. Default `tokenizer.vocabSize`. */
  vocabSize?: number;
  /** Loss settings (temperature τ, default 0.05; symmetric weight, default 0). */
  loss?: InfoNceOptions;
  /** AdamW settings (β1 0.9, β2 0.999, ε 1e-8, weight decay 0.01). */
  optimizer?: AdamWOptions;
}

/** A training state: named arrays and scalars. */
type State = { arrays: Record<string, Float32Array>; scalars: Record<string, number> };

/** The gradients of one batch, from {@linkcode StaticEncoder.gradients}. */
export interface StaticGradients {
  /** The loss. */
  loss: number;
  /** The rows of `E` the batch touched, in first-seen order. */
  rows: Int32Array;
  /** dL/dE on those rows, `rows.length × d`. */
  embeddings: Float32Array;
  /** dL/dW (`p × d`), when there is a projection. */
  projection?: Float64Array;
}

// ---- seeded PRNG: splitmix32 → xoshiro128** ---------------------------------

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

class Xoshiro128 {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  constructor(seed: number) {
    const st = { s: seed | 0 };
    this.#a = splitmix32(st);
    this.#b = splitmix32(st);
    this.#c = splitmix32(st);
    this.#d = splitmix32(st);
  }
  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const r = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return r;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const TWO_32 = 4294967296;

function fillRandom(
  out: Float32Array,
  rng: Xoshiro128,
  distribution: "normal" | "uniform",
  std: number,
): void {
  if (distribution === "uniform") {
    const a = std * Math.sqrt(3);
    for (let i = 0; i < out.length; i++) out[i] = a * (2 * ((rng.next() + 0.5) / TWO_32) - 1);
    return;
  }
  // Marsaglia's polar method: two normals per accepted point of the unit disc.
  for (let i = 0; i < out.length;) {
    const x = 2 * ((rng.next() + 0.5) / TWO_32) - 1;
    const y = 2 * ((rng.next() + 0.5) / TWO_32) - 1;
    const r2 = x * x + y * y;
    if (r2 >= 1 || r2 === 0) continue;
    const f = std * Math.sqrt(-2 * Math.log(r2) / r2);
    out[i++] = x * f;
    if (i < out.length) out[i++] = y * f;
  }
}

// ---- the encoder ------------------------------------------------------------

/**
 * A static embedding encoder: mean-pooled token embeddings, optional
 * projection, unit-norm output. Build one with {@linkcode createStaticEncoder}
 * or {@linkcode loadStaticEncoder}.
 */
export class StaticEncoder implements TrainableEncoder {
  /** Always `"static"`. */
  readonly architecture = "static" as const;
  /** Output dimension: `p` with a projection, else `d`. */
  readonly dim: number;
  /** Embedding width `d`. */
  readonly hiddenSize: number;
  /** Projection size `p`, 0 when none. */
  readonly projectionSize: number;
  /** Rows of `E`. */
  readonly vocabSize: number;
  /** Maximum tokens per text (recorded in the config; sequences are not cut here). */
  readonly maxLength: number;
  /** The tokenizer. */
  readonly tokenizer: TextTokenizer;
  /** The loss settings. */
  readonly lossOptions: Readonly<Required<InfoNceOptions>>;
  /** The optimizer settings. */
  readonly optimizerOptions: Readonly<Required<AdamWOptions>>;
  /** Extra `config.json` fields kept from creation or loading (seed, init). */
  readonly extraConfig: Record<string, unknown>;

  #E: Float32Array;
  #W: Float32Array | null;
  #mE: Float32Array | null = null;
  #vE: Float32Array | null = null;
  #mW: Float32Array | null = null;
  #vW: Float32Array | null = null;
  #step = 0;
  #disposed = false;
  // Scratch, grown on demand and reused across steps.
  #touched: TouchedRows | null = null;
  #cap = 0; // sequences the per-sequence buffers hold
  #h = new Float64Array(0); // pooled, S × d
  #y = new Float64Array(0); // projected, S × p (unused without projection)
  #e = new Float64Array(0); // normalised, S × dim
  #norm = new Float64Array(0); // ‖y‖ per sequence
  #ge = new Float64Array(0); // dL/de, S × dim (then dL/dy in place)
  #gh = new Float64Array(0); // dL/dh for one sequence, d
  #gRows = new Float32Array(0); // dL/dE on touched rows, compact
  #gW: Float64Array | null = null;
  #nce = { cos: new Float64Array(0), dcos: new Float64Array(0) };

  /**
   * @param tokenizer The tokenizer.
   * @param embeddings `E`, `vocabSize × hiddenSize` (taken, not copied).
   * @param projection `W`, `projectionSize × hiddenSize`, or null.
   * @param settings Sizes, loss and optimizer settings, extra config fields.
   */
  constructor(
    tokenizer: TextTokenizer,
    embeddings: Float32Array,
    projection: Float32Array | null,
    settings: {
      vocabSize: number;
      hiddenSize: number;
      projectionSize: number;
      maxLength: number;
      loss?: InfoNceOptions;
      optimizer?: AdamWOptions;
      extraConfig?: Record<string, unknown>;
    },
  ) {
    const { vocabSize, hiddenSize, projectionSize } = settings;
    if (embeddings.length !== vocabSize * hiddenSize) {
      throw new InputError(
        `embeddings hold ${embeddings.length} values, expected ${vocabSize} × ${hiddenSize}`,
      );
    }
    if ((projection?.length ?? 0) !== projectionSize * hiddenSize) {
      throw new InputError(
        `projection holds ${
          projection?.length ?? 0
        } values, expected ${projectionSize} × ${hiddenSize}`,
      );
    }
    if (tokenizer.vocabSize > vocabSize) {
      throw new InputError(
        `the tokenizer has ${tokenizer.vocabSize} ids but the embeddings only ${vocabSize} rows`,
      );
    }
    this.tokenizer = tokenizer;
    this.#E = embeddings;
    this.#W = projectionSize > 0 ? projection : null;
    this.vocabSize = vocabSize;
    this.hiddenSize = hiddenSize;
    this.projectionSize = projectionSize;
    this.dim = projectionSize > 0 ? projectionSize : hiddenSize;
    this.maxLength = settings.maxLength;
    const temperature = settings.loss?.temperature ?? DEFAULT_TEMPERATURE;
    if (!(temperature > 0)) throw new InputError(`temperature must be > 0, got ${temperature}`);
    this.lossOptions = Object.freeze({
      temperature,
      symmetricWeight: settings.loss?.symmetricWeight ?? 0,
    });
    this.optimizerOptions = Object.freeze(resolveAdamW(settings.optimizer));
    this.extraConfig = settings.extraConfig ?? {};
  }

  /** The optimizer steps taken so far. */
  get step(): number {
    return this.#step;
  }

  /** The live token embeddings `E` (`vocabSize × hiddenSize`); writes change the model. */
  get embeddings(): Float32Array {
    this.#alive();
    return this.#E;
  }

  /** The live projection `W` (`projectionSize × hiddenSize`), or null. */
  get projection(): Float32Array | null {
    this.#alive();
    return this.#W;
  }

  #alive(): void {
    if (this.#disposed) throw new Error("StaticEncoder used after dispose()");
  }

  #ensure(sequences: number): void {
    if (sequences <= this.#cap) return;
    const cap = Math.max(sequences, 2 * this.#cap);
    this.#cap = cap;
    const d = this.hiddenSize, p = this.projectionSize, dim = this.dim;
    this.#h = new Float64Array(cap * d);
    this.#y = new Float64Array(p > 0 ? cap * p : 0);
    this.#e = new Float64Array(cap * dim);
    this.#norm = new Float64Array(cap);
    this.#ge = new Float64Array(cap * dim);
    this.#gh = new Float64Array(d);
    const pairs = Math.ceil(cap / 2);
    this.#nce = { cos: new Float64Array(pairs * pairs), dcos: new Float64Array(pairs * pairs) };
  }

  /** Pools, projects and normalises sequence `ids` into slot `s` of the scratch. */
  #forwardOne(ids: Int32Array, s: number, where: string, touched: TouchedRows | null): void {
    const n = ids.length;
    if (n === 0) throw new InputError(`${where} has no token ids, expected at least one`);
    const d = this.hiddenSize, V = this.vocabSize, h = this.#h, ho = s * d;
    for (let t = 0; t < n; t++) {
      const id = ids[t];
      if (!(id >= 0 && id < V)) {
        throw new InputError(`${where}: token id ${id} at position ${t} is outside [0, ${V})`);
      }
      if (touched !== null) touched.add(id);
    }
    meanPool(this.#E, d, ids, h, ho);
    const dim = this.dim;
    if (this.#W !== null) {
      project(this.#W, this.projectionSize, d, h, ho, this.#y, s * dim);
      this.#norm[s] = l2Normalize(this.#y, s * dim, dim, this.#e, s * dim);
    } else {
      this.#norm[s] = l2Normalize(h, ho, dim, this.#e, s * dim);
    }
  }

  /**
   * Embeds token-id sequences: mean of their rows, projection, L2 norm.
   *
   * @param seqs Token ids, prefix and special tokens included (all ids are used).
   * @returns `seqs.length × dim` row-major, rows of unit norm.
   * @throws {InputError} for an empty sequence or an id outside the vocabulary.
   */
  embedIds(seqs: Int32Array[]): Float32Array {
    this.#alive();
    const dim = this.dim;
    const out = new Float32Array(seqs.length * dim);
    const chunk = 256;
    this.#ensure(Math.min(chunk, seqs.length));
    for (let start = 0; start < seqs.length; start += chunk) {
      const end = Math.min(seqs.length, start + chunk);
      for (let i = start; i < end; i++) {
        this.#forwardOne(seqs[i], i - start, `sequence ${i}`, null);
      }
      out.set(this.#e.subarray(0, (end - start) * dim), start * dim);
    }
    return out;
  }

  /** Runs the forward pass of a batch into the scratch; returns the loss (and gradients into #ge). */
  #batchLoss(batch: PairBatch, withGrad: boolean): number {
    const n = batch.queries.length;
    if (n === 0 || batch.passages.length !== n) {
      throw new InputError(
        `a batch has ${n} queries and ${batch.passages.length} passages, expected the same number (> 0)`,
      );
    }
    this.#ensure(2 * n);
    const touched = withGrad ? this.#touched! : null;
    for (let i = 0; i < n; i++) this.#forwardOne(batch.queries[i], i, `query ${i}`, touched);
    for (let i = 0; i < n; i++) {
      this.#forwardOne(batch.passages[i], n + i, `passage ${i}`, touched);
    }
    if (touched !== null) {
      const size = touched.count * this.hiddenSize;
      if (size > this.#gRows.length) {
        this.#gRows = new Float32Array(Math.max(size, 2 * this.#gRows.length));
      } else this.#gRows.fill(0, 0, size);
    }
    const dim = this.dim, e = this.#e, ge = this.#ge;
    const q = e.subarray(0, n * dim), p = e.subarray(n * dim, 2 * n * dim);
    const grads = withGrad
      ? { q: ge.subarray(0, n * dim), p: ge.subarray(n * dim, 2 * n * dim) }
      : undefined;
    return infoNce(q, p, n, dim, this.lossOptions, grads, this.#nce);
  }

  /** Backward from #ge to #gRows (touched rows) and #gW. */
  #backward(batch: PairBatch): void {
    const n = batch.queries.length;
    const d = this.hiddenSize, p = this.projectionSize, dim = this.dim;
    const e = this.#e, ge = this.#ge, h = this.#h, gh = this.#gh, g = this.#gRows;
    const slot = this.#touched!.slot, W = this.#W, gW = this.#gW;
    if (gW !== null) gW.fill(0);
    for (let s = 0; s < 2 * n; s++) {
      const ids = s < n ? batch.queries[s] : batch.passages[s - n];
      // dL/dy in place of dL/de.
      l2NormalizeBackward(e, s * dim, dim, this.#norm[s], ge, s * dim, ge, s * dim);
      if (W !== null && gW !== null) {
        projectBackward(W, p, d, h, s * d, ge, s * dim, gW, gh, 0);
      } else {
        gh.set(ge.subarray(s * d, s * d + d));
      }
      const inv = 1 / ids.length;
      for (let k = 0; k < d; k++) gh[k] *= inv;
      for (let t = 0; t < ids.length; t++) {
        const off = slot[ids[t]] * d;
        for (let k = 0; k < d; k++) g[off + k] += gh[k];
      }
    }
  }

  #ensureOptimizer(): void {
    if (this.#touched === null) this.#touched = new TouchedRows(this.vocabSize);
    if (this.#mE === null) {
      // Written once now, so that the OS commits the pages here and not, a
      // page fault per row, in the first steps.
      this.#mE = new Float32Array(this.#E.length).fill(0);
      this.#vE = new Float32Array(this.#E.length).fill(0);
    }
    if (this.#W !== null && this.#mW === null) {
      this.#mW = new Float32Array(this.#W.length);
      this.#vW = new Float32Array(this.#W.length);
      this.#gW = new Float64Array(this.#W.length);
    }
  }

  /**
   * The loss and its gradients on a batch, without an update (for checks).
   *
   * @param batch Query `i`'s positive is passage `i`.
   */
  gradients(batch: PairBatch): StaticGradients {
    this.#alive();
    this.#ensureOptimizer();
    const touched = this.#touched!;
    try {
      const loss = this.#batchLoss(batch, true);
      this.#backward(batch);
      const count = touched.count, d = this.hiddenSize;
      return {
        loss,
        rows: touched.rows.slice(0, count),
        embeddings: this.#gRows.slice(0, count * d),
        projection: this.#gW?.slice(),
      };
    } finally {
      touched.reset();
    }
  }

  /**
   * One training step: forward, InfoNCE, backward, lazy AdamW on the touched
   * rows of `E` and dense AdamW on `W`. When the loss is not finite (a NaN or
   * infinite weight), nothing is updated and the step is not counted; the
   * non-finite loss is returned for the trainer to stop on.
   *
   * @returns The loss before the update.
   */
  trainStep(batch: PairBatch, options: StepOptions): number {
    this.#alive();
    this.#ensureOptimizer();
    const touched = this.#touched!;
    try {
      const loss = this.#batchLoss(batch, true);
      if (!Number.isFinite(loss)) return loss;
      this.#backward(batch);
      const step = ++this.#step;
      const o = this.optimizerOptions;
      sparseAdamWStep(
        this.#E,
        this.#mE!,
        this.#vE!,
        this.hiddenSize,
        touched.rows,
        touched.count,
        this.#gRows,
        step,
        options.lr,
        o,
      );
      if (this.#W !== null) {
        adamWStep(this.#W, this.#gW!, this.#mW!, this.#vW!, step, options.lr, o);
      }
      return loss;
    } finally {
      touched.reset();
    }
  }

  /** The loss on a batch, no update. */
  loss(batch: PairBatch): number {
    this.#alive();
    return this.#batchLoss(batch, false);
  }

  /**
   * Weights, AdamW moments and step, as copies: `embeddings.word_embeddings.weight`
   * and its `.exp_avg` / `.exp_avg_sq`, the same for `projection.weight`, and
   * `scalars.step`.
   */
  trainingState(): State {
    this.#alive();
    this.#ensureOptimizer();
    const arrays: Record<string, Float32Array> = {
      [EMBEDDINGS_NAME]: this.#E.slice(),
      [`${EMBEDDINGS_NAME}.exp_avg`]: this.#mE!.slice(),
      [`${EMBEDDINGS_NAME}.exp_avg_sq`]: this.#vE!.slice(),
    };
    if (this.#W !== null) {
      arrays[PROJECTION_NAME] = this.#W.slice();
      arrays[`${PROJECTION_NAME}.exp_avg`] = this.#mW!.slice();
      arrays[`${PROJECTION_NAME}.exp_avg_sq`] = this.#vW!.slice();
    }
    return { arrays, scalars: { step: this.#step } };
  }

  /**
   * Restores what {@linkcode trainingState} returned (copied in).
   *
   * @throws {InputError} when an array is missing or has the wrong length.
   */
  restoreTrainingState(state: State): void {
    this.#alive();
    this.#ensureOptimizer();
    const targets: [string, Float32Array][] = [
      [EMBEDDINGS_NAME, this.#E],
      [`${EMBEDDINGS_NAME}.exp_avg`, this.#mE!],
      [`${EMBEDDINGS_NAME}.exp_avg_sq`, this.#vE!],
    ];
    if (this.#W !== null) {
      targets.push(
        [PROJECTION_NAME, this.#W],
        [`${PROJECTION_NAME}.exp_avg`, this.#mW!],
        [`${PROJECTION_NAME}.exp_avg_sq`, this.#vW!],
      );
    }
    for (const [name, target] of targets) {
      const src = state.arrays[name];
      if (!src || src.length !== target.length) {
        throw new InputError(
          `training state: arrays["${name}"] has ${
            src?.length ?? "no"
          } values, expected ${target.length}`,
        );
      }
    }
    const step = state.scalars.step;
    if (!(Number.isInteger(step) && step >= 0)) {
      throw new InputError(`training state: scalars.step is ${step}, expected an integer >= 0`);
    }
    for (const [name, target] of targets) target.set(state.arrays[name]);
    this.#step = step;
  }

  /** The `config.json` object. */
  config(): Record<string, unknown> {
    return {
      model_type: STATIC_MODEL_TYPE,
      architectures: ["XlirStaticEncoder"],
      vocab_size: this.vocabSize,
      hidden_size: this.hiddenSize,
      projection_size: this.projectionSize > 0 ? this.projectionSize : null,
      output_size: this.dim,
      max_length: this.maxLength,
      pooling: "mean",
      normalize: true,
      pad_token_id: this.tokenizer.padId,
      torch_dtype: "float32",
      temperature: this.lossOptions.temperature,
      symmetric_weight: this.lossOptions.symmetricWeight,
      ...this.extraConfig,
    };
  }

  /** Saves `config.json`, `model.safetensors` and `tokenizer.json` into `dir`. */
  async save(dir: string): Promise<void> {
    this.#alive();
    await Deno.mkdir(dir, { recursive: true });
    const tensors: Record<string, { dtype: string; shape: number[]; data: Float32Array }> = {
      [EMBEDDINGS_NAME]: {
        dtype: "F32",
        shape: [this.vocabSize, this.hiddenSize],
        data: this.#E,
      },
    };
    if (this.#W !== null) {
      tensors[PROJECTION_NAME] = {
        dtype: "F32",
        shape: [this.projectionSize, this.hiddenSize],
        data: this.#W,
      };
    }
    await writeSafetensors(join(dir, "model.safetensors"), tensors, { format: "pt" });
    await writeTextFileAtomic(join(dir, "tokenizer.json"), this.tokenizer.json);
    await writeJsonAtomic(join(dir, "config.json"), this.config());
  }

  /** Drops the weights, moments and scratch; the encoder is unusable afterwards. */
  dispose(): void {
    this.#disposed = true;
    this.#E = new Float32Array(0);
    this.#W = null;
    this.#mE =
      this.#vE =
      this.#mW =
      this.#vW =
        null;
    this.#touched = null;
    this.#cap = 0;
    this.#h =
      this.#y =
      this.#e =
      this.#ge =
      this.#gh =
      this.#norm =
        new Float64Array(0);
    this.#gRows = new Float32Array(0);
    this.#gW = null;
  }
}

function positiveInt(value: unknown, what: string): number {
  if (!(Number.isInteger(value) && (value as number) > 0)) {
    throw new InputError(`${what} is ${JSON.stringify(value)}, expected a positive integer`);
  }
  return value as number;
}

/**
 * Creates a freshly initialised static encoder (see {@linkcode StaticInit}).
 *
 * @param options Tokenizer, sizes, seed, initialisation, loss and optimizer settings.
 * @returns The encoder.
 *
 * @example
 * ```ts ignore
 * import { createStaticEncoder } from "./static_encoder.ts";
 * import { loadMbertTokenizer } from "../data/tokenizer.ts";
 * const enc = createStaticEncoder({ tokenizer: await loadMbertTokenizer(), dim: 256, seed: 1 });
 * const loss = enc.trainStep({ queries: [new Int32Array([101, 5, 102])], passages: [new Int32Array([101, 5, 102])] }, { lr: 0.1 });
 * ```
 */
export function createStaticEncoder(options: StaticEncoderOptions): StaticEncoder {
  const tokenizer = options.tokenizer;
  const vocabSize = positiveInt(options.vocabSize ?? tokenizer.vocabSize, "vocabSize");
  const d = positiveInt(options.dim ?? 256, "dim");
  const p = options.projection ? positiveInt(options.projection, "projection") : 0;
  const maxLength = positiveInt(options.maxLength ?? 128, "maxLength");
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InputError(`seed is ${seed}, expected an integer`);
  const distribution = options.init?.distribution ?? "normal";
  if (distribution !== "normal" && distribution !== "uniform") {
    throw new InputError(`init.distribution is "${distribution}", expected "normal" or "uniform"`);
  }
  const std = options.init?.std ?? 1;
  if (!(std >= 0)) throw new InputError(`init.std is ${std}, expected a number >= 0`);
  const rng = new Xoshiro128(seed);
  const E = new Float32Array(vocabSize * d);
  fillRandom(E, rng, distribution, std);
  let W: Float32Array | null = null;
  if (p > 0) {
    W = new Float32Array(p * d);
    fillRandom(W, rng, "uniform", 1 / Math.sqrt(3 * d)); // U(−1/√d, 1/√d)
  }
  return new StaticEncoder(tokenizer, E, W, {
    vocabSize,
    hiddenSize: d,
    projectionSize: p,
    maxLength,
    loss: options.loss,
    optimizer: options.optimizer,
    extraConfig: { seed, init: { distribution, std } },
  });
}

/**
 * Loads a static encoder saved by {@linkcode StaticEncoder.save}.
 *
 * @param dir The folder holding `config.json`, `model.safetensors`, `tokenizer.json`.
 * @param options Settings for further training, not read from the folder: optimizer, loss (default: the saved temperature and symmetric weight), maxLength.
 * @returns The encoder, its optimizer state fresh.
 * @throws {InputError} when a file is missing or malformed, or `model_type` is not `"xlir-static"`.
 *
 * @example
 * ```ts ignore
 * import { loadStaticEncoder } from "./static_encoder.ts";
 * const enc = await loadStaticEncoder("out/models/static-en");
 * const vecs = enc.embedIds([new Int32Array([101, 102])]);
 * ```
 */
export async function loadStaticEncoder(
  dir: string,
  options: { optimizer?: AdamWOptions; loss?: InfoNceOptions; maxLength?: number } = {},
): Promise<StaticEncoder> {
  const configPath = join(dir, "config.json");
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await Deno.readTextFile(configPath));
  } catch (err) {
    throw new InputError(`Cannot read model config ${configPath}: ${(err as Error).message}`);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new InputError(`${configPath} is not a JSON object`);
  }
  if (config.model_type !== STATIC_MODEL_TYPE) {
    throw new InputError(
      `${configPath}: model_type is ${
        JSON.stringify(config.model_type)
      }, expected "${STATIC_MODEL_TYPE}"`,
    );
  }
  const V = positiveInt(config.vocab_size, `${configPath}: vocab_size`);
  const d = positiveInt(config.hidden_size, `${configPath}: hidden_size`);
  const p = config.projection_size === null || config.projection_size === undefined
    ? 0
    : positiveInt(config.projection_size, `${configPath}: projection_size`);
  const maxLength = positiveInt(config.max_length, `${configPath}: max_length`);
  if (config.pooling !== undefined && config.pooling !== "mean") {
    throw new InputError(
      `${configPath}: pooling is ${JSON.stringify(config.pooling)}, expected "mean"`,
    );
  }
  const tokenizer = await loadTokenizer(dir);
  const weightsPath = join(dir, "model.safetensors");
  const { tensors } = await readSafetensors(weightsPath);
  const take = (name: string, rows: number): Float32Array => {
    const t = tensors[name];
    if (
      !t || !(t.data instanceof Float32Array) || t.shape.length !== 2 ||
      t.shape[0] !== rows || t.shape[1] !== d
    ) {
      throw new InputError(
        `${weightsPath}: tensor "${name}" is ${
          t ? `${t.dtype} [${t.shape}]` : "missing"
        }, expected F32 [${rows}, ${d}]`,
      );
    }
    return t.data;
  };
  const E = take(EMBEDDINGS_NAME, V);
  const W = p > 0 ? take(PROJECTION_NAME, p) : null;
  const extraConfig: Record<string, unknown> = {};
  for (const key of ["seed", "init"]) if (key in config) extraConfig[key] = config[key];
  return new StaticEncoder(tokenizer, E, W, {
    vocabSize: V,
    hiddenSize: d,
    projectionSize: p,
    maxLength: options.maxLength ?? maxLength,
    loss: options.loss ?? {
      temperature: typeof config.temperature === "number" ? config.temperature : undefined,
      symmetricWeight: typeof config.symmetric_weight === "number"
        ? config.symmetric_weight
        : undefined,
    },
    optimizer: options.optimizer,
    extraConfig,
  });
}
