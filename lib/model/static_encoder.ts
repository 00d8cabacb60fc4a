/**
 * The CPU default encoder: a static embedding model. Token embeddings `E`
 * (`V × d`) → mean over all of a sequence's ids (special tokens included) →
 * optional bias-free projection `W` (`p × d`, PyTorch `nn.Linear` layout) →
 * L2 normalisation. Trained with in-batch InfoNCE ({@link ./infonce.ts}) and
 * AdamW, lazy on the rows of `E` a batch touches ({@link ./sparse_adamw.ts}).
 * The loops run as WebAssembly SIMD kernels ({@link ../wasm/static_kernels.ts})
 * over a memory holding `E`, its moments and the scratch, or as their
 * TypeScript twins (`kernels: "js"`), with bit-identical results.
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
import { type Arena, copyInto } from "../wasm/arena.ts";
import { startStaticThreads, StaticWasm } from "../wasm/static_kernels.ts";
import {
  DEFAULT_TEMPERATURE,
  infoNce,
  infoNceFromCosines,
  type InfoNceOptions,
} from "./infonce.ts";
import { readSafetensors, writeSafetensors } from "./safetensors.ts";
import {
  adamWCoefficients,
  type AdamWOptions,
  adamWStep,
  resolveAdamW,
  sparseAdamWStep,
} from "./sparse_adamw.ts";
import {
  l2Normalize,
  l2NormalizeBackward,
  l2NormalizeF32,
  meanPool,
  meanPoolF32,
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
  /** The loops' implementation: `"wasm"` (default) or the TypeScript reference `"js"`. */
  kernels?: StaticKernels;
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

export { startStaticThreads } from "../wasm/static_kernels.ts";

/** Which implementation of the encoder's loops runs: WebAssembly SIMD (default) or TypeScript. */
export type StaticKernels = "wasm" | "js";

/** Arrays made by {@linkcode createStaticEncoder} in a kernel memory, adopted without a copy. */
const homes = new WeakMap<Float32Array, StaticWasm>();

/** Sequences per call of the float32 embedding kernel. */
const EMBED_CHUNK = 4096;
/** Sequences per chunk a thread claims when encoding is shared with workers. */
const EMBED_PER_THREAD_CHUNK = 32;
/** Fewer tokens than this are encoded on the calling thread alone. */
const EMBED_PARALLEL_MIN_TOKENS = 8192;

/** Frees an encoder's regions of the shared memory when it is collected without dispose(). */
const regionsOf = new FinalizationRegistry<{ arena: Arena; regions: Set<number> }>(
  ({ arena, regions }) => {
    for (const at of regions) arena.free(at);
  },
);

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

  #wasm: StaticWasm | null;
  #regions = new Set<number>(); // what this encoder holds in the kernel memory
  #E: Float32Array;
  #W: Float32Array | null;
  #mE: Float32Array | null = null;
  #vE: Float32Array | null = null;
  #mW: Float32Array | null = null;
  #vW: Float32Array | null = null;
  #step = 0;
  #disposed = false;
  // Scratch, grown on demand and reused across steps (in the kernel memory with "wasm").
  #touched: TouchedRows | null = null;
  #cap = 0; // sequences the per-sequence buffers hold
  #h: Float64Array = new Float64Array(0); // pooled, S × d
  #y: Float64Array = new Float64Array(0); // projected, S × p (unused without projection)
  #e: Float64Array = new Float64Array(0); // normalised, S × dim
  #norm: Float64Array = new Float64Array(0); // ‖y‖ per sequence
  #ge: Float64Array = new Float64Array(0); // dL/de, S × dim (then dL/dy in place)
  #gh: Float64Array = new Float64Array(0); // dL/dh, S × d
  #gRows: Float32Array = new Float32Array(0); // dL/dE on touched rows, compact
  #rowScale: Float32Array | null = null; // per-row AdamW step factor (setRowLearningRateScale)
  #gW: Float64Array | null = null;
  #nce: { cos: Float64Array; dcos: Float64Array } = {
    cos: new Float64Array(0),
    dcos: new Float64Array(0),
  };
  #pT: Float64Array = new Float64Array(0); // passages transposed, dim × (pairs + 1) (wasm cosines)
  #tok: Int32Array = new Int32Array(0); // a batch's tokens' row addresses, concatenated (wasm)
  #tokOff: Int32Array = new Int32Array(0); // byte offset of each token's row in #gRows (wasm)
  #offs: Int32Array = new Int32Array(0); // where each sequence starts in #tok, S + 1 (wasm)
  #rows: Int32Array = new Int32Array(0); // touched rows (wasm)
  #embOut: Float32Array = new Float32Array(0); // float32 embeddings of a chunk (wasm)

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
    const home = homes.get(embeddings);
    homes.delete(embeddings);
    if (kernels === "js") this.#wasm = null;
    else if (home) {
      this.#wasm = home;
      this.#regions.add(embeddings.byteOffset);
    } else {
      // Into the shared memory, or a private one when the shared one is full.
      this.#wasm = StaticWasm.shared();
      let E: Float32Array;
      try {
        E = this.#f32(embeddings.length, false);
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        this.#wasm = new StaticWasm();
        E = this.#f32(embeddings.length, false);
      }
      copyInto(E, embeddings);
      embeddings = E;
    }
    if (this.#wasm?.shared) {
      regionsOf.register(this, { arena: this.#wasm.arena, regions: this.#regions }, this);
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

  /**
   * The live token embeddings `E` (`vocabSize × hiddenSize`); writes change the
   * model. The same view for the encoder's life (until {@linkcode StaticEncoder.dispose}).
   */
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

  // ---- scratch: in the kernel memory with "wasm", ordinary arrays with "js" ----

  /** `bytes` in the kernel memory, recorded as this encoder's. */
  #alloc(bytes: number): number {
    const at = this.#wasm!.arena.alloc(bytes);
    this.#regions.add(at);
    return at;
  }

  #f64(n: number): Float64Array {
    const w = this.#wasm;
    return w ? w.arena.f64(this.#alloc(8 * n), n).fill(0) : new Float64Array(n);
  }

  #f32(n: number, zero = true): Float32Array {
    const w = this.#wasm;
    if (!w) return new Float32Array(n);
    const view = w.arena.f32(this.#alloc(4 * n), n);
    return zero ? view.fill(0) : view;
  }

  #i32(n: number): Int32Array {
    const w = this.#wasm;
    return w ? w.arena.i32(this.#alloc(4 * n), n).fill(0) : new Int32Array(n);
  }

  /** Gives a scratch array back (when it is in the kernel memory). */
  #free(view: ArrayBufferView | null): void {
    if (view && this.#regions.has(view.byteOffset) && this.#wasm?.arena.owns(view)) {
      this.#regions.delete(view.byteOffset);
      this.#wasm.arena.free(view.byteOffset);
    }
  }

  #ensure(sequences: number): void {
    if (sequences <= this.#cap) return;
    const cap = Math.max(sequences, 2 * this.#cap);
    this.#cap = cap;
    const d = this.hiddenSize, p = this.projectionSize, dim = this.dim;
    for (const a of [this.#h, this.#y, this.#e, this.#norm, this.#ge, this.#gh, this.#pT]) {
      this.#free(a);
    }
    this.#free(this.#nce.cos);
    this.#free(this.#nce.dcos);
    this.#free(this.#offs);
    this.#h = this.#f64(cap * d);
    this.#y = this.#f64(p > 0 ? cap * p : 0);
    this.#e = this.#f64(cap * dim);
    this.#norm = this.#f64(cap);
    this.#ge = this.#f64(cap * dim);
    this.#gh = this.#f64(cap * d);
    const pairs = Math.ceil(cap / 2);
    this.#nce = { cos: this.#f64(pairs * pairs), dcos: this.#f64(pairs * pairs) };
    this.#pT = this.#wasm ? this.#f64(dim * (pairs + 1)) : new Float64Array(0);
    this.#offs = this.#wasm ? this.#i32(cap + 1) : new Int32Array(0);
  }

  /** Room for `tokens` ids in the token buffers (wasm). */
  #ensureTokens(tokens: number): void {
    if (tokens <= this.#tok.length) return;
    const n = Math.max(tokens, 2 * this.#tok.length);
    this.#free(this.#tok);
    this.#free(this.#tokOff);
    this.#tok = this.#i32(n);
    this.#tokOff = this.#i32(n);
  }

  /**
   * Checks the ids of sequence `ids` and, with "wasm", appends them to the
   * token buffer at `at`; marks them touched (recording their gradient rows).
   *
   * @returns The position after the sequence in the token buffer.
   */
  #stage(ids: Int32Array, where: string, at: number, touched: TouchedRows | null): number {
    const n = ids.length;
    if (n === 0) throw new InputError(`${where} has no token ids, expected at least one`);
    const V = this.vocabSize, rowBytes = 4 * this.hiddenSize, table = this.#E.byteOffset;
    const tok = this.#tok, tokOff = this.#tokOff;
    // One tight loop per case (`id >>> 0 >= V` also catches negative ids).
    if (this.#wasm === null) {
      for (let t = 0; t < n; t++) {
        if (ids[t] >>> 0 >= V) this.#badId(ids, t, where);
        touched?.add(ids[t]);
      }
    } else if (touched === null) {
      for (let t = 0; t < n; t++) {
        const id = ids[t];
        if (id >>> 0 >= V) this.#badId(ids, t, where);
        tok[at + t] = table + id * rowBytes; // the row's address
      }
    } else {
      for (let t = 0; t < n; t++) {
        const id = ids[t];
        if (id >>> 0 >= V) this.#badId(ids, t, where);
        tok[at + t] = table + id * rowBytes;
        tokOff[at + t] = touched.add(id) * rowBytes; // its gradient row's offset
      }
    }
    return at + n;
  }

  #badId(ids: Int32Array, t: number, where: string): never {
    throw new InputError(
      `${where}: token id ${ids[t]} at position ${t} is outside [0, ${this.vocabSize})`,
    );
  }

  /** Projects (when there is a projection) and normalises pooled slot `s` into `#e`. */
  #headOne(s: number): void {
    const d = this.hiddenSize, dim = this.dim;
    if (this.#W !== null) {
      project(this.#W, this.projectionSize, d, this.#h, s * d, this.#y, s * dim);
      this.#norm[s] = l2Normalize(this.#y, s * dim, dim, this.#e, s * dim);
    } else {
      this.#norm[s] = l2Normalize(this.#h, s * d, dim, this.#e, s * dim);
    }
  }

  /**
   * The float64 forward of sequences `seqs` into slots `0 … seqs.length)`:
   * pooled rows in `#h`, outputs in `#e`, norms in `#norm`.
   */
  #forward(
    seqs: (i: number) => Int32Array,
    count: number,
    where: (i: number) => string,
    touched: TouchedRows | null,
  ): void {
    this.#ensure(count);
    const w = this.#wasm, d = this.hiddenSize;
    if (w) {
      let total = 0;
      for (let s = 0; s < count; s++) total += seqs(s).length;
      this.#ensureTokens(total);
      const offs = this.#offs;
      offs[0] = 0;
      for (let s = 0; s < count; s++) {
        offs[s + 1] = this.#stage(seqs(s), where(s), offs[s], touched);
      }
      w.fn.pool_f64(this.#tok.byteOffset, offs.byteOffset, count, d, this.#h.byteOffset);
    } else {
      for (let s = 0; s < count; s++) {
        const ids = seqs(s);
        this.#stage(ids, where(s), 0, touched);
        meanPool(this.#E, d, ids, this.#h, s * d);
      }
    }
    for (let s = 0; s < count; s++) this.#headOne(s);
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
    const dim = this.dim, d = this.hiddenSize;
    const out = new Float32Array(seqs.length * dim);
    const chunk = this.#W === null ? EMBED_CHUNK : 256;
    for (let start = 0; start < seqs.length; start += chunk) {
      const end = Math.min(seqs.length, start + chunk), count = end - start;
      const where = (i: number) => `sequence ${start + i}`;
      if (this.#W !== null) {
        // With a projection: the float64 forward.
        this.#forward((i) => seqs[start + i], count, where, null);
        out.set(this.#e.subarray(0, count * dim), start * dim);
      } else if (this.#wasm) {
        const w = this.#wasm;
        this.#ensure(Math.min(chunk, seqs.length));
        let total = 0;
        for (let i = start; i < end; i++) total += seqs[i].length;
        this.#ensureTokens(total);
        const offs = this.#offs;
        offs[0] = 0;
        for (let i = 0; i < count; i++) {
          offs[i + 1] = this.#stage(seqs[start + i], where(i), offs[i], null);
        }
        if (this.#embOut.length < count * d) {
          this.#free(this.#embOut);
          this.#embOut = this.#f32(Math.min(chunk, seqs.length) * d);
        }
        const args = [this.#tok.byteOffset, offs.byteOffset, count, d, this.#embOut.byteOffset];
        if (w.threads > 1 && total >= EMBED_PARALLEL_MIN_TOKENS) {
          // Sequences in chunks over the threads: the same bits as one call. Meanwhile this
          // thread writes once to every page of the (fresh) result, so that the copy below
          // does not stall on page faults.
          const per = EMBED_PER_THREAD_CHUNK, part = out.subarray(start * d, end * d);
          w.run("embed_part", [...args, per], Math.ceil(count / per), () => {
            for (let k = 0; k < part.length; k += 1024) part[k] = 0;
          });
        } else w.fn.embed_f32(...(args as [number, number, number, number, number]));
        copyInto(out, this.#embOut.subarray(0, count * d), start * d);
      } else {
        for (let i = start; i < end; i++) {
          this.#stage(seqs[i], where(i - start), 0, null);
          meanPoolF32(this.#E, d, seqs[i], out, i * d);
          l2NormalizeF32(out, i * d, d);
        }
      }
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
    const touched = withGrad ? this.#touched! : null;
    this.#forward(
      (s) => (s < n ? batch.queries[s] : batch.passages[s - n]),
      2 * n,
      (s) => (s < n ? `query ${s}` : `passage ${s - n}`),
      touched,
    );
    if (touched !== null) {
      const size = touched.count * this.hiddenSize;
      if (size > this.#gRows.length) {
        this.#free(this.#gRows);
        this.#gRows = this.#f32(Math.max(size, 2 * this.#gRows.length));
      } else this.#gRows.fill(0, 0, size);
    }
    const dim = this.dim, e = this.#e, ge = this.#ge;
    const q = e.subarray(0, n * dim), p = e.subarray(n * dim, 2 * n * dim);
    const w = this.#wasm;
    if (!w) {
      const grads = withGrad
        ? { q: ge.subarray(0, n * dim), p: ge.subarray(n * dim, 2 * n * dim) }
        : undefined;
      return infoNce(q, p, n, dim, this.lossOptions, grads, this.#nce);
    }
    // The same loss with the float64 products in WebAssembly (cosines, combine).
    const { cos, dcos } = this.#nce;
    w.fn.cosines(q.byteOffset, p.byteOffset, n, dim, cos.byteOffset, this.#pT.byteOffset);
    if (!withGrad) return infoNceFromCosines(cos, n, this.lossOptions);
    const loss = infoNceFromCosines(cos, n, this.lossOptions, dcos);
    w.fn.combine(dcos.byteOffset, n, 1, n, p.byteOffset, dim, ge.byteOffset);
    w.fn.combine(dcos.byteOffset, 1, n, n, q.byteOffset, dim, ge.byteOffset + 8 * n * dim);
    return loss;
  }

  /** Backward from #ge to #gRows (touched rows) and #gW. */
  #backward(batch: PairBatch): void {
    const n = batch.queries.length;
    const d = this.hiddenSize, p = this.projectionSize, dim = this.dim;
    const e = this.#e, ge = this.#ge, h = this.#h, gh = this.#gh, g = this.#gRows;
    const W = this.#W, gW = this.#gW;
    if (gW !== null) gW.fill(0);
    for (let s = 0; s < 2 * n; s++) {
      const len = s < n ? batch.queries[s].length : batch.passages[s - n].length;
      // dL/dy in place of dL/de.
      l2NormalizeBackward(e, s * dim, dim, this.#norm[s], ge, s * dim, ge, s * dim);
      if (W !== null && gW !== null) {
        projectBackward(W, p, d, h, s * d, ge, s * dim, gW, gh, s * d);
      } else {
        gh.set(ge.subarray(s * d, s * d + d), s * d);
      }
      const inv = 1 / len;
      for (let k = s * d; k < s * d + d; k++) gh[k] *= inv;
    }
    // Each sequence's gradient into its tokens' rows, sequences in order.
    const w = this.#wasm;
    if (w) {
      w.fn.scatter_f64(
        g.byteOffset,
        d,
        this.#tokOff.byteOffset,
        this.#offs.byteOffset,
        2 * n,
        gh.byteOffset,
      );
      return;
    }
    const slot = this.#touched!.slot;
    for (let s = 0; s < 2 * n; s++) {
      const ids = s < n ? batch.queries[s] : batch.passages[s - n];
      for (let t = 0; t < ids.length; t++) {
        const off = slot[ids[t]] * d;
        for (let k = 0; k < d; k++) g[off + k] += gh[s * d + k];
      }
    }
  }

  #ensureOptimizer(): void {
    if (this.#touched === null) this.#touched = new TouchedRows(this.vocabSize);
    if (this.#mE === null) {
      // Written once now, so that the OS commits the pages here and not, a
      // page fault per row, in the first steps.
      this.#mE = this.#f32(this.#E.length);
      this.#vE = this.#f32(this.#E.length);
    }
    if (this.#W !== null && this.#mW === null) {
      this.#mW = new Float32Array(this.#W.length);
      this.#vW = new Float32Array(this.#W.length);
      this.#gW = new Float64Array(this.#W.length);
    }
  }

  /** The lazy AdamW step on the touched rows of `E`. */
  #updateRows(step: number, lr: number): void {
    const touched = this.#touched!, o = this.optimizerOptions, w = this.#wasm;
    if (!w) {
      sparseAdamWStep(
        this.#E,
        this.#mE!,
        this.#vE!,
        this.hiddenSize,
        touched.rows,
        touched.count,
        this.#gRows,
        step,
        lr,
        o,
        this.#rowScale,
      );
      return;
    }
    const c = adamWCoefficients(step, lr, o);
    if (this.#rows.length < touched.count) {
      this.#free(this.#rows);
      this.#rows = this.#i32(Math.max(touched.count, 2 * this.#rows.length));
    }
    this.#rows.set(touched.rows.subarray(0, touched.count));
    w.fn.adamw_rows(
      this.#E.byteOffset,
      this.#mE!.byteOffset,
      this.#vE!.byteOffset,
      this.hiddenSize,
      this.#rows.byteOffset,
      touched.count,
      this.#gRows.byteOffset,
      this.#rowScale?.byteOffset ?? 0,
      c.decay,
      c.b1c,
      c.b2c,
      o.beta2,
      c.stepSize,
      c.invSqrtBc2,
      o.eps,
    );
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
      this.#updateRows(step, options.lr);
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
    if (this.#rowScale !== null) arrays[`${EMBEDDINGS_NAME}.lr_scale`] = this.#rowScale.slice();
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
    const scale = state.arrays[`${EMBEDDINGS_NAME}.lr_scale`];
    this.setRowLearningRateScale(scale ?? null);
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
    if (scale !== null && scale.length !== this.vocabSize) {
      throw new InputError(
        `row learning-rate scale has ${scale.length} values, expected ${this.vocabSize}`,
      );
    }
    if (scale === null) {
      this.#free(this.#rowScale);
      this.#rowScale = null;
      return;
    }
    if (this.#rowScale === null) this.#rowScale = this.#f32(this.vocabSize, false);
    this.#rowScale.set(scale);
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
    await this.saveSnapshot(dir, { E: this.#E, W: this.#W });
  }

  /** Copies of the weights (not the optimizer state), for {@linkcode saveSnapshot}. */
  snapshotWeights(): { E: Float32Array; W: Float32Array | null } {
    this.#alive();
    return { E: this.#E.slice(), W: this.#W?.slice() ?? null };
  }

  /** Saves the model as {@linkcode save} does, with the weights of a snapshot. */
  async saveSnapshot(dir: string, snapshot: unknown): Promise<void> {
    this.#alive();
    const { E, W } = snapshot as { E: Float32Array; W: Float32Array | null };
    if (E.length !== this.#E.length || (W?.length ?? 0) !== (this.#W?.length ?? 0)) {
      throw new InputError("saveSnapshot: the snapshot's shapes differ from this encoder's");
    }
    await Deno.mkdir(dir, { recursive: true });
    const tensors: Record<string, { dtype: string; shape: number[]; data: Float32Array }> = {
      [EMBEDDINGS_NAME]: { dtype: "F32", shape: [this.vocabSize, this.hiddenSize], data: E },
    };
    if (W !== null) {
      tensors[PROJECTION_NAME] = {
        dtype: "F32",
        shape: [this.projectionSize, this.hiddenSize],
        data: W,
      };
    }
    await writeSafetensors(join(dir, "model.safetensors"), tensors, { format: "pt" });
    await writeTextFileAtomic(join(dir, "tokenizer.json"), this.tokenizer.json);
    await writeJsonAtomic(join(dir, "config.json"), this.config());
  }

  /** Drops the weights, moments and scratch; the encoder is unusable afterwards. */
  dispose(): void {
    this.#disposed = true;
    if (this.#wasm?.shared) {
      regionsOf.unregister(this);
      for (const at of this.#regions) this.#wasm.arena.free(at);
    }
    this.#regions.clear();
    this.#wasm = null;
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
      this.#pT =
        new Float64Array(0);
    this.#nce = { cos: new Float64Array(0), dcos: new Float64Array(0) };
    this.#gRows = this.#embOut = new Float32Array(0);
    this.#tok =
      this.#tokOff =
      this.#offs =
      this.#rows =
        new Int32Array(0);
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
  const kernels = options.kernels ?? "wasm";
  let E: Float32Array;
  if (kernels === "wasm") {
    // Drawn straight into the kernel memory (shared, else a private one), which the encoder adopts.
    let wasm = StaticWasm.shared(), at: number;
    try {
      at = wasm.arena.alloc(4 * vocabSize * d);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      wasm = new StaticWasm();
      at = wasm.arena.alloc(4 * vocabSize * d);
    }
    E = wasm.arena.f32(at, vocabSize * d);
    homes.set(E, wasm);
  } else E = new Float32Array(vocabSize * d);
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
 * ```ts ignore
 * import { loadStaticEncoder } from "./static_encoder.ts";
 * const enc = await loadStaticEncoder("out/models/static-en");
 * const vecs = enc.embedIds([new Int32Array([101, 102])]);
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
  // Encoding whole collections is what loaded models do: share it with worker threads.
  if ((options.kernels ?? "wasm") === "wasm") await startStaticThreads();
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
    kernels: options.kernels,
  });
}
