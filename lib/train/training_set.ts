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
 * held out by a seeded hash order.
 *
 * @module
 */

import { loadIctExamples, splitByGroup } from "../data/ict.ts";
import { loadMlqaR } from "../data/mlqa_r.ts";
import { buildQaPairs } from "../data/qa_pairs.ts";
import { loadTranslationPairs, type PairSource } from "../data/translation_pairs.ts";
import type { ParallelExample, TranslationPair } from "../data/types.ts";
import { loadXquadR } from "../data/xquad_r.ts";
import { InputError } from "../util/errors.ts";
import { sha256Hex } from "../util/hash.ts";
import type { DataConfig } from "./config.ts";
import type { TrainingSet } from "./trainer.ts";

/** 32-bit FNV-1a of a string, mixed with a seed: a cheap, stable sample order. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Keeps at most `limit` items per key, the ones with the smallest seeded hash (input order kept). */
function capPerKey<T>(
  items: readonly T[],
  key: (t: T) => string,
  id: (t: T) => string,
  limit: number,
  seed: number,
): T[] {
  if (limit <= 0) return [...items];
  const byKey = new Map<string, number[]>();
  items.forEach((t, i) => {
    const k = key(t);
    let list = byKey.get(k);
    if (!list) byKey.set(k, list = []);
    list.push(i);
  });
  const keep = new Uint8Array(items.length);
  for (const list of byKey.values()) {
    if (list.length <= limit) {
      for (const i of list) keep[i] = 1;
      continue;
    }
    const ranked = list.map((i) => [hash32(id(items[i]), seed), i] as const).sort((a, b) =>
      a[0] - b[0] || a[1] - b[1]
    );
    for (let r = 0; r < limit; r++) keep[ranked[r][1]] = 1;
  }
  return items.filter((_, i) => keep[i]);
}

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
      if (c !== "ntrex" && c !== "flores") {
        throw new InputError(`data.corpora: unknown corpus "${c}", expected ntrex or flores`);
      }
      return c;
    });
    examples = await loadIctExamples({
      dataDir,
      corpora,
      languages: data.languages,
      window: data.window,
    });
    description.corpora = corpora;
    description.window = data.window;
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
  } else {
    const exclude = (["tatoeba", "ntrex", "flores", "freedict"] as PairSource[]).filter((s) =>
      !data.sources.includes(s)
    );
    const pairs = await loadTranslationPairs({ dataDir, languages: data.languages, exclude });
    const capped = capPerKey(
      pairs,
      (p) => `${p.source}\u0000${p.srcLang}\u0000${p.tgtLang}`,
      (p) => `${p.src}\u0000${p.tgt}`,
      data.maxPairsPerSource,
      seed,
    );
    examples = capped.map(pairExample);
    description.sources = data.sources;
    description.pairs_loaded = pairs.length;
    description.pairs_kept = capped.length;
    description.max_pairs_per_source = data.maxPairsPerSource;
  }
  if (examples.length === 0) {
    throw new InputError(`data: the ${data.protocol} protocol gave no examples`);
  }
  const { train, valid } = data.validFraction > 0
    ? splitByGroup(examples, { validFraction: data.validFraction, seed })
    : { train: examples, valid: [] };
  const kept = data.maxExamples > 0
    ? capPerKey(train, () => "", (e) => e.id, data.maxExamples, seed)
    : train;
  description.examples_sha256 = sha256Hex(kept.map((e) => e.id).join("\n"));
  return { train: kept, valid, languages: languagesOf(kept, data.languages), description };
}
