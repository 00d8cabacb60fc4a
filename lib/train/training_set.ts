/**
 * The training examples of each protocol, built from the data directory:
 *
 * - `"ict"` (P1): Inverse Cloze Task over NTREX-128 + FLORES-200 documents in
 *   the training languages (query: a sentence; passage: its neighbours), every
 *   example in every language;
 * - `"qa"` (P2): question → answer sentence pairs of MLQA-R (for models
 *   evaluated on XQuAD-R) or XQuAD-R (for models evaluated on MLQA-R);
 * - `"translation"`: translation pairs (Tatoeba, NTREX-128/FLORES-200 sentence
 *   pairs, FreeDict lexicons), the aligned base's LaBSE-style pre-training:
 *   each pair is an example in two languages whose "query" and "passage" are
 *   the same text, so an X-Y batch (α = 0) is a translation-ranking batch.
 *
 * Validation examples are whole groups (documents, answers, English sides)
 * held out by a seeded hash order. With `data.hardNegatives: "bm25"` every
 * example gets a BM25-mined negative per language (`hard_negatives.ts`),
 * mined over the whole loaded set before the split and caps, so training and
 * validation batches are triplets alike.
 *
 * @module
 */

import { capPerKey, repeatByWeight } from "../data/cap.ts";
import { ICT_CORPORA, type IctCorpus, loadIctExamples, splitByGroup } from "../data/ict.ts";
import { loadMlqaR } from "../data/mlqa_r.ts";
import { loadMbertTokenizer } from "../data/tokenizer.ts";
import { buildQaPairs } from "../data/qa_pairs.ts";
import {
  capPairsBySource,
  loadTranslationPairs,
  PAIR_SOURCES,
  type PairSource,
  sourceFamily,
} from "../data/translation_pairs.ts";
import type { ParallelExample, TranslationPair } from "../data/types.ts";
import { loadXquadR } from "../data/xquad_r.ts";
import { InputError } from "../util/errors.ts";
import { sha256Hex } from "../util/hash.ts";
import type { DataConfig } from "./config.ts";
import { ictHardNegatives, qaHardNegatives } from "./hard_negatives.ts";
import type { TrainingSet } from "./trainer.ts";

/** A translation pair as a two-language example; its group is its English (or source) side, lower-cased. */
function pairExample(p: TranslationPair, i: number): ParallelExample {
  const en = p.srcLang === "en" ? p.src : p.tgtLang === "en" ? p.tgt : p.src;
  return {
    id: `${p.source}:${i}`,
    group: en.trim().toLowerCase(),
    texts: {
      [p.srcLang]: { query: p.src, passage: p.src },
      [p.tgtLang]: { query: p.tgt, passage: p.tgt },
    },
  };
}

function languagesOf(examples: readonly ParallelExample[], wanted: readonly string[]): string[] {
  const present = new Set<string>();
  for (const e of examples) for (const l of Object.keys(e.texts)) present.add(l);
  return wanted.filter((l) => present.has(l)).sort();
}

/**
 * Builds the training and validation examples a config asks for.
 *
 * @param data The config's `data` section.
 * @param seed The run's seed (validation split, samples).
 * @param dataDir The data directory (default: `XLIR_DATA` or `data/`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildTrainingSet } from "./training_set.ts";
 * import { DEFAULTS } from "./config.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * const data = { ...DEFAULTS.data, languages: ["de", "en"], validFraction: 0.3 };
 * const set = await buildTrainingSet(data, 1, await writeTinyDataDir());
 * assert.deepEqual(set.languages, ["de", "en"]);
 * assert(set.train.length > 0 && set.valid.length > 0);
 * ```
 */
export async function buildTrainingSet(
  data: DataConfig,
  seed: number,
  dataDir?: string,
): Promise<TrainingSet> {
  let examples: ParallelExample[];
  const description: Record<string, unknown> = { protocol: data.protocol };
  if (data.protocol === "ict") {
    const corpora = data.corpora.map((c) => {
      if (!(ICT_CORPORA as readonly string[]).includes(c)) {
        throw new InputError(
          `data.corpora: unknown corpus "${c}", expected one of ${ICT_CORPORA.join(" ")}`,
        );
      }
      return c as IctCorpus;
    });
    let loaded = await loadIctExamples({
      dataDir,
      corpora,
      languages: data.languages,
      window: data.window,
    });
    if (data.hardNegatives === "bm25") {
      const mined = ictHardNegatives(loaded, await loadMbertTokenizer(dataDir));
      loaded = mined.examples;
      description.hard_negatives = mined.stats;
    }
    examples = capPerKey(
      loaded,
      (e) => sourceFamily(e.id),
      (e) => e.id,
      (family) => data.sourceCaps[family] ?? 0,
      seed,
    );
    description.corpora = corpora;
    description.window = data.window;
    if (Object.keys(data.sourceCaps).length > 0) {
      description.examples_loaded = loaded.length;
      description.source_caps = data.sourceCaps;
    }
  } else if (data.protocol === "qa") {
    const ds = data.dataset === "mlqa-r"
      ? await loadMlqaR({ dataDir })
      : await loadXquadR({ dataDir });
    const languages = data.languages.filter((l) => ds.languages.includes(l));
    if (languages.length < 2) {
      throw new InputError(
        `data.languages (${
          data.languages.join(",")
        }) share fewer than 2 languages with ${ds.name} (${ds.languages.join(",")})`,
      );
    }
    examples = buildQaPairs(ds, { languages });
    description.dataset = ds.name;
    if (data.hardNegatives === "bm25") {
      const mined = qaHardNegatives(examples, ds, await loadMbertTokenizer(dataDir));
      examples = mined.examples;
      description.hard_negatives = mined.stats;
    }
  } else {
    if (data.hardNegatives !== "none") {
      throw new InputError(
        `data.hardNegatives is "${data.hardNegatives}", but protocol "translation" has no ` +
          `passages to mine from; use "none"`,
      );
    }
    for (const s of data.sources) {
      if (!(PAIR_SOURCES as readonly string[]).includes(s)) {
        throw new InputError(
          `data.sources: unknown source "${s}", expected one of ${PAIR_SOURCES.join(" ")}`,
        );
      }
    }
    const pairs = await loadTranslationPairs({
      dataDir,
      languages: data.languages,
      sources: data.sources as PairSource[],
      minLetters: data.minLetters,
    });
    const capped = capPairsBySource(
      pairs,
      { cap: data.maxPairsPerSource, caps: data.sourceCaps },
      seed,
    );
    examples = capped.map(pairExample);
    description.sources = data.sources;
    description.pairs_loaded = pairs.length;
    description.pairs_kept = capped.length;
    description.max_pairs_per_source = data.maxPairsPerSource;
    if (Object.keys(data.sourceCaps).length > 0) description.source_caps = data.sourceCaps;
  }
  if (examples.length === 0) {
    throw new InputError(`data: the ${data.protocol} protocol gave no examples`);
  }
  const { train, valid } = data.validFraction > 0
    ? splitByGroup(examples, { validFraction: data.validFraction, seed })
    : { train: examples, valid: [] };
  const weighted = Object.keys(data.sourceWeights).length === 0 ? train : repeatByWeight(
    train,
    (e) => data.sourceWeights[sourceFamily(e.id)] ?? 1,
    (e) => e.id,
    seed,
    (e, k) => ({ ...e, id: `${e.id}#r${k}` }),
  );
  if (weighted !== train) description.source_weights = data.sourceWeights;
  const kept = data.maxExamples > 0
    ? capPerKey(weighted, () => "", (e) => e.id, data.maxExamples, seed)
    : weighted;
  description.examples_sha256 = sha256Hex(kept.map((e) => e.id).join("\n"));
  return { train: kept, valid, languages: languagesOf(kept, data.languages), description };
}
