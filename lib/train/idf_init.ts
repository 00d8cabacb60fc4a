/**
 * Data-driven initialisation of a static encoder: each token's embedding is a
 * random direction scaled by a power of its inverse document frequency,
 *
 *   E_t = u_t · idf(t)^p,   u_t = random unit vector,
 *   idf(t) = ln(1 + (N − df_t + 0.5) / (df_t + 0.5))   (BM25's idf),
 *
 * so that before any training the mean-pooled, L2-normalised embedding
 * behaves like a TF-IDF vector under a random projection: the inner product of
 * two texts weights each shared token by `idf^(2p)`, and frequent tokens
 * (punctuation, function words, the `Query: ` / `Passage: ` prefixes, `[CLS]`)
 * weigh little. Document frequencies come from unlabelled text — every
 * sentence of NTREX-128, FLORES-200 and the Tatoeba test sets, each counted as
 * a separate document in both its query and passage form — so no
 * cross-lingual signal enters: a token and its translation get independent
 * random directions. Training then moves the rows from there.
 *
 * @module
 */

import { loadFlores } from "../data/flores.ts";
import { XQUAD_R_LANGS } from "../data/languages.ts";
import { loadNtrex } from "../data/ntrex.ts";
import { loadTatoeba } from "../data/tatoeba.ts";
import type { TextTokenizer } from "../data/tokenizer.ts";
import { PASSAGE_PREFIX, QUERY_PREFIX } from "../model/encoder.ts";

/** Document frequencies of every token id, and the number of documents. */
export interface DocumentFrequencies {
  df: Float64Array;
  n: number;
}

/**
 * Document frequencies over `texts` as the encoder sees them: each text once
 * with the query prefix and once with the passage prefix (special tokens
 * included), so `n = 2 · texts.length`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { documentFrequencies } from "./idf_init.ts";
 * import { tinyTokenizer } from "../data/_testing.ts";
 * const tokenizer = await tinyTokenizer();
 * const { df, n } = documentFrequencies(tokenizer, ["the cat", "the dog"]);
 * const [the, cat] = tokenizer.encode("the cat", { addSpecialTokens: false });
 * assert.deepEqual([n, df[the], df[cat]], [4, 4, 2]); // each text as a query and as a passage
 * ```
 */
export function documentFrequencies(
  tokenizer: TextTokenizer,
  texts: readonly string[],
): DocumentFrequencies {
  const content = new Float64Array(tokenizer.vocabSize);
  const seen = new Int32Array(tokenizer.vocabSize).fill(-1);
  texts.forEach((text, i) => {
    for (const id of tokenizer.encode(text, { addSpecialTokens: false })) {
      if (seen[id] !== i) {
        seen[id] = i;
        content[id]++;
      }
    }
  });
  // A token of a prefix form (its prefix and special tokens) is in every text of that form.
  const n = texts.length;
  const df = new Float64Array(tokenizer.vocabSize);
  for (const prefix of [QUERY_PREFIX, PASSAGE_PREFIX]) {
    const form = new Set(tokenizer.encode(prefix));
    for (let t = 0; t < df.length; t++) df[t] += form.has(t) ? n : content[t];
  }
  return { df, n: 2 * n };
}

/**
 * Per-token scales `idf(t)^power`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { idfScales } from "./idf_init.ts";
 * const s = idfScales({ df: new Float64Array([0, 10]), n: 10 }, 2);
 * assert(s[0] > s[1] && s[1] < 0.01);
 * ```
 */
export function idfScales({ df, n }: DocumentFrequencies, power: number): Float32Array {
  const out = new Float32Array(df.length);
  for (let t = 0; t < df.length; t++) {
    out[t] = Math.pow(Math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)), power);
  }
  return out;
}

/**
 * Rescales each row of a row-major `rows × dim` matrix in place to unit norm
 * times `scales[row]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scaleRows } from "./idf_init.ts";
 * const m = new Float32Array([3, 4, 0, 2]);
 * scaleRows(m, 2, new Float32Array([1, 5]));
 * assert(m.join() === "0.6000000238418579,0.800000011920929,0,5");
 * ```
 */
export function scaleRows(matrix: Float32Array, dim: number, scales: Float32Array): void {
  const rows = matrix.length / dim;
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    for (let k = 0; k < dim; k++) sq += matrix[r * dim + k] ** 2;
    const f = sq > 0 ? scales[r] / Math.sqrt(sq) : 0;
    for (let k = 0; k < dim; k++) matrix[r * dim + k] *= f;
  }
}

/**
 * The unlabelled sentences of the IDF statistics: every sentence of NTREX-128
 * and FLORES-200 in the 11 XQuAD-R languages and of the Tatoeba test sets
 * (both sides), each a document.
 */
export async function idfCorpus(dataDir?: string): Promise<string[]> {
  const langs = [...XQUAD_R_LANGS];
  const texts: string[] = [];
  for (const s of await loadNtrex({ dataDir, languages: langs })) {
    texts.push(...Object.values(s.text));
  }
  for (const s of await loadFlores({ dataDir, languages: langs })) {
    texts.push(...Object.values(s.text));
  }
  const tatoebaLangs = langs.filter((l) => l !== "en");
  for (const p of await loadTatoeba({ dataDir, languages: tatoebaLangs })) texts.push(p.src, p.tgt);
  return texts;
}

const memo = new Map<string, Promise<DocumentFrequencies>>();

/** {@linkcode documentFrequencies} over {@linkcode idfCorpus}, computed once per process. */
export function corpusDocumentFrequencies(
  tokenizer: TextTokenizer,
  dataDir?: string,
): Promise<DocumentFrequencies> {
  const key = `${tokenizer.source}\u0000${dataDir ?? ""}`;
  let p = memo.get(key);
  if (!p) {
    p = idfCorpus(dataDir).then((texts) => documentFrequencies(tokenizer, texts));
    memo.set(key, p);
  }
  return p;
}
