/**
 * The kernels of the static encoder, forward and backward, as plain loops over
 * typed arrays: mean pooling of embedding rows, a bias-free linear projection
 * (PyTorch `nn.Linear` layout, weight `p × d`), L2 normalisation, and the
 * table of the rows a batch touches. Nothing here allocates per call.
 *
 * Training uses the float64 versions; encoding without a projection uses the
 * float32 ones ({@linkcode meanPoolF32}, {@linkcode l2NormalizeF32}). The
 * hot ones have WebAssembly twins in `lib/wasm/static_kernels.ts` that give
 * bit-identical results; these are their references.
 *
 * @module
 */

/** The `eps` of the L2 normalisation: `x / max(‖x‖, eps)`, as `torch.nn.functional.normalize`. */
export const NORM_EPS = 1e-12;

/** {@linkcode NORM_EPS} rounded to float32, for the float32 normalisation. */
export const NORM_EPS_F32: number = Math.fround(NORM_EPS);

/**
 * Mean of the embedding rows of `ids`: `out = (1/L) Σ_t table[ids[t]]`.
 *
 * @param table Embeddings, `V × d` row-major.
 * @param d Row width.
 * @param ids Token ids (at least one; every id in `[0, V)`; not checked here).
 * @param out Receives the mean at `out[outOffset … outOffset + d)`.
 * @param outOffset Where the mean starts in `out`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanPool } from "./pooling.ts";
 * const out = new Float64Array(2);
 * meanPool(new Float32Array([1, 2, 3, 4]), 2, new Int32Array([0, 1]), out, 0);
 * assert(out[0] === 2 && out[1] === 3);
 * ```
 */
export function meanPool(
  table: Float32Array,
  d: number,
  ids: Int32Array,
  out: Float64Array,
  outOffset: number,
): void {
  out.fill(0, outOffset, outOffset + d);
  const n = ids.length;
  let t = 0;
  // Four rows at a time: a quarter of the loads and stores of `out`.
  for (; t + 3 < n; t += 4) {
    const a = ids[t] * d, b = ids[t + 1] * d, c = ids[t + 2] * d, e = ids[t + 3] * d;
    for (let k = 0; k < d; k++) {
      out[outOffset + k] += (table[a + k] + table[b + k]) + (table[c + k] + table[e + k]);
    }
  }
  for (; t < n; t++) {
    const off = ids[t] * d;
    for (let k = 0; k < d; k++) out[outOffset + k] += table[off + k];
  }
  const inv = 1 / n;
  for (let k = 0; k < d; k++) out[outOffset + k] *= inv;
}

/**
 * Mean of the embedding rows of `ids` in float32 arithmetic (as PyTorch's
 * `EmbeddingBag` sums, in float32): the same summation tree as
 * {@linkcode meanPool} — four rows at a time, `s += (a + b) + (c + e)`, then
 * one at a time — with a float32 rounding after every operation, then
 * `out_k = s_k · fl32(1/L)`. The reference twin of the `embed_f32`
 * WebAssembly kernel (bit-identical).
 *
 * @param table Embeddings, `V × d` row-major.
 * @param d Row width.
 * @param ids Token ids (at least one; every id in `[0, V)`; not checked here).
 * @param out Receives the mean at `out[outOffset … outOffset + d)`.
 * @param outOffset Where the mean starts in `out`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanPoolF32 } from "./pooling.ts";
 * const out = new Float32Array(2);
 * meanPoolF32(new Float32Array([1, 2, 3, 4]), 2, new Int32Array([0, 1]), out, 0);
 * assert(out[0] === 2 && out[1] === 3);
 * ```
 */
export function meanPoolF32(
  table: Float32Array,
  d: number,
  ids: Int32Array,
  out: Float32Array,
  outOffset: number,
): void {
  const f = Math.fround, n = ids.length;
  out.fill(0, outOffset, outOffset + d);
  let t = 0;
  for (; t + 3 < n; t += 4) {
    const a = ids[t] * d, b = ids[t + 1] * d, c = ids[t + 2] * d, e = ids[t + 3] * d;
    for (let k = 0; k < d; k++) {
      const ab = f(table[a + k] + table[b + k]), ce = f(table[c + k] + table[e + k]);
      out[outOffset + k] = f(out[outOffset + k] + f(ab + ce));
    }
  }
  for (; t < n; t++) {
    const off = ids[t] * d;
    for (let k = 0; k < d; k++) out[outOffset + k] = f(out[outOffset + k] + table[off + k]);
  }
  const inv = f(1 / n);
  for (let k = 0; k < d; k++) out[outOffset + k] = f(out[outOffset + k] * inv);
}

/**
 * L2 normalisation in float32 arithmetic, in place: `x / max(‖x‖, eps)` with
 * `‖x‖² = (s₀ + s₁) + (s₂ + s₃)` over four lanes `s_l = Σ_{k ≡ l (mod 4)} x_k²`
 * (for the whole groups of four), then the remaining squares in order —
 * the order of the `embed_f32` WebAssembly kernel, whose twin this is.
 *
 * @param x The vector at `x[offset … + n)`, normalised in place.
 * @param offset Its start.
 * @param n Its length.
 * @returns `‖x‖` (float32, before clamping).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { l2NormalizeF32 } from "./pooling.ts";
 * const x = new Float32Array([3, 4]);
 * assert(l2NormalizeF32(x, 0, 2) === 5 && x[1] === Math.fround(0.8));
 * ```
 */
export function l2NormalizeF32(x: Float32Array, offset: number, n: number): number {
  const f = Math.fround, whole = n - (n % 4);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let k = 0; k < whole; k += 4) {
    const a = x[offset + k], b = x[offset + k + 1], c = x[offset + k + 2], e = x[offset + k + 3];
    s0 = f(s0 + f(a * a));
    s1 = f(s1 + f(b * b));
    s2 = f(s2 + f(c * c));
    s3 = f(s3 + f(e * e));
  }
  let ss = f(f(s0 + s1) + f(s2 + s3));
  for (let k = whole; k < n; k++) ss = f(ss + f(x[offset + k] * x[offset + k]));
  const norm = f(Math.sqrt(ss));
  const inv = f(1 / Math.max(norm, NORM_EPS_F32));
  for (let k = 0; k < n; k++) x[offset + k] = f(x[offset + k] * inv);
  return norm;
}

/**
 * Bias-free linear map `y = W x` with `W` stored `p × d` row-major, as the
 * weight of PyTorch's `nn.Linear(d, p, bias=False)`.
 *
 * @param w The weight, `p × d`.
 * @param p Output size.
 * @param d Input size.
 * @param x Input at `x[xOffset … + d)`.
 * @param xOffset Start of the input.
 * @param y Receives the output at `y[yOffset … + p)`.
 * @param yOffset Start of the output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { project } from "./pooling.ts";
 * const y = new Float64Array(1);
 * project(new Float32Array([2, 3]), 1, 2, new Float64Array([1, 1]), 0, y, 0);
 * assert(y[0] === 5);
 * ```
 */
export function project(
  w: Float32Array,
  p: number,
  d: number,
  x: Float64Array,
  xOffset: number,
  y: Float64Array,
  yOffset: number,
): void {
  for (let j = 0; j < p; j++) {
    const row = j * d;
    let s = 0;
    for (let k = 0; k < d; k++) s += w[row + k] * x[xOffset + k];
    y[yOffset + j] = s;
  }
}

/**
 * Backward of {@linkcode project}: adds `gy xᵀ` to `gw` and writes `gx = Wᵀ gy`.
 *
 * @param w The weight, `p × d`.
 * @param p Output size.
 * @param d Input size.
 * @param x The forward input at `x[xOffset … + d)`.
 * @param xOffset Start of the input.
 * @param gy dL/dy at `gy[gyOffset … + p)`.
 * @param gyOffset Start of dL/dy.
 * @param gw Accumulates dL/dW (`p × d`).
 * @param gx Receives dL/dx at `gx[gxOffset … + d)`.
 * @param gxOffset Start of dL/dx.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { projectBackward } from "./pooling.ts";
 * const gw = new Float64Array(2), gx = new Float64Array(2);
 * projectBackward(new Float32Array([2, 3]), 1, 2, new Float64Array([1, 4]), 0, new Float64Array([1]), 0, gw, gx, 0);
 * assert(gw[1] === 4 && gx[1] === 3);
 * ```
 */
export function projectBackward(
  w: Float32Array,
  p: number,
  d: number,
  x: Float64Array,
  xOffset: number,
  gy: Float64Array,
  gyOffset: number,
  gw: Float64Array,
  gx: Float64Array,
  gxOffset: number,
): void {
  gx.fill(0, gxOffset, gxOffset + d);
  for (let j = 0; j < p; j++) {
    const g = gy[gyOffset + j];
    const row = j * d;
    for (let k = 0; k < d; k++) {
      gw[row + k] += g * x[xOffset + k];
      gx[gxOffset + k] += g * w[row + k];
    }
  }
}

/**
 * L2 normalisation `e = y / max(‖y‖, eps)`.
 *
 * @param y Input at `y[offset … + n)`.
 * @param offset Start of the input.
 * @param n Length.
 * @param e Receives the normalised vector at `e[eOffset … + n)`.
 * @param eOffset Start of the output.
 * @returns `‖y‖` (before clamping), for {@linkcode l2NormalizeBackward}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { l2Normalize } from "./pooling.ts";
 * const e = new Float64Array(2);
 * assert(l2Normalize(new Float64Array([3, 4]), 0, 2, e, 0) === 5 && e[1] === 0.8);
 * ```
 */
export function l2Normalize(
  y: Float64Array,
  offset: number,
  n: number,
  e: Float64Array,
  eOffset: number,
): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += y[offset + k] * y[offset + k];
  const norm = Math.sqrt(s);
  const inv = 1 / Math.max(norm, NORM_EPS);
  for (let k = 0; k < n; k++) e[eOffset + k] = y[offset + k] * inv;
  return norm;
}

/**
 * Backward of {@linkcode l2Normalize}: `gy = (ge − e (e·ge)) / ‖y‖`, or
 * `ge / eps` where the norm was clamped.
 *
 * @param e The normalised vector at `e[eOffset … + n)`.
 * @param eOffset Start of `e`.
 * @param n Length.
 * @param norm `‖y‖` as {@linkcode l2Normalize} returned it.
 * @param ge dL/de at `ge[geOffset … + n)`.
 * @param geOffset Start of dL/de.
 * @param gy Receives dL/dy at `gy[gyOffset … + n)` (may alias `ge` at the same offset).
 * @param gyOffset Start of dL/dy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { l2NormalizeBackward } from "./pooling.ts";
 * const gy = new Float64Array(2);
 * // Moving along e does not change the direction: the gradient is zero.
 * l2NormalizeBackward(new Float64Array([0.6, 0.8]), 0, 2, 5, new Float64Array([0.6, 0.8]), 0, gy, 0);
 * assert(Math.abs(gy[0]) < 1e-15 && Math.abs(gy[1]) < 1e-15);
 * ```
 */
export function l2NormalizeBackward(
  e: Float64Array,
  eOffset: number,
  n: number,
  norm: number,
  ge: Float64Array,
  geOffset: number,
  gy: Float64Array,
  gyOffset: number,
): void {
  if (!(norm > NORM_EPS)) {
    const inv = 1 / NORM_EPS;
    for (let k = 0; k < n; k++) gy[gyOffset + k] = ge[geOffset + k] * inv;
    return;
  }
  let dot = 0;
  for (let k = 0; k < n; k++) dot += e[eOffset + k] * ge[geOffset + k];
  const inv = 1 / norm;
  for (let k = 0; k < n; k++) {
    gy[gyOffset + k] = (ge[geOffset + k] - e[eOffset + k] * dot) * inv;
  }
}

/**
 * The distinct rows (token ids) a batch touches, each given a compact slot
 * `0, 1, …` in first-seen order, through a mark table sized to the
 * vocabulary. {@linkcode TouchedRows.reset} clears only the marks it set, so
 * a step costs O(tokens), not O(V).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TouchedRows } from "./pooling.ts";
 * const t = new TouchedRows(10);
 * t.add(7); t.add(3); t.add(7);
 * assert.deepEqual([t.count, t.slot[7], t.rows[1]], [2, 0, 3]);
 * t.reset();
 * assert.deepEqual([t.count, t.slot[7]], [0, -1]);
 * ```
 */
export class TouchedRows {
  /** `slot[id]`: the compact index of row `id`, or -1 when not touched. */
  readonly slot: Int32Array;
  /** `rows[s]`: the row of slot `s`, for `s < count`. */
  rows: Int32Array = new Int32Array(1024);
  /** Number of distinct rows touched since the last reset. */
  count = 0;

  /** @param vocabSize Number of rows of the table. */
  constructor(vocabSize: number) {
    this.slot = new Int32Array(vocabSize).fill(-1);
  }

  /**
   * Marks row `id` as touched.
   *
   * @returns Its slot.
   */
  add(id: number): number {
    const s = this.slot[id];
    if (s >= 0) return s;
    if (this.count === this.rows.length) {
      const grown = new Int32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    this.slot[id] = this.count;
    this.rows[this.count] = id;
    return this.count++;
  }

  /** Unmarks every touched row. */
  reset(): void {
    for (let s = 0; s < this.count; s++) this.slot[this.rows[s]] = -1;
    this.count = 0;
  }
}
