/**
 * SentencePiece's Unigram tokenization, exactly as the C++ library (0.1.9x)
 * computes it, for a Hugging Face `tokenizer.json` converted from a
 * SentencePiece model (XLM-R's: a `Precompiled` normaliser, `Metaspace`,
 * a `Unigram` model):
 *
 * 1. normalisation with the model's precompiled charsmap (a Darts double-array
 *    trie over UTF-8 bytes: at each position the longest rule wins, else one
 *    character is copied), leading, trailing and repeated spaces removed, a
 *    `▁` put in front and every space written as `▁` (`normalizer.cc`);
 * 2. the Viterbi segmentation of the whole normalised text over the pieces'
 *    float32 scores, an unknown character scoring `min_score − 10`, ties kept
 *    by the first candidate (`unigram_model.cc`, `EncodeOptimized`);
 * 3. consecutive unknown pieces merged into one (`sentencepiece_processor.cc`).
 *
 * `@huggingface/tokenizers` approximates step 1 with NFKC and keeps a `▁`
 * for a trailing space, which gives other ids on about 5 % of FLORES sentences.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";

/** SentencePiece's `kUnkPenalty`. */
const UNK_PENALTY = 10;

/** The precompiled charsmap: a double-array trie and the replacement strings. */
class CharsMap {
  #units: Uint32Array;
  #strings: Uint8Array;

  constructor(blob: Uint8Array, where: string) {
    if (blob.length < 4) throw new InputError(`${where}: precompiled_charsmap is too short`);
    const size = new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(0, true);
    if (size % 4 !== 0 || 4 + size > blob.length) {
      throw new InputError(`${where}: precompiled_charsmap's trie size ${size} does not fit`);
    }
    this.#units = new Uint32Array(size / 4);
    const view = new DataView(blob.buffer, blob.byteOffset + 4, size);
    for (let i = 0; i < this.#units.length; i++) this.#units[i] = view.getUint32(4 * i, true);
    this.#strings = blob.slice(4 + size);
  }

  /** The longest rule at `bytes[at..]`: its length and replacement, or null. */
  longest(bytes: Uint8Array, at: number): { length: number; value: number } | null {
    const a = this.#units;
    if (a.length === 0) return null;
    const offset = (u: number) => (u >>> 10) << ((u & (1 << 9)) >>> 6);
    let pos = 0;
    let unit = a[pos];
    pos ^= offset(unit);
    let best: { length: number; value: number } | null = null;
    for (let i = at; i < bytes.length; i++) {
      const c = bytes[i];
      pos ^= c;
      unit = a[pos];
      // label(): the unit's low byte and its sign bit (set on leaf units, never a match).
      if (unit === undefined || (unit & 0x800000ff) >>> 0 !== c) break;
      pos ^= offset(unit);
      if ((unit >>> 8) & 1) best = { length: i - at + 1, value: a[pos] & 0x7fffffff };
    }
    return best;
  }

  /** The NUL-terminated replacement at `value`. */
  replacement(value: number): Uint8Array {
    const end = this.#strings.indexOf(0, value);
    return this.#strings.subarray(value, end < 0 ? undefined : end);
  }
}

/** Byte length of the UTF-8 character starting with `b`. */
function charLen(b: number): number {
  return b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A SentencePiece Unigram model read from a converted `tokenizer.json`. */
export class SentencePieceUnigram {
  #map: CharsMap | null;
  #pieces = new Map<string, number>();
  #scores: Float32Array;
  #maxChars = 1;
  #unkId: number;
  #unkScore: number;

  /**
   * @param tokenizer The parsed `tokenizer.json`.
   * @param where The file, for error messages.
   * @throws {InputError} when it is not a Unigram model or the charsmap is malformed.
   */
  constructor(tokenizer: Record<string, unknown>, where: string) {
    const model = tokenizer.model as { type?: string; vocab?: [string, number][]; unk_id?: number };
    if (model?.type !== "Unigram" || !Array.isArray(model.vocab)) {
      throw new InputError(`${where}: model is not a Unigram model with a vocab`);
    }
    const charsmap = precompiledCharsmap(tokenizer.normalizer);
    this.#map = charsmap ? new CharsMap(base64Bytes(charsmap), where) : null;
    const special = new Set(
      ((tokenizer.added_tokens ?? []) as { id: number; special?: boolean }[])
        .filter((t) => t.special).map((t) => t.id),
    );
    this.#scores = new Float32Array(model.vocab.length);
    let min = Infinity;
    model.vocab.forEach(([piece, score], id) => {
      this.#scores[id] = score;
      if (special.has(id)) return; // control symbols are not in SentencePiece's trie
      if (!this.#pieces.has(piece)) this.#pieces.set(piece, id);
      this.#maxChars = Math.max(this.#maxChars, [...piece].length);
      min = Math.min(min, this.#scores[id]);
    });
    this.#unkId = model.unk_id ?? 0;
    this.#unkScore = Math.fround(min - UNK_PENALTY);
  }

  /**
   * SentencePiece's normalisation of `text` (spaces as `▁`, a `▁` in front).
   *
   * @example
   * ```ts ignore
   * spm.normalize("  Hello  world ") // "▁Hello▁world"
   * ```
   */
  normalize(text: string): string {
    const input = encoder.encode(text);
    const out: number[] = [];
    const space = [0xe2, 0x96, 0x81];
    let i = 0;
    const prefix = (at: number): { bytes: Uint8Array; length: number } => {
      const hit = this.#map?.longest(input, at);
      if (hit) return { bytes: this.#map!.replacement(hit.value), length: hit.length };
      const n = Math.min(charLen(input[at]), input.length - at);
      return { bytes: input.subarray(at, at + n), length: n };
    };
    const isSpace = (b: Uint8Array) => b.length === 1 && b[0] === 0x20;
    while (i < input.length) {
      const p = prefix(i);
      if (!isSpace(p.bytes)) break;
      i += p.length;
    }
    if (i >= input.length) return "";
    out.push(...space);
    let prevSpace = true;
    while (i < input.length) {
      const p = prefix(i);
      let s = 0;
      while (prevSpace && s < p.bytes.length && p.bytes[s] === 0x20) s++;
      if (s < p.bytes.length) {
        for (let k = s; k < p.bytes.length; k++) {
          if (p.bytes[k] === 0x20) out.push(...space);
          else out.push(p.bytes[k]);
        }
        prevSpace = p.bytes[p.bytes.length - 1] === 0x20;
      }
      i += p.length;
    }
    while (
      out.length >= 3 && out[out.length - 3] === 0xe2 && out[out.length - 2] === 0x96 &&
      out[out.length - 1] === 0x81
    ) out.length -= 3;
    return decoder.decode(Uint8Array.from(out));
  }

  /**
   * Token ids of `text` (no special tokens), as SentencePiece's `encode`.
   *
   * @example
   * ```ts ignore
   * spm.encode("Hello world") // e.g. [35378, 8999]
   * ```
   */
  encode(text: string): number[] {
    const chars = [...this.normalize(text)];
    const n = chars.length;
    const score = new Float32Array(n + 1);
    const from = new Int32Array(n + 1).fill(-1);
    const id = new Int32Array(n + 1);
    for (let start = 0; start < n; start++) {
      if (start > 0 && from[start] === -1) continue; // unreachable (cannot happen: unk covers)
      const base = score[start];
      let single = false;
      let piece = "";
      for (let end = start + 1; end <= Math.min(n, start + this.#maxChars); end++) {
        piece += chars[end - 1];
        const pid = this.#pieces.get(piece);
        if (pid === undefined) continue;
        const cand = Math.fround(this.#scores[pid] + base);
        if (from[end] === -1 || cand > score[end]) {
          score[end] = cand;
          from[end] = start;
          id[end] = pid;
        }
        if (end === start + 1) single = true;
      }
      if (!single) {
        const cand = Math.fround(this.#unkScore + base);
        if (from[start + 1] === -1 || cand > score[start + 1]) {
          score[start + 1] = cand;
          from[start + 1] = start;
          id[start + 1] = this.#unkId;
        }
      }
    }
    const ids: number[] = [];
    for (let end = n; end > 0; end = from[end]) ids.push(id[end]);
    ids.reverse();
    // Consecutive unknown pieces become one.
    return ids.filter((t, k) => !(t === this.#unkId && k > 0 && ids[k - 1] === this.#unkId));
  }
}

function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The base64 `precompiled_charsmap` of a normaliser (or one inside a Sequence). */
function precompiledCharsmap(normalizer: unknown): string | undefined {
  const n = normalizer as { type?: string; precompiled_charsmap?: string; normalizers?: unknown[] };
  if (!n) return undefined;
  if (n.type === "Precompiled") return n.precompiled_charsmap ?? "";
  if (n.type === "Sequence") {
    for (const m of n.normalizers ?? []) {
      const c = precompiledCharsmap(m);
      if (c !== undefined) return c;
    }
  }
  return undefined;
}

/**
 * Whether a `tokenizer.json` is a SentencePiece Unigram conversion (a
 * `Precompiled` normaliser and a `Unigram` model), which
 * {@linkcode SentencePieceUnigram} tokenizes exactly.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSentencePieceUnigram } from "./sentencepiece.ts";
 * assert(!isSentencePieceUnigram({ model: { type: "WordPiece" } }));
 * ```
 */
export function isSentencePieceUnigram(tokenizer: Record<string, unknown>): boolean {
  return (tokenizer.model as { type?: string })?.type === "Unigram" &&
    precompiledCharsmap(tokenizer.normalizer) !== undefined;
}
