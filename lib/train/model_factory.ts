/**
 * The model a training config asks for: a fresh static encoder (the CPU
 * default), a fresh transformer (tfjs; GPU through WebGPU), or a saved model
 * to continue from (`model.initFrom`: the aligned base, or a Hugging Face
 * BERT/XLM-R checkpoint), with the config's loss and optimizer settings.
 *
 * @module
 */

import { loadMbertTokenizer, loadTokenizer, type TextTokenizer } from "../data/tokenizer.ts";
import type { PairSource } from "../data/translation_pairs.ts";
import { backendInfo, ensureBackend } from "../model/backend.ts";
import type { TrainableEncoder } from "../model/encoder.ts";
import { readModelConfig } from "../model/hf_checkpoint.ts";
import { loadEncoder } from "../model/load_encoder.ts";
import { createStaticEncoder, loadStaticEncoder } from "../model/static_encoder.ts";
import { createTransformer } from "../model/transformer.ts";
import type { TrainConfig } from "./config.ts";
import { corpusDocumentFrequencies, idfScales, scaleRows } from "./idf_init.ts";
import { concatInit, loadSvdGroups, type SvdTokenVectors, svdTokenVectors } from "./svd_init.ts";

/** The static encoder computes with its own WebAssembly SIMD kernels. */
const STATIC_BACKEND = "xlir-wasm-simd";

/** Each row's L2 norm over √dim (1 for an N(0, 1) row): the row-relative learning-rate factors. */
export function rowNorms(matrix: Float32Array, dim: number): Float32Array {
  const rows = matrix.length / dim;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    for (let k = 0; k < dim; k++) sq += matrix[r * dim + k] ** 2;
    out[r] = Math.sqrt(sq / dim);
  }
  return out;
}

const svdMemo = new Map<string, Promise<SvdTokenVectors>>();

/**
 * The SVD block of a config's `init: "svd"` (computed once per process for
 * equal settings; `lib/pipeline/runs.ts`'s `svdCached` keeps it on disk so
 * that processes share it).
 */
export function svdVectors(
  tokenizer: TextTokenizer,
  m: TrainConfig["model"],
  dataDir?: string,
): Promise<SvdTokenVectors> {
  const key = JSON.stringify([
    tokenizer.source,
    dataDir ?? "",
    m.svdRank,
    m.svdEigenPower,
    m.svdSources,
    m.svdMaxPairsPerSource,
  ]);
  let v = svdMemo.get(key);
  if (!v) {
    v = loadSvdGroups({
      sources: m.svdSources as PairSource[],
      maxPairsPerSource: m.svdMaxPairsPerSource,
      dataDir,
    }).then((groups) =>
      svdTokenVectors(tokenizer, groups, { rank: m.svdRank, eigenPower: m.svdEigenPower })
    );
    svdMemo.set(key, v);
    v.catch(() => svdMemo.delete(key));
  }
  return v;
}

/**
 * `init: "svd"`: overwrites the random rows `E` (`V × dim`) with
 * `[√(1−w) · lexical ; √w · semantic]`: the first `dim − svdRank` random
 * columns scaled to `idf^p` norms, and the SVD rows scaled to the same norms.
 */
async function svdInitInto(
  embeddings: Float32Array,
  tokenizer: TextTokenizer,
  m: TrainConfig["model"],
  dataDir?: string,
  given?: SvdTokenVectors,
): Promise<void> {
  const rows = embeddings.length / m.dim;
  const lexDim = m.dim - m.svdRank;
  const scales = idfScales(await corpusDocumentFrequencies(tokenizer, dataDir), m.idfPower);
  const lexical = new Float32Array(rows * lexDim);
  for (let r = 0; r < rows; r++) {
    lexical.set(embeddings.subarray(r * m.dim, r * m.dim + lexDim), r * lexDim);
  }
  scaleRows(lexical, lexDim, scales);
  const svd = given ?? await svdVectors(tokenizer, m, dataDir);
  if (svd.rank !== m.svdRank || svd.vectors.length !== rows * m.svdRank) {
    throw new RangeError(
      `the given SVD block is ${svd.vectors.length / svd.rank} × ${svd.rank}; ` +
        `model.svdRank ${m.svdRank} over a vocabulary of ${rows} needs ${rows} × ${m.svdRank}`,
    );
  }
  const semantic = svd.vectors.slice();
  scaleRows(semantic, m.svdRank, scales);
  concatInit(lexical, lexDim, semantic, m.svdRank, m.svdWeight, embeddings);
}

/** Options of {@linkcode buildModel}. */
export interface BuildModelOptions {
  /**
   * The SVD block of an `init: "svd"` static model, computed before (e.g.
   * loaded from the cache); computed here when absent.
   */
  svd?: SvdTokenVectors;
}

/** A model ready to train, and the backend it computes on (for run.json). */
export interface BuiltModel {
  model: TrainableEncoder;
  /** `"xlir-wasm-simd"` (the static encoder's own kernels) or `"tfjs-<backend>"`. */
  backend: string;
}

/**
 * Builds (or loads) the model of a config.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildModel } from "./model_factory.ts";
 * import { resolveConfig } from "./config.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * const config = resolveConfig({ model: { architecture: "static", dim: 8, init: "normal" } });
 * const { model, backend } = await buildModel(config, await writeTinyDataDir());
 * assert.equal(backend, "xlir-wasm-simd");
 * assert.equal(model.dim, 8);
 * model.dispose();
 * ```
 */
export async function buildModel(
  config: TrainConfig,
  dataDir?: string,
  options: BuildModelOptions = {},
): Promise<BuiltModel> {
  const m = config.model;
  const loss = { temperature: config.optim.temperature, symmetricWeight: config.optim.symmetric };
  const optimizer = { weightDecay: config.optim.weightDecay };
  if (m.initFrom) {
    const saved = await readModelConfig(m.initFrom);
    if (saved.model_type === "xlir-static") {
      const model = await loadStaticEncoder(m.initFrom, {
        loss,
        optimizer,
        maxLength: m.maxLength,
      });
      if (config.optim.rowRelativeLr) {
        model.setRowLearningRateScale(rowNorms(model.embeddings, model.hiddenSize));
      }
      return { model, backend: STATIC_BACKEND };
    }
    const model = await loadEncoder(m.initFrom, {
      ...loss,
      ...optimizer,
      seed: config.seed,
      maxLength: m.maxLength,
      prompts: m.prompts ?? undefined,
    });
    return { model, backend: `tfjs-${backendInfo()?.name ?? "?"}` };
  }
  const tokenizer = m.tokenizer
    ? await loadTokenizer(m.tokenizer)
    : await loadMbertTokenizer(dataDir);
  if (m.architecture === "static") {
    const model = createStaticEncoder({
      tokenizer,
      dim: m.dim,
      projection: m.projection,
      maxLength: m.maxLength,
      seed: config.seed,
      loss,
      optimizer,
    });
    if (m.init === "idf") {
      const df = await corpusDocumentFrequencies(tokenizer, dataDir);
      scaleRows(model.embeddings, m.dim, idfScales(df, m.idfPower));
    } else if (m.init === "svd") {
      await svdInitInto(model.embeddings, tokenizer, m, dataDir, options.svd);
    }
    if (config.optim.rowRelativeLr) {
      model.setRowLearningRateScale(rowNorms(model.embeddings, m.dim));
    }
    return { model, backend: STATIC_BACKEND };
  }
  const info = await ensureBackend();
  const model = await createTransformer(
    {
      hiddenSize: m.dim,
      numLayers: m.layers,
      numHeads: m.heads,
      intermediateSize: m.intermediate,
      maxPositions: Math.max(m.maxLength, 64),
    },
    tokenizer,
    { ...loss, ...optimizer, seed: config.seed, maxLength: m.maxLength },
    { prompts: m.prompts ?? undefined },
  );
  return { model, backend: `tfjs-${info.name}` };
}
