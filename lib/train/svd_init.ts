/**
 * A cross-lingual initialisation of a static encoder from parallel text
 * alone: each token's vector is its row of a truncated SVD of the positive
 * PMI between tokens and *sentence ids*, where a sentence id names one
 * sentence together with all its translations (Levy, Søgaard & Goldberg
 * 2017, "A Strong Baseline for Learning Cross-Lingual Word Embeddings from
 * Sentence Alignments"). A word and its translation occur in the same ids, so
 * they get similar rows, in every language at once.
 *
 *   M[t, s] = 1 when token t occurs in any text of group s,
 *   P = PPMI(M) with context smoothing α = 0.75,
 *   P ≈ U Σ Vᵀ (rank k),   vector(t) = U[t] · Σ^e   (e = eigenPower, 0.5 by default).
 *
 * The rows are then rescaled to the same `idf^p` norms as the random
 * lexical init (`idf_init.ts`), so frequent tokens weigh little under mean
 * pooling. {@linkcode concatInit} puts such a semantic block beside a random
 * lexical block: `E = [√(1−w) · lexical ; √w · semantic]`, exact-match signal
 * in one part and cross-lingual signal in the other.
 *
 * @module
 */

import { loadFlores } from "../data/flores.ts";
import { XQUAD_R_LANGS } from "../data/languages.ts";
import { loadNtrex } from "../data/ntrex.ts";
import type { TextTokenizer } from "../data/tokenizer.ts";
import {
  capPairsBySource,
  evaluationTexts,
  loadTranslationPairs,
  type PairSource,
} from "../data/translation_pairs.ts";
import { randomizedSvd } from "../linalg/randomized_svd.ts";
import { csrFromRows, ppmiInPlace } from "../linalg/sparse.ts";

/** Options of {@linkcode svdTokenVectors}. */
export interface SvdInitOptions {
  /** Rank k of the SVD (the width of the vectors). Default 256. */
  rank?: number;
  /** Power e of Σ in `U Σ^e`. Default 0.5 (Levy et al.'s symmetric weighting). */
  eigenPower?: number;
  /** A token enters the matrix when it occurs in at least this many groups. Default 2. */
  minGroups?: number;
  /** Context-distribution smoothing α of the PPMI. Default 0.75. */
  smoothing?: number;
  /** Power iterations of the randomized SVD. Default 2. */
  power?: number;
  /** Seed of the SVD's random sketch. Default 1. */
  seed?: number;
}

/** The token vectors and what went into them. */
export interface SvdTokenVectors {
  /** `vocabSize × rank`, row-major; zero rows for tokens outside the matrix. */
  vectors: Float32Array;
  rank: number;
  /** Tokens with a vector. */
  tokens: number;
  /** Groups (sentence ids). */
  groups: number;
  /** Non-zeros of the token × group matrix. */
  nonZeros: number;
  /** The top singular values, descending. */
  singularValues: number[];
}

/**
 * Token vectors from groups of parallel texts (each group: one sentence and
 * its translations, or a lexicon entry and its translations).
 *
 * @param tokenizer Tokenizes every text (no special tokens).
 * @param groups Parallel text groups.
 * @param options Rank, weighting, seed.
 * @returns The vectors, `tokenizer.vocabSize × rank`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyTokenizer } from "../model/_testing.ts";
 * import { svdTokenVectors } from "./svd_init.ts";
 * const tok = await tinyTokenizer();
 * const groups = [["the capital of france", "die hauptstadt von france"], ["who is the city", "wer war die city"]];
 * const v = svdTokenVectors(tok, groups, { rank: 2 });
 * assert.equal(v.rank, 2);
 * assert.equal(v.vectors.length, tok.vocabSize * 2);
 * ```
 */
export function svdTokenVectors(
  tokenizer: TextTokenizer,
  groups: readonly (readonly string[])[],
  options: SvdInitOptions = {},
): SvdTokenVectors {
  const rank = options.rank ?? 256;
  const minGroups = options.minGroups ?? 2;
  const vocab = tokenizer.vocabSize;
  const rows: (Map<number, number> | undefined)[] = new Array(vocab);
  groups.forEach((texts, g) => {
    for (const text of texts) {
      for (const id of tokenizer.encode(text, { addSpecialTokens: false })) {
        (rows[id] ??= new Map()).set(g, 1);
      }
    }
  });
  const used: number[] = [];
  for (let id = 0; id < vocab; id++) if ((rows[id]?.size ?? 0) >= minGroups) used.push(id);
  const vectors = new Float32Array(vocab * rank);
  if (used.length === 0) {
    return { vectors, rank, tokens: 0, groups: groups.length, nonZeros: 0, singularValues: [] };
  }
  const m = csrFromRows(used.length, groups.length, used.map((id) => rows[id]));
  rows.length = 0;
  ppmiInPlace(m, { alpha: options.smoothing ?? 0.75 });
  const k = Math.min(rank, used.length, groups.length);
  const { U, S } = randomizedSvd(m, k, { power: options.power ?? 2, seed: options.seed ?? 1 });
  const e = options.eigenPower ?? 0.5;
  const scale = Array.from(S, (s) => Math.pow(s, e));
  used.forEach((id, r) => {
    for (let j = 0; j < k; j++) vectors[id * rank + j] = U[r * k + j] * scale[j];
  });
  return {
    vectors,
    rank,
    tokens: used.length,
    groups: groups.length,
    nonZeros: m.ptr[m.rows],
    singularValues: Array.from(S.slice(0, 8)),
  };
}

/**
 * Writes `[√(1−w) · lexical ; √w · semantic]` row by row into `out`
 * (`rows × (dl + ds)`).
 *
 * @param lexical `rows × dl`.
 * @param semantic `rows × ds`.
 * @param weight w, the semantic block's share of each row's squared norm when both blocks have equal norms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { concatInit } from "./svd_init.ts";
 * const out = concatInit(new Float32Array([2, 2]), 1, new Float32Array([4, 4]), 1, 0.75);
 * assert.deepEqual(Array.from(out), [1, Math.fround(Math.sqrt(0.75) * 4), 1, Math.fround(Math.sqrt(0.75) * 4)]);
 * ```
 */
export function concatInit(
  lexical: Float32Array,
  dl: number,
  semantic: Float32Array,
  ds: number,
  weight: number,
  out: Float32Array = new Float32Array((lexical.length / dl) * (dl + ds)),
): Float32Array {
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`weight ${weight} is not in [0, 1]`);
  const rows = lexical.length / dl;
  if (semantic.length !== rows * ds) {
    throw new RangeError(`semantic holds ${semantic.length} values, expected ${rows} × ${ds}`);
  }
  const a = Math.sqrt(1 - weight), b = Math.sqrt(weight);
  const d = dl + ds;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dl; j++) out[r * d + j] = a * lexical[r * dl + j];
    for (let j = 0; j < ds; j++) out[r * d + dl + j] = b * semantic[r * ds + j];
  }
  return out;
}

/** Where the parallel groups of {@linkcode loadSvdGroups} come from. */
export interface SvdGroupOptions {
  /** Pair sources (`translation_pairs.ts`); `"ntrex"`/`"flores"` give multi-parallel groups. */
  sources: readonly PairSource[];
  /** Keep at most this many pairs per source and language pair (0 = all). */
  maxPairsPerSource: number;
  /** Languages (default: the 11 XQuAD-R languages). */
  languages?: readonly string[];
  /** The data directory. */
  dataDir?: string;
  /** Seed of the caps' sample (default 0). */
  seed?: number;
}

/**
 * The parallel groups of the SVD: every NTREX-128 / FLORES-200 sentence with
 * all its translations as one group (when those sources are named), and every
 * other source's translation pairs (capped per source and language pair) as
 * two-text groups. Pairs with a side in XQuAD-R or MLQA-R are dropped, as in
 * every use of the translation pairs.
 */
export async function loadSvdGroups(options: SvdGroupOptions): Promise<string[][]> {
  const languages = [...(options.languages ?? XQUAD_R_LANGS)];
  const { dataDir } = options;
  const banned = await evaluationTexts(dataDir);
  const groups: string[][] = [];
  const multi = [
    ...(options.sources.includes("ntrex") ? await loadNtrex({ dataDir, languages }) : []),
    ...(options.sources.includes("flores") ? await loadFlores({ dataDir, languages }) : []),
  ];
  for (const s of multi) {
    const texts = Object.values(s.text).filter((t) => !banned.has(t.trim()));
    if (texts.length >= 2) groups.push(texts);
  }
  const others = options.sources.filter((s) => s !== "ntrex" && s !== "flores");
  if (others.length > 0) {
    const pairs = await loadTranslationPairs({ dataDir, languages, sources: others });
    const kept = capPairsBySource(pairs, { cap: options.maxPairsPerSource }, options.seed ?? 0);
    for (const p of kept) groups.push([p.src, p.tgt]);
  }
  return groups;
}
