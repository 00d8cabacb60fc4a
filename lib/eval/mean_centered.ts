/**
 * Post-hoc per-language mean-centering of embeddings (Libovický et al. 2020,
 * "On the language neutrality of pre-trained multilingual representations"):
 * from each embedding subtract the mean embedding of its language (per role:
 * queries and passages separately, as their prefixes differ), then
 * L2-normalise again. It removes the component every text of a language
 * shares — what makes a model rank its own language first — without any
 * training: the cheap alternative to hybrid batches a reviewer asks for.
 *
 * The language of a text is its id's prefix (`"{lang}:…"`, as every query and
 * candidate id of `lib/data/` has); means are taken over the texts being
 * scored (a language's queries; the pool's candidates of each language).
 *
 * @module
 */

import type { Encoder } from "../model/encoder.ts";
import type { ScoreKernel } from "../retrieval/score_kernel.ts";
import { InputError } from "../util/errors.ts";
import { DenseScorer, type DenseScorerOptions, type EmbeddingPostprocess } from "./scorers.ts";

/** The language of a `"{lang}:…"` id. */
function languageOf(id: string): string {
  const i = id.indexOf(":");
  if (i <= 0) {
    throw new InputError(`Cannot mean-center by language: id "${id}" has no "{lang}:" prefix`);
  }
  return id.slice(0, i);
}

/**
 * An embedding postprocess that centres each language's rows on their mean
 * and re-normalises them (a row equal to its language's mean stays zero).
 *
 * @param dim Embedding width.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanCenterByLanguage } from "./mean_centered.ts";
 * // two languages, each offset along its own axis: after centring, translations coincide
 * const v = Float32Array.of(1, 1, 0, -1, 1, 0, 1, 0, 1, -1, 0, 1);
 * const out = meanCenterByLanguage(3)(v, ["en:a", "en:b", "de:a", "de:b"], "passage");
 * assert.deepEqual([...out.subarray(0, 3)], [...out.subarray(6, 9)]);
 * assert.deepEqual([...out.subarray(0, 3)], [1, 0, 0]);
 * ```
 */
export function meanCenterByLanguage(dim: number): EmbeddingPostprocess {
  return (vectors, ids) => {
    if (vectors.length !== ids.length * dim) {
      throw new RangeError(`${vectors.length} values for ${ids.length} rows of width ${dim}`);
    }
    const rows = new Map<string, number[]>();
    ids.forEach((id, i) => {
      const l = languageOf(id);
      let r = rows.get(l);
      if (!r) rows.set(l, r = []);
      r.push(i);
    });
    const out = new Float32Array(vectors.length);
    const mean = new Float64Array(dim);
    for (const idx of rows.values()) {
      mean.fill(0);
      for (const i of idx) for (let k = 0; k < dim; k++) mean[k] += vectors[i * dim + k];
      for (let k = 0; k < dim; k++) mean[k] /= idx.length;
      for (const i of idx) {
        let norm = 0;
        for (let k = 0; k < dim; k++) {
          const x = vectors[i * dim + k] - mean[k];
          out[i * dim + k] = x;
          norm += x * x;
        }
        if (norm > 0) {
          const s = 1 / Math.sqrt(norm);
          for (let k = 0; k < dim; k++) out[i * dim + k] *= s;
        }
      }
    }
    return out;
  };
}

/**
 * A dense scorer whose embeddings are mean-centred per language.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanCenteredScorer } from "./mean_centered.ts";
 * import { jsKernel } from "../retrieval/js_kernel.ts";
 * import type { Encoder } from "../model/encoder.ts";
 * const encoder = { dim: 3 } as Encoder; // any encoder: only its width is read here
 * const scorer = meanCenteredScorer("X-X + mean-centering", encoder, jsKernel);
 * assert(scorer.collectionIndependent && scorer.name === "X-X + mean-centering");
 * ```
 */
export function meanCenteredScorer(
  name: string,
  encoder: Encoder,
  kernel: ScoreKernel,
  options: Omit<DenseScorerOptions, "postprocess"> = {},
): DenseScorer {
  return new DenseScorer(name, encoder, kernel, {
    ...options,
    postprocess: meanCenterByLanguage(encoder.dim),
  });
}
