/**
 * Training configuration: one JSON file per run (`configs/*.json`), validated
 * field by field, with defaults filled in. Every key is documented here; the
 * resolved config (defaults included) is recorded in `run.json` and is what
 * cache keys hash.
 *
 * @module
 */

import { PAIR_SOURCES } from "../data/translation_pairs.ts";
import { InputError } from "../util/errors.ts";

/** The encoder to train. */
export interface ModelConfig {
  /** `"static"` (token embeddings → mean pooling → L2 norm; the CPU default) or `"transformer"`. */
  architecture: "static" | "transformer";
  /** Output width (static: embedding width; transformer: hidden size). */
  dim: number;
  /** Static only: optional projection width after pooling (0 = none). */
  projection: number;
  /** Maximum tokens per text, special tokens and prefix included. */
  maxLength: number;
  /** Transformer only: layers, attention heads, FFN width. */
  layers: number;
  heads: number;
  intermediate: number;
  /**
   * Start from a saved model (a directory in Hugging Face layout: an xlir
   * static model, or a BERT/XLM-R checkpoint) instead of a random init. This is
   * how a fine-tuning run starts from the aligned base model.
   */
  initFrom: string | null;
  /** Tokenizer directory; `null` = the mBERT vocabulary in the data directory (or `initFrom`'s). */
  tokenizer: string | null;
  /**
   * Transformers only: the query and passage prompts to train (and save) with.
   * `null`: the model's own (`initFrom`'s `config_sentence_transformers.json`;
   * none for an off-the-shelf checkpoint without them; `Query: ` / `Passage: `
   * for a fresh transformer, as the stand-ins).
   */
  prompts: { query: string; passage: string } | null;
  /**
   * Static only, fresh models: `"idf"` scales each random token vector by
   * `idf^idfPower` from unlabelled text (see `lib/train/idf_init.ts`);
   * `"normal"` keeps N(0, 1) rows (PyTorch's `nn.Embedding` default);
   * `"svd"`: a lexical block of `dim − svdRank` idf-scaled random columns beside a
   * cross-lingual block of `svdRank` columns from a truncated SVD of token ×
   * sentence-id PPMI over parallel text (`lib/train/svd_init.ts`).
   */
  init: "idf" | "normal" | "svd";
  /** Power p of the idf scale: before training, a shared token weighs idf^(2p) in the inner product. */
  idfPower: number;
  /** `init: "svd"`: width of the cross-lingual block (the SVD rank), 0 < svdRank < dim. */
  svdRank: number;
  /** `init: "svd"`: the cross-lingual block's share w of a row's squared norm, in [0, 1]. */
  svdWeight: number;
  /** `init: "svd"`: power e of the singular values in `U Σ^e`, in [0, 2]. */
  svdEigenPower: number;
  /** `init: "svd"`: the parallel text (`translation_pairs.ts` source families). */
  svdSources: string[];
  /** `init: "svd"`: at most this many pairs per source and language pair (0 = all). */
  svdMaxPairsPerSource: number;
}

/** Where the training pairs come from. */
export interface DataConfig {
  /**
   * `"ict"`: P1, Inverse Cloze Task over NTREX-128 + FLORES-200 documents;
   * `"qa"`: P2, question → answer-sentence pairs of a LAReQA dataset;
   * `"translation"`: translation pairs (the aligned base's pre-training).
   */
  protocol: "ict" | "qa" | "translation";
  /** Training languages (ISO 639-1). */
  languages: string[];
  /** `"qa"` only: the dataset the pairs come from (`"mlqa-r"` or `"xquad-r"`). */
  dataset: "mlqa-r" | "xquad-r" | null;
  /**
   * `"ict"` only: corpora (`"ntrex"`, `"flores"`, and `"libreoffice-help"`,
   * the LibreOffice help pages of Debian's `libreoffice-help-*` packages, read
   * in the languages they exist in: not ar or th).
   */
  corpora: string[];
  /** `"ict"` only: sentences on each side of the query sentence in its passage. */
  window: number;
  /**
   * `"translation"` only: sources (`"tatoeba"`, `"ntrex"`, `"flores"`,
   * `"freedict"`, and the software text of Debian packages: `"gettext"`,
   * `"libreoffice-ui"`, `"libreoffice-help"`; see `lib/data/translation_pairs.ts`).
   */
  sources: string[];
  /** Fraction of groups (documents, answers, pairs) held out for validation. */
  validFraction: number;
  /** Keep at most this many training examples (0 = all), a deterministic subset. */
  maxExamples: number;
  /**
   * `"translation"` only: keep at most this many pairs per source and
   * language pair (e.g. `freedict:eng-deu` en→de), a seeded sample (0 = all).
   * FreeDict's English–German lexicon alone has ~700k entries.
   */
  maxPairsPerSource: number;
  /**
   * Per source family (a `sources` or `corpora` name), a cap that replaces
   * `maxPairsPerSource` for it: `"translation"`, most pairs per source and
   * language pair; `"ict"`, most examples of that corpus (a seeded sample).
   * 0 = no cap. E.g. `{ "gettext": 5000, "libreoffice-help": 5000 }`.
   */
  sourceCaps: Record<string, number>;
  /**
   * Per source family, how often its training examples are seen per epoch
   * relative to the others (default 1): each example of the training split
   * appears `floor(w)` times plus once more with probability `w − floor(w)`
   * (a seeded choice), so 0.5 keeps a seeded half, 2 doubles it, 0 leaves the
   * source out of training. Validation examples are not weighted.
   */
  sourceWeights: Record<string, number>;
  /**
   * Software text (`gettext`, `libreoffice-*`): the fewest letters an English
   * string may have (drops "OK", "No", bare placeholders).
   */
  minLetters: number;
}

/** The batches. */
export interface SamplingConfig {
  /** Probability of a monolingual (X-X) batch: 1 = X-X, 0 = X-Y, 0.5 = hybrid. */
  alpha: number;
  batchSize: number;
  /** Never two examples of one group in a batch. */
  uniqueGroups: boolean;
}

/** Loss and optimizer. */
export interface OptimConfig {
  /** Peak learning rate. */
  lr: number;
  weightDecay: number;
  /** Warm-up as a fraction of the total steps. */
  warmup: number;
  schedule: "linear" | "constant";
  /** InfoNCE temperature τ (scale 1/τ). */
  temperature: number;
  /** Weight of the symmetric passage→query term (0 = the paper's one direction). */
  symmetric: number;
  /**
   * Static encoder: scale each embedding row's AdamW step by its norm at the
   * start of training over √d (Adam on `E_t / c_t`), so that rows of every
   * norm — the idf-scaled rare tokens too — move at the same relative rate.
   */
  rowRelativeLr: boolean;
}

/** The loop. */
export interface LoopConfig {
  epochs: number;
  /** Stop after this many steps in all (0 = epochs decide). */
  maxSteps: number;
  /** Steps between validation evaluations (also checkpoints). */
  evalEvery: number;
  /** Early stopping: evaluations without improvement before stopping (0 = never stop early). */
  patience: number;
  /** Steps between log lines. */
  logEvery: number;
  /** Validation batches (fixed for the run). */
  valBatches: number;
}

/** A whole training run. */
export interface TrainConfig {
  /** A name for logs and tables. */
  name: string;
  /** Seeds the model init, the batches (with the epoch) and the splits. */
  seed: number;
  model: ModelConfig;
  data: DataConfig;
  sampling: SamplingConfig;
  optim: OptimConfig;
  train: LoopConfig;
}

/** The paper's 9 training languages (el and vi are held out as unseen). */
export const PAPER_TRAIN_LANGS = ["ar", "de", "en", "es", "hi", "ru", "th", "tr", "zh"];

/** Defaults for every field (a config file gives only what differs). */
export const DEFAULTS: TrainConfig = {
  name: "run",
  seed: 1,
  model: {
    architecture: "static",
    dim: 256,
    projection: 0,
    maxLength: 64,
    layers: 2,
    heads: 4,
    intermediate: 512,
    initFrom: null,
    tokenizer: null,
    prompts: null,
    init: "idf",
    idfPower: 2,
    svdRank: 128,
    svdWeight: 0.5,
    svdEigenPower: 0.5,
    svdSources: ["tatoeba", "ntrex", "flores", "freedict"],
    svdMaxPairsPerSource: 20000,
  },
  data: {
    protocol: "ict",
    languages: PAPER_TRAIN_LANGS,
    dataset: null,
    corpora: ["ntrex", "flores"],
    window: 2,
    sources: ["tatoeba", "ntrex", "flores", "freedict"],
    validFraction: 0.1,
    maxExamples: 0,
    maxPairsPerSource: 20000,
    sourceCaps: {},
    sourceWeights: {},
    minLetters: 3,
  },
  sampling: { alpha: 0.5, batchSize: 64, uniqueGroups: true },
  optim: {
    lr: 0.05,
    weightDecay: 0.01,
    warmup: 0.1,
    schedule: "linear",
    temperature: 0.05,
    symmetric: 0,
    rowRelativeLr: true,
  },
  train: { epochs: 10, maxSteps: 0, evalEvery: 50, patience: 5, logEvery: 10, valBatches: 20 },
};

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function mergeSection<T extends object>(defaults: T, given: unknown, where: string): T {
  if (given === undefined) return structuredClone(defaults);
  if (!isObject(given)) throw new InputError(`${where} must be an object`);
  const out = structuredClone(defaults) as Json;
  for (const [key, value] of Object.entries(given)) {
    if (!(key in out)) {
      throw new InputError(
        `${where}.${key} is not a known setting; expected one of ${Object.keys(out).join(", ")}`,
      );
    }
    const d = out[key];
    const ok = d === null || value === null ||
      (Array.isArray(d) ? Array.isArray(value) : typeof d === typeof value);
    if (!ok) {
      throw new InputError(
        `${where}.${key} is ${JSON.stringify(value)}, expected ${
          Array.isArray(d) ? "an array" : `a ${typeof d}`
        }`,
      );
    }
    out[key] = value;
  }
  return out as T;
}

function check(cond: boolean, where: string, expected: string, value: unknown): void {
  if (!cond) throw new InputError(`${where} is ${JSON.stringify(value)}, expected ${expected}`);
}

/** Validates `data.sourceCaps`, `data.sourceWeights` and `data.minLetters`. */
function _checkSourceMix(data: DataConfig, w: (k: string) => string): void {
  const known = (list: readonly string[]) => list.map((x) => `"${x}"`).join(", ");
  for (const field of ["sourceCaps", "sourceWeights"] as const) {
    const map = data[field];
    check(isObject(map), w(`data.${field}`), "an object of source → number", map);
    for (const [name, value] of Object.entries(map)) {
      check(
        (PAIR_SOURCES as readonly string[]).includes(name),
        w(`data.${field}.${name}`),
        `a key among ${known(PAIR_SOURCES)}`,
        name,
      );
      const ok = typeof value === "number" && Number.isFinite(value) && value >= 0 &&
        (field === "sourceWeights" || Number.isInteger(value));
      check(
        ok,
        w(`data.${field}.${name}`),
        field === "sourceCaps" ? "an integer ≥ 0" : "a finite number ≥ 0",
        value,
      );
    }
  }
  check(
    Number.isInteger(data.minLetters) && data.minLetters >= 0,
    w("data.minLetters"),
    "an integer ≥ 0",
    data.minLetters,
  );
}

/**
 * Fills defaults into a parsed config and validates every field.
 *
 * @param given The parsed JSON.
 * @param source The file it came from, named in errors.
 * @throws {InputError} naming the field and what was expected.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveConfig } from "./config.ts";
 * const c = resolveConfig({ name: "x", sampling: { alpha: 1 } });
 * assert(c.sampling.alpha === 1 && c.sampling.batchSize === 64);
 * ```
 */
export function resolveConfig(given: unknown, source = "config"): TrainConfig {
  if (!isObject(given)) throw new InputError(`${source} must hold a JSON object`);
  const known = new Set(Object.keys(DEFAULTS).concat(["$comment"]));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      throw new InputError(
        `${source}: "${key}" is not a known section; expected ${[...known].join(", ")}`,
      );
    }
  }
  const c: TrainConfig = {
    name: given.name === undefined ? DEFAULTS.name : String(given.name),
    seed: given.seed === undefined ? DEFAULTS.seed : given.seed as number,
    model: mergeSection(DEFAULTS.model, given.model, `${source}: model`),
    data: mergeSection(DEFAULTS.data, given.data, `${source}: data`),
    sampling: mergeSection(DEFAULTS.sampling, given.sampling, `${source}: sampling`),
    optim: mergeSection(DEFAULTS.optim, given.optim, `${source}: optim`),
    train: mergeSection(DEFAULTS.train, given.train, `${source}: train`),
  };
  const w = (k: string) => `${source}: ${k}`;
  check(Number.isSafeInteger(c.seed), w("seed"), "an integer", c.seed);
  check(
    ["static", "transformer"].includes(c.model.architecture),
    w("model.architecture"),
    '"static" or "transformer"',
    c.model.architecture,
  );
  for (const k of ["dim", "maxLength", "layers", "heads", "intermediate"] as const) {
    check(
      Number.isInteger(c.model[k]) && c.model[k] > 0,
      w(`model.${k}`),
      "a positive integer",
      c.model[k],
    );
  }
  check(
    Number.isInteger(c.model.projection) && c.model.projection >= 0,
    w("model.projection"),
    "an integer ≥ 0",
    c.model.projection,
  );
  const pr = c.model.prompts as unknown;
  check(
    pr === null ||
      (typeof pr === "object" && typeof (pr as { query?: unknown }).query === "string" &&
        typeof (pr as { passage?: unknown }).passage === "string"),
    w("model.prompts"),
    'null or {"query": string, "passage": string}',
    pr,
  );
  check(
    ["idf", "normal", "svd"].includes(c.model.init),
    w("model.init"),
    '"idf", "normal" or "svd"',
    c.model.init,
  );
  if (c.model.init === "svd") {
    check(
      Number.isInteger(c.model.svdRank) && c.model.svdRank > 0 && c.model.svdRank < c.model.dim,
      w("model.svdRank"),
      `an integer in 1..${c.model.dim - 1} (model.dim − 1)`,
      c.model.svdRank,
    );
    check(
      Number.isFinite(c.model.svdWeight) && c.model.svdWeight >= 0 && c.model.svdWeight <= 1,
      w("model.svdWeight"),
      "a number in [0, 1]",
      c.model.svdWeight,
    );
    check(
      Number.isFinite(c.model.svdEigenPower) && c.model.svdEigenPower >= 0 &&
        c.model.svdEigenPower <= 2,
      w("model.svdEigenPower"),
      "a number in [0, 2]",
      c.model.svdEigenPower,
    );
    for (const src of c.model.svdSources) {
      check(
        (PAIR_SOURCES as readonly string[]).includes(src),
        w("model.svdSources"),
        `source names among ${PAIR_SOURCES.join(", ")}`,
        src,
      );
    }
    check(
      Number.isSafeInteger(c.model.svdMaxPairsPerSource) && c.model.svdMaxPairsPerSource >= 0,
      w("model.svdMaxPairsPerSource"),
      "an integer ≥ 0",
      c.model.svdMaxPairsPerSource,
    );
  }
  check(
    ["ict", "qa", "translation"].includes(c.data.protocol),
    w("data.protocol"),
    '"ict", "qa" or "translation"',
    c.data.protocol,
  );
  check(
    c.data.languages.length >= 1,
    w("data.languages"),
    "at least one language",
    c.data.languages,
  );
  if (c.data.protocol === "qa") {
    check(
      c.data.dataset === "mlqa-r" || c.data.dataset === "xquad-r",
      w("data.dataset"),
      '"mlqa-r" or "xquad-r" for protocol "qa"',
      c.data.dataset,
    );
  }
  check(
    c.data.validFraction >= 0 && c.data.validFraction < 1,
    w("data.validFraction"),
    "a number in [0, 1)",
    c.data.validFraction,
  );
  check(
    Number.isInteger(c.data.window) && c.data.window >= 1,
    w("data.window"),
    "an integer ≥ 1",
    c.data.window,
  );
  _checkSourceMix(c.data, w);
  check(
    c.sampling.alpha >= 0 && c.sampling.alpha <= 1,
    w("sampling.alpha"),
    "a number in [0, 1]",
    c.sampling.alpha,
  );
  check(
    Number.isInteger(c.sampling.batchSize) && c.sampling.batchSize >= 2,
    w("sampling.batchSize"),
    "an integer ≥ 2",
    c.sampling.batchSize,
  );
  check(c.optim.lr > 0, w("optim.lr"), "a positive number", c.optim.lr);
  check(c.optim.temperature > 0, w("optim.temperature"), "a positive number", c.optim.temperature);
  check(
    c.optim.warmup >= 0 && c.optim.warmup < 1,
    w("optim.warmup"),
    "a fraction in [0, 1)",
    c.optim.warmup,
  );
  check(
    ["linear", "constant"].includes(c.optim.schedule),
    w("optim.schedule"),
    '"linear" or "constant"',
    c.optim.schedule,
  );
  check(
    Number.isInteger(c.train.epochs) && c.train.epochs >= 1,
    w("train.epochs"),
    "an integer ≥ 1",
    c.train.epochs,
  );
  for (const k of ["maxSteps", "patience", "valBatches"] as const) {
    check(
      Number.isInteger(c.train[k]) && c.train[k] >= 0,
      w(`train.${k}`),
      "an integer ≥ 0",
      c.train[k],
    );
  }
  for (const k of ["evalEvery", "logEvery"] as const) {
    check(
      Number.isInteger(c.train[k]) && c.train[k] >= 1,
      w(`train.${k}`),
      "an integer ≥ 1",
      c.train[k],
    );
  }
  return c;
}

/**
 * Reads and resolves a JSON config file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadConfig } from "./config.ts";
 * import { fromRoot } from "../util/root.ts";
 * const config = await loadConfig(fromRoot("configs/smoke.json"));
 * assert.equal(config.name, "smoke");
 * assert.equal(config.sampling.batchSize, 32);
 * assert.equal(config.optim.temperature, 0.05); // a default the file leaves out
 * ```
 */
export async function loadConfig(path: string): Promise<TrainConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new InputError(`Cannot read config ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  return resolveConfig(parsed, path);
}

/**
 * JSON with object keys sorted at every level: equal configs give equal text
 * (and equal cache keys) whatever the key order in the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalJson } from "./config.ts";
 * assert(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] }) === '{"a":[{"c":2,"d":1}],"b":1}');
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value)) {
    return `{${
      Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(
        ",",
      )
    }}`;
  }
  return JSON.stringify(value);
}
