/**
 * The forward pass, backward pass and optimizer of a {@linkcode StaticEncoder}:
 * mean pooling over a sequence's rows of `E`, optional projection `W`, L2
 * normalisation, in-batch InfoNCE (over the positives and, when a batch has
 * them, its hard negatives), and AdamW (lazy on the touched rows of
 * `E`, dense on `W`), on the WebAssembly SIMD kernels or their TypeScript
 * twins (bit-identical). Its arrays live in a {@linkcode StaticMemory}.
 *
 * Numerics: training is float64 throughout (rows summed four at a time,
 * moments and updates as PyTorch's AdamW), rounded to float32 on store.
 * {@linkcode StaticCompute.embedIds} without a projection sums and normalises
 * in float32 as PyTorch's `EmbeddingBag` does; with a projection it uses the
 * float64 forward.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { copyInto } from "../wasm/arena.ts";
import type { StaticWasm } from "../wasm/static_kernels.ts";
import type { PairBatch, StepOptions } from "./encoder.ts";
import { infoNce, infoNceFromCosines, type InfoNceOptions } from "./infonce.ts";
import { batchCandidates, tripletShape } from "./triplets.ts";
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
import {
  adamWCoefficients,
  type AdamWOptions,
  adamWStep,
  sparseAdamWStep,
} from "./sparse_adamw.ts";
import type { StaticMemory } from "./_static_memory.ts";

/** Tensor name of the token embeddings. */
export const EMBEDDINGS_NAME = "embeddings.word_embeddings.weight";
/** Tensor name of the projection. */
export const PROJECTION_NAME = "projection.weight";

/** A training state: named arrays and scalars. */
export type StaticState = {
  arrays: Record<string, Float32Array>;
  scalars: Record<string, number>;
};

/**
 * A copy of the weights, from {@linkcode StaticCompute.snapshot}: refilled in
 * place by a later call that is given it back (only the rows written since).
 */
export interface WeightSnapshot {
  E: Float32Array;
  W: Float32Array | null;
  /** The compute it was taken from, its updates count then, and its untracked-writes count then. */
  readonly from: object;
  writes: number;
  untracked: number;
}

/** The gradients of one batch, from {@linkcode StaticCompute.gradients}. */
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

/** Sequences per call of the float32 embedding kernel. */
const EMBED_CHUNK = 4096;
/** Sequences per chunk a thread claims when encoding is shared with workers. */
const EMBED_PER_THREAD_CHUNK = 32;
/** Fewer tokens than this are encoded on the calling thread alone. */
const EMBED_PARALLEL_MIN_TOKENS = 8192;

/** The sizes of a static encoder: `V` rows of width `d`, projection `p` (0: none). */
export interface StaticShape {
  vocabSize: number;
  hiddenSize: number;
  projectionSize: number;
}

/** What the loops need of their encoder: the sizes, and the loss and optimizer settings. */
export interface StaticSettings extends StaticShape {
  /** Output dimension: `p` with a projection, else `d`. */
  readonly dim: number;
  readonly lossOptions: Readonly<Required<InfoNceOptions>>;
  readonly optimizerOptions: Readonly<Required<AdamWOptions>>;
}

/**
 * The weights, optimizer state and scratch of a static encoder, and the
 * loops over them. Scratch grows on demand and is reused across steps (in the
 * kernel memory with `"wasm"`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStaticEncoder } from "./static_encoder.ts";
 * import { tinyBatch, tinyTokenizer } from "./_testing.ts";
 * // StaticCompute is the engine inside every StaticEncoder.
 * const tok = await tinyTokenizer();
 * const enc = createStaticEncoder({ tokenizer: tok, dim: 8, seed: 1 });
 * const g = enc.gradients(tinyBatch(tok));
 * assert(Number.isFinite(g.loss) && g.rows.length * 8 === g.embeddings.length);
 * enc.dispose();
 * ```
 */
export class StaticCompute {
  #s: StaticSettings;
  #mem: StaticMemory;
  #E: Float32Array;
  #W: Float32Array | null;
  #mE: Float32Array | null = null;
  #vE: Float32Array | null = null;
  #mW: Float32Array | null = null;
  #vW: Float32Array | null = null;
  #step = 0;
  #touched: TouchedRows | null = null;
  // Snapshots: updates of E so far, the update that last wrote each row, and
  // writes to E not made by an update (restored states, the live view handed out).
  #writes = 0;
  #rowWrite: Int32Array | null = null;
  #untracked = 0;
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
   * @param memory Where the arrays live.
   * @param E The table, `vocabSize × hiddenSize`, in `memory`.
   * @param W The projection, `projectionSize × hiddenSize`, or null.
   * @param settings The sizes and the resolved loss and optimizer settings (the encoder's own).
   */
  constructor(
    memory: StaticMemory,
    E: Float32Array,
    W: Float32Array | null,
    settings: StaticSettings,
  ) {
    this.#s = settings;
    this.#mem = memory;
    this.#E = E;
    this.#W = settings.projectionSize > 0 ? W : null;
  }

  /** The optimizer steps taken so far. */
  get step(): number {
    return this.#step;
  }

  /** The live table `E`. */
  get embeddings(): Float32Array {
    return this.#E;
  }

  /** The live projection `W`, or null. */
  get projection(): Float32Array | null {
    return this.#W;
  }

  // ---- the memory: the kernel memory with "wasm", ordinary arrays with "js" ----

  get #wasm(): StaticWasm | null {
    return this.#mem.wasm;
  }

  #f64(n: number): Float64Array {
    return this.#mem.f64(n);
  }

  #f32(n: number, zero = true): Float32Array {
    return this.#mem.f32(n, zero);
  }

  #i32(n: number): Int32Array {
    return this.#mem.i32(n);
  }

  #free(view: ArrayBufferView | null): void {
    this.#mem.free(view);
  }

  #ensure(sequences: number): void {
    if (sequences <= this.#cap) return;
    const cap = Math.max(sequences, 2 * this.#cap);
    this.#cap = cap;
    const d = this.#s.hiddenSize, p = this.#s.projectionSize, dim = this.#s.dim;
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
    const V = this.#s.vocabSize, rowBytes = 4 * this.#s.hiddenSize, table = this.#E.byteOffset;
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
      `${where}: token id ${ids[t]} at position ${t} is outside [0, ${this.#s.vocabSize})`,
    );
  }

  /** Projects (when there is a projection) and normalises pooled slot `s` into `#e`. */
  #headOne(s: number): void {
    const d = this.#s.hiddenSize, dim = this.#s.dim;
    if (this.#W !== null) {
      project(this.#W, this.#s.projectionSize, d, this.#h, s * d, this.#y, s * dim);
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
    const w = this.#wasm, d = this.#s.hiddenSize;
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
    const dim = this.#s.dim, d = this.#s.hiddenSize;
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

  /**
   * Runs the forward pass of a batch into the scratch; returns the loss (and
   * gradients into #ge) and the batch's sequences in slot order: queries,
   * positives, hard negatives (when the batch has them).
   */
  #batchLoss(batch: PairBatch, withGrad: boolean): { loss: number; seqs: Int32Array[] } {
    const n = batch.queries.length;
    if (n === 0 || batch.passages.length !== n) {
      throw new InputError(
        `a batch has ${n} queries and ${batch.passages.length} passages, expected the same number (> 0)`,
      );
    }
    const candidates = batchCandidates(batch);
    const m = candidates.length, count = n + m;
    const seqs = [...batch.queries, ...candidates];
    const touched = withGrad ? this.#touched! : null;
    this.#forward(
      (s) => seqs[s],
      count,
      (s) => (s < n ? `query ${s}` : s < 2 * n ? `passage ${s - n}` : `negative ${s - 2 * n}`),
      touched,
    );
    if (touched !== null) {
      const size = touched.count * this.#s.hiddenSize;
      if (size > this.#gRows.length) {
        this.#free(this.#gRows);
        this.#gRows = this.#f32(Math.max(size, 2 * this.#gRows.length));
      } else this.#gRows.fill(0, 0, size);
    }
    const dim = this.#s.dim, e = this.#e, ge = this.#ge;
    const shape = tripletShape(batch, candidates);
    this.#ensureLoss(n, m);
    const q = e.subarray(0, n * dim), p = e.subarray(n * dim, count * dim);
    const w = this.#wasm;
    if (!w) {
      const grads = withGrad
        ? { q: ge.subarray(0, n * dim), p: ge.subarray(n * dim, count * dim) }
        : undefined;
      return { loss: infoNce(q, p, shape, dim, this.#s.lossOptions, grads, this.#nce), seqs };
    }
    // The same loss with the float64 products in WebAssembly (cosines, combine).
    const { cos, dcos } = this.#nce;
    w.fn.cosines_mn(q.byteOffset, p.byteOffset, n, m, dim, cos.byteOffset, this.#pT.byteOffset);
    if (!withGrad) return { loss: infoNceFromCosines(cos, shape, this.#s.lossOptions), seqs };
    const loss = infoNceFromCosines(cos, shape, this.#s.lossOptions, dcos);
    w.fn.combine_mn(dcos.byteOffset, m, 1, n, m, p.byteOffset, dim, ge.byteOffset);
    w.fn.combine_mn(dcos.byteOffset, 1, m, m, n, q.byteOffset, dim, ge.byteOffset + 8 * n * dim);
    return { loss, seqs };
  }

  /** Room for an `n × m` cosine matrix and (wasm) `m` transposed candidates. */
  #ensureLoss(n: number, m: number): void {
    if (n * m > this.#nce.cos.length) {
      this.#free(this.#nce.cos);
      this.#free(this.#nce.dcos);
      this.#nce = { cos: this.#f64(n * m), dcos: this.#f64(n * m) };
    }
    if (this.#wasm && this.#s.dim * (m + 1) > this.#pT.length) {
      this.#free(this.#pT);
      this.#pT = this.#f64(this.#s.dim * (m + 1));
    }
  }

  /** Backward from #ge to #gRows (touched rows) and #gW, over the batch's sequences in slot order. */
  #backward(seqs: Int32Array[]): void {
    const count = seqs.length;
    const d = this.#s.hiddenSize, p = this.#s.projectionSize, dim = this.#s.dim;
    const e = this.#e, ge = this.#ge, h = this.#h, gh = this.#gh, g = this.#gRows;
    const W = this.#W, gW = this.#gW;
    if (gW !== null) gW.fill(0);
    for (let s = 0; s < count; s++) {
      const len = seqs[s].length;
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
        count,
        gh.byteOffset,
      );
      return;
    }
    const slot = this.#touched!.slot;
    for (let s = 0; s < count; s++) {
      const ids = seqs[s];
      for (let t = 0; t < ids.length; t++) {
        const off = slot[ids[t]] * d;
        for (let k = 0; k < d; k++) g[off + k] += gh[s * d + k];
      }
    }
  }

  #ensureOptimizer(): void {
    if (this.#touched === null) this.#touched = new TouchedRows(this.#s.vocabSize);
    if (this.#rowWrite === null) this.#rowWrite = new Int32Array(this.#s.vocabSize);
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
    const touched = this.#touched!, o = this.#s.optimizerOptions, w = this.#wasm;
    if (!w) {
      sparseAdamWStep(
        this.#E,
        this.#mE!,
        this.#vE!,
        this.#s.hiddenSize,
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
      this.#s.hiddenSize,
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
    this.#ensureOptimizer();
    const touched = this.#touched!;
    try {
      const { loss, seqs } = this.#batchLoss(batch, true);
      this.#backward(seqs);
      const count = touched.count, d = this.#s.hiddenSize;
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
    this.#ensureOptimizer();
    const touched = this.#touched!;
    try {
      const { loss, seqs } = this.#batchLoss(batch, true);
      if (!Number.isFinite(loss)) return loss;
      this.#backward(seqs);
      const step = ++this.#step;
      const o = this.#s.optimizerOptions;
      this.#updateRows(step, options.lr);
      const writes = ++this.#writes, rowWrite = this.#rowWrite!;
      for (let i = 0; i < touched.count; i++) rowWrite[touched.rows[i]] = writes;
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
    return this.#batchLoss(batch, false).loss;
  }

  /**
   * Says that `E` or `W` may have been written other than by a training step
   * (through the live arrays): the next {@linkcode snapshot} copies them whole.
   */
  noteUntrackedWrite(): void {
    this.#untracked++;
  }

  /**
   * A copy of the weights. Given a snapshot this compute returned before
   * (which the caller no longer needs), refills it in place and returns it:
   * only the rows of `E` that training steps wrote since it was taken are
   * copied (all of `E` after an untracked write), and all of `W` (small).
   *
   * @param reuse A previous snapshot to refill, or null.
   */
  snapshot(reuse: WeightSnapshot | null = null): WeightSnapshot {
    const E = this.#E, W = this.#W, d = this.#s.hiddenSize;
    if (
      reuse === null || reuse.from !== this || reuse.untracked !== this.#untracked ||
      reuse.E.length !== E.length || (reuse.W?.length ?? -1) !== (W?.length ?? -1)
    ) {
      return {
        E: E.slice(),
        W: W?.slice() ?? null,
        from: this,
        writes: this.#writes,
        untracked: this.#untracked,
      };
    }
    const rowWrite = this.#rowWrite, since = reuse.writes;
    if (rowWrite !== null && since < this.#writes) {
      for (let r = 0; r < rowWrite.length; r++) {
        if (rowWrite[r] > since) reuse.E.set(E.subarray(r * d, (r + 1) * d), r * d);
      }
    }
    if (W !== null) reuse.W!.set(W);
    reuse.writes = this.#writes;
    return reuse;
  }

  /**
   * Weights, AdamW moments and step, as copies: `embeddings.word_embeddings.weight`
   * and its `.exp_avg` / `.exp_avg_sq`, the same for `projection.weight`, and
   * `scalars.step`.
   */
  trainingState(): StaticState {
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
  restoreTrainingState(state: StaticState): void {
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
    this.noteUntrackedWrite();
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
    if (scale !== null && scale.length !== this.#s.vocabSize) {
      throw new InputError(
        `row learning-rate scale has ${scale.length} values, expected ${this.#s.vocabSize}`,
      );
    }
    if (scale === null) {
      this.#free(this.#rowScale);
      this.#rowScale = null;
      return;
    }
    if (this.#rowScale === null) this.#rowScale = this.#f32(this.#s.vocabSize, false);
    this.#rowScale.set(scale);
  }

  /** Drops the weights, moments and scratch (the memory is released by its owner). */
  clear(): void {
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
