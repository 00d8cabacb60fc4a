/**
 * The CPU default encoder: a static embedding model. Token embeddings `E`
 * (`V × d`) → mean over all of a sequence's ids (special tokens included) →
 * optional bias-free projection `W` (`p × d`, PyTorch `nn.Linear` layout) →
 * L2 normalisation. Trained with in-batch InfoNCE ({@link ./infonce.ts}; over
 * triplets when a batch has hard negatives, {@link ./triplets.ts}) and
 * AdamW, lazy on the rows of `E` a batch touches ({@link ./sparse_adamw.ts}).
 * The loops run as WebAssembly SIMD kernels ({@link ../wasm/static_kernels.ts})
 * over a memory holding `E`, its moments and the scratch, or as their
 * TypeScript twins (`kernels: "js"`), with bit-identical results.
 *
 * The encoder is cut along three seams: memory bookkeeping
 * (`_static_memory.ts`), forward/backward/optimizer (`_static_compute.ts`),
 * and the files (`_static_io.ts`: config, save, load); the initial weights are
 * drawn in `_static_init.ts`.
 *
 * Saved in a Hugging Face-like folder: `config.json` (`model_type:
 * "xlir-static"`), `model.safetensors` (`embeddings.word_embeddings.weight`
 * `[V, d]`, `projection.weight` `[p, d]` when there is a projection) and
 * `tokenizer.json`.
 *
 * @module
 */

import type { TextTokenizer } from "../data/tokenizer.ts";
import { Rng } from "../sampling/rng.ts";
import { InputError } from "../util/errors.ts";
import { startStaticThreads } from "../wasm/static_kernels.ts";
import type { PairBatch, StepOptions, TrainableEncoder } from "./encoder.ts";
import { type InfoNceOptions, resolveInfoNce } from "./infonce.ts";
import { type AdamWOptions, resolveAdamW } from "./sparse_adamw.ts";
import {
  StaticCompute,
  type StaticGradients,
  type StaticState,
  type WeightSnapshot,
} from "./_static_compute.ts";
import { fillRandom, type StaticInit } from "./_static_init.ts";
import { positiveInt, readStaticModel, staticConfig, writeStaticModel } from "./_static_io.ts";
import { allocateTable, type StaticKernels, StaticMemory } from "./_static_memory.ts";

export { EMBEDDINGS_NAME, PROJECTION_NAME } from "./_static_compute.ts";
export type { StaticGradients } from "./_static_compute.ts";
export type { StaticInit } from "./_static_init.ts";
export { STATIC_MODEL_TYPE } from "./_static_io.ts";
export type { StaticKernels } from "./_static_memory.ts";
export { startStaticThreads } from "../wasm/static_kernels.ts";

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
  /** The loops' implementation: `"wasm"` (default) or the TypeScript reference `"js"`. */
  kernels?: StaticKernels;
}

/**
 * A static embedding encoder: mean-pooled token embeddings, optional
 * projection, unit-norm output. Build one with {@linkcode createStaticEncoder}
 * or {@linkcode loadStaticEncoder}.
 *
 * With the default `"wasm"` kernels, `E`, its AdamW moments and the scratch
 * live in one WebAssembly memory of the encoder's own; {@linkcode StaticEncoder.embeddings}
 * is a live view of `E` there, valid (and live) for the encoder's life. The
 * `"js"` kernels are the TypeScript reference: same results, bit for bit.
 *
 * Numerics: training is float64 throughout (rows summed four at a time,
 * moments and updates as PyTorch's AdamW), rounded to float32 on store.
 * {@linkcode StaticEncoder.embedIds} without a projection sums and normalises
 * in float32 as PyTorch's `EmbeddingBag` does (it differs from the float64
 * training forward by a few units in the last place); with a projection it
 * uses the float64 forward.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StaticEncoder } from "./static_encoder.ts";
 * import { tinyTokenizer } from "./_testing.ts";
 * const tokenizer = await tinyTokenizer();
 * const d = 4, E = new Float32Array(tokenizer.vocabSize * d).fill(0.5);
 * const enc = new StaticEncoder(tokenizer, E, null, {
 *   vocabSize: tokenizer.vocabSize, hiddenSize: d, projectionSize: 0, maxLength: 16,
 * });
 * assert.deepEqual([...enc.embedIds([new Int32Array([2, 3])])], [0.5, 0.5, 0.5, 0.5]);
 * enc.dispose();
 * ```
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
  /** The implementation of the loops. */
  readonly kernels: StaticKernels;

  #memory: StaticMemory;
  #core: StaticCompute;
  #disposed = false;

  /**
   * @param tokenizer The tokenizer.
   * @param embeddings `E`, `vocabSize × hiddenSize`: taken as is with the `"js"` kernels
   *   (or when {@linkcode createStaticEncoder} made it), else copied into the kernel memory.
   * @param projection `W`, `projectionSize × hiddenSize`, or null.
   * @param settings Sizes, loss and optimizer settings, extra config fields, kernels.
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
      kernels?: StaticKernels;
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
    const kernels = settings.kernels ?? "wasm";
    if (kernels !== "wasm" && kernels !== "js") {
      throw new InputError(`kernels is "${kernels}", expected "wasm" or "js"`);
    }
    this.kernels = kernels;
    const { memory, table } = StaticMemory.adopt(kernels, embeddings, this);
    this.#memory = memory;
    this.tokenizer = tokenizer;
    this.vocabSize = vocabSize;
    this.hiddenSize = hiddenSize;
    this.projectionSize = projectionSize;
    this.dim = projectionSize > 0 ? projectionSize : hiddenSize;
    this.maxLength = settings.maxLength;
    this.lossOptions = Object.freeze(resolveInfoNce(settings.loss));
    this.optimizerOptions = Object.freeze(resolveAdamW(settings.optimizer));
    this.extraConfig = settings.extraConfig ?? {};
    this.#core = new StaticCompute(memory, table, projection, this);
  }

  /** The optimizer steps taken so far. */
  get step(): number {
    return this.#core.step;
  }

  /**
   * The live token embeddings `E` (`vocabSize × hiddenSize`); writes change the
   * model. The same view for the encoder's life (until {@linkcode StaticEncoder.dispose}).
   */
  get embeddings(): Float32Array {
    this.#alive();
    this.#core.noteUntrackedWrite(); // the caller may write: the next snapshot copies all
    return this.#core.embeddings;
  }

  /** The live projection `W` (`projectionSize × hiddenSize`), or null. */
  get projection(): Float32Array | null {
    this.#alive();
    this.#core.noteUntrackedWrite();
    return this.#core.projection;
  }

  #alive(): void {
    if (this.#disposed) throw new Error("StaticEncoder used after dispose()");
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
    return this.#core.embedIds(seqs);
  }

  /**
   * The loss and its gradients on a batch, without an update (for checks).
   *
   * @param batch Query `i`'s positive is passage `i`; `negatives`, when given, are further candidates.
   */
  gradients(batch: PairBatch): StaticGradients {
    this.#alive();
    return this.#core.gradients(batch);
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
    return this.#core.trainStep(batch, options);
  }

  /** The loss on a batch, no update. */
  loss(batch: PairBatch): number {
    this.#alive();
    return this.#core.loss(batch);
  }

  /**
   * Weights, AdamW moments and step, as copies: `embeddings.word_embeddings.weight`
   * and its `.exp_avg` / `.exp_avg_sq`, the same for `projection.weight`, and
   * `scalars.step`.
   */
  trainingState(): StaticState {
    this.#alive();
    return this.#core.trainingState();
  }

  /**
   * Restores what {@linkcode trainingState} returned (copied in).
   *
   * @throws {InputError} when an array is missing or has the wrong length.
   */
  restoreTrainingState(state: StaticState): void {
    this.#alive();
    this.#core.restoreTrainingState(state);
  }

  /**
   * Scales the AdamW step of each row of `E` (one factor per token; `null`
   * for none). With factor `c_t = |E_t| / √d` taken at the start of training,
   * this is Adam on `U_t = E_t / c_t` — rows of any norm then move at the same
   * relative rate — while weight decay stays decoupled on `E`. Part of the
   * training state (checkpoints, resume).
   *
   * @throws {InputError} when the length is not the vocabulary size.
   */
  setRowLearningRateScale(scale: Float32Array | null): void {
    this.#alive();
    this.#core.setRowLearningRateScale(scale);
  }

  /** The `config.json` object. */
  config(): Record<string, unknown> {
    return staticConfig({
      vocabSize: this.vocabSize,
      hiddenSize: this.hiddenSize,
      projectionSize: this.projectionSize,
      dim: this.dim,
      maxLength: this.maxLength,
      padId: this.tokenizer.padId,
      temperature: this.lossOptions.temperature,
      symmetricWeight: this.lossOptions.symmetricWeight,
      extraConfig: this.extraConfig,
    });
  }

  /** Saves `config.json`, `model.safetensors` and `tokenizer.json` into `dir`. */
  async save(dir: string): Promise<void> {
    this.#alive();
    await this.saveSnapshot(dir, { E: this.#core.embeddings, W: this.#core.projection });
  }

  /**
   * Copies of the weights (not the optimizer state), for {@linkcode saveSnapshot}.
   * Given back a snapshot of this encoder that is no longer needed, refills
   * it in place, copying only the rows trained since it was taken.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { createStaticEncoder } from "./static_encoder.ts";
   * import { tinyBatch, tinyTokenizer } from "./_testing.ts";
   * const tokenizer = await tinyTokenizer();
   * const enc = createStaticEncoder({ tokenizer, dim: 4, seed: 1 });
   * const before = enc.snapshotWeights();
   * const copy = before.E.slice();
   * enc.trainStep(tinyBatch(tokenizer), { lr: 0.1 });
   * const after = enc.snapshotWeights(before);
   * assert.equal(after, before, "refilled in place");
   * assert.notDeepEqual(after.E, copy, "the trained rows were copied");
   * assert.deepEqual(after.E, enc.embeddings);
   * enc.dispose();
   * ```
   */
  snapshotWeights(reuse: unknown = null): WeightSnapshot {
    this.#alive();
    return this.#core.snapshot(reuse as WeightSnapshot | null);
  }

  /** Saves the model as {@linkcode save} does, with the weights of a snapshot. */
  async saveSnapshot(dir: string, snapshot: unknown): Promise<void> {
    this.#alive();
    const { E, W } = snapshot as { E: Float32Array; W: Float32Array | null };
    const live = this.#core;
    if (
      E.length !== live.embeddings.length || (W?.length ?? 0) !== (live.projection?.length ?? 0)
    ) {
      throw new InputError("saveSnapshot: the snapshot's shapes differ from this encoder's");
    }
    await writeStaticModel(dir, this.tokenizer, this.config(), this, E, W);
  }

  /** Drops the weights, moments and scratch; the encoder is unusable afterwards. */
  dispose(): void {
    this.#disposed = true;
    this.#memory.release(this);
    this.#core.clear();
  }
}

/**
 * Creates a freshly initialised static encoder (see {@linkcode StaticInit}).
 *
 * @param options Tokenizer, sizes, seed, initialisation, loss and optimizer settings.
 * @returns The encoder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStaticEncoder } from "./static_encoder.ts";
 * import { tinyTokenizer } from "./_testing.ts";
 * const enc = createStaticEncoder({ tokenizer: await tinyTokenizer(), dim: 16, seed: 1 });
 * const ids = new Int32Array([2, 20, 3]); // [CLS] cat [SEP]
 * const loss = enc.trainStep({ queries: [ids, new Int32Array([2, 21, 3])], passages: [ids, new Int32Array([2, 22, 3])] }, { lr: 0.1 });
 * assert(Number.isFinite(loss) && enc.step === 1 && enc.dim === 16);
 * enc.dispose();
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
  const rng = Rng.fromSplitMix(seed);
  const kernels = options.kernels ?? "wasm";
  // With "wasm", drawn straight into the kernel memory, which the encoder adopts.
  const E = allocateTable(kernels, vocabSize * d);
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
    kernels,
  });
}

/**
 * Loads a static encoder saved by {@linkcode StaticEncoder.save}.
 *
 * @param dir The folder holding `config.json`, `model.safetensors`, `tokenizer.json`.
 * @param options Settings for further training, not read from the folder: optimizer, loss (default: the saved temperature and symmetric weight), maxLength, kernels.
 * @returns The encoder, its optimizer state fresh. With the `"wasm"` kernels, the worker
 *   threads of {@linkcode startStaticThreads} are started first.
 * @throws {InputError} when a file is missing or malformed, or `model_type` is not `"xlir-static"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStaticEncoder, loadStaticEncoder } from "./static_encoder.ts";
 * import { tinyTokenizer } from "./_testing.ts";
 * const dir = await Deno.makeTempDir();
 * const saved = createStaticEncoder({ tokenizer: await tinyTokenizer(), dim: 8, seed: 2 });
 * await saved.save(dir);
 * const enc = await loadStaticEncoder(dir, { kernels: "js" });
 * const ids = [new Int32Array([2, 20, 3])];
 * assert.deepEqual(enc.embedIds(ids), saved.embedIds(ids));
 * saved.dispose();
 * enc.dispose();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadStaticEncoder(
  dir: string,
  options: {
    optimizer?: AdamWOptions;
    loss?: InfoNceOptions;
    maxLength?: number;
    kernels?: StaticKernels;
  } = {},
): Promise<StaticEncoder> {
  const files = await readStaticModel(dir);
  // Encoding whole collections is what loaded models do: share it with worker threads.
  if ((options.kernels ?? "wasm") === "wasm") await startStaticThreads();
  return new StaticEncoder(files.tokenizer, files.E, files.W, {
    vocabSize: files.vocabSize,
    hiddenSize: files.hiddenSize,
    projectionSize: files.projectionSize,
    maxLength: options.maxLength === undefined
      ? files.maxLength
      : positiveInt(options.maxLength, "maxLength"),
    loss: options.loss ?? files.loss,
    optimizer: options.optimizer,
    extraConfig: files.extraConfig,
    kernels: options.kernels,
  });
}
