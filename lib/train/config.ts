/**
 * Training configuration: one JSON file per run (`configs/*.json`), validated
 * field by field, with defaults filled in. Every key is documented here; the
 * resolved config (defaults included) is recorded in `run.json` and is what
 * cache keys hash.
 *
 * @module
 */

import { ICT_CORPORA } from "../data/ict.ts";
import { PAIR_SOURCES } from "../data/translation_pairs.ts";
import { CROSS_PAIRS, type CrossPairs } from "../sampling/batch_sampler.ts";
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
  /**
   * Hard negatives, the paper's triplets `(q, d⁺, d⁻)` (`lib/train/hard_negatives.ts`):
   * `"none"` (default; in-batch negatives only) or `"bm25"`: for every example
   * and language, the passage BM25 ranks first for the query in that language
   * that is not a positive — `"qa"`: among the dataset's candidate sentences of
   * that language; `"ict"`: among the other documents' passages of that
   * language. A batch's query is then contrasted with its `2B` passages; an
   * X-Y item (q_X, d⁺_Y) gets the negative in Y. Not for `"translation"`.
   */
  hardNegatives: "none" | "bm25";
}

/** The batches. */
export interface SamplingConfig {
  /** Probability of a monolingual (X-X) batch: 1 = X-X, 0 = X-Y, 0.5 = hybrid. */
  alpha: number;
  batchSize: number;
  /** Never two examples of one group in a batch. */
  uniqueGroups: boolean;
  /**
   * X-Y batches: `"per-example"` (default: every item its own ordered language
   * pair) or `"per-batch"` (one pair (X, Y) drawn per batch; the ablation).
   */
  crossPairs: CrossPairs;
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
    hardNegatives: "none",
  },
  sampling: { alpha: 0.5, batchSize: 64, uniqueGroups: true, crossPairs: "per-example" },
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
    const ok = d === null || (Array.isArray(d) ? Array.isArray(value) : typeof d === typeof value);
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
  if (cond) return;
  const shown = typeof value === "number" ? String(value) : JSON.stringify(value) ?? String(value);
  throw new InputError(`${where} is ${shown}, expected ${expected}`);
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

/** An integer in [min, max]. */
function checkInt(v: number, where: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  const range = max === Number.MAX_SAFE_INTEGER
    ? `an integer ≥ ${min}`
    : `an integer in [${min}, ${max}]`;
  check(Number.isSafeInteger(v) && v >= min && v <= max, where, range, v);
}

/** A finite number in [min, max] (or (min, max] with `openMin`). */
function checkNumber(
  v: number,
  where: string,
  min: number,
  max: number,
  expected: string,
  openMin = false,
): void {
  const ok = Number.isFinite(v) && (openMin ? v > min : v >= min) && v <= max;
  check(ok, where, expected, v);
}

function checkOneOf(v: unknown, where: string, allowed: readonly string[]): void {
  const expected = allowed.map((a) => JSON.stringify(a)).join(", ").replace(/, ([^,]*)$/, " or $1");
  check(typeof v === "string" && allowed.includes(v), where, expected, v);
}

/** A list of distinct strings (from `allowed`, when given), at least `min` of them. */
function checkStrings(
  v: unknown[],
  where: string,
  min: number,
  allowed?: readonly string[],
): void {
  v.forEach((x, i) => {
    if (allowed) checkOneOf(x, `${where}[${i}]`, allowed);
    else check(typeof x === "string" && x !== "", `${where}[${i}]`, "a non-empty string", x);
  });
  const dup = v.find((x, i) => v.indexOf(x) !== i);
  check(dup === undefined, where, `distinct entries (${JSON.stringify(dup)} is given twice)`, v);
  check(v.length >= min, where, `at least ${min} entr${min === 1 ? "y" : "ies"}`, v);
}

function checkPathOrNull(v: unknown, where: string): void {
  check(v === null || (typeof v === "string" && v !== ""), where, "a path (string) or null", v);
}

/** Upper bounds of the size fields (allocations beyond them are mistakes). */
const MAX = { dim: 16384, maxLength: 8192, layers: 128, heads: 256, intermediate: 65536 };

/**
 * Fills defaults into a parsed config and validates every field: every
 * number finite and in its documented range, every string a string, every
 * list of the documented kind with no entry twice.
 *
 * Ranges: `seed` an integer; `model.dim` 1–16384, `maxLength` 1–8192,
 * `layers` 1–128, `heads` 1–256, `intermediate` 1–65536, `projection`
 * 0–16384, `idfPower` 0–8, `svdRank` 1–(dim − 1), `svdWeight` [0, 1],
 * `svdEigenPower` [0, 2]; `data.window` 1–100, `validFraction` [0, 1),
 * `maxExamples` and `maxPairsPerSource` integers ≥ 0, `hardNegatives`
 * `"none"`, or `"bm25"` with protocol `"qa"` or `"ict"`; `sampling.alpha`
 * [0, 1], `batchSize` 2–65536, `crossPairs` `"per-example"` or
 * `"per-batch"`; `optim.lr` and `temperature` finite > 0,
 * `weightDecay` and `symmetric` finite ≥ 0, `warmup` [0, 1); `train.epochs`,
 * `evalEvery`, `logEvery` integers ≥ 1, `maxSteps`, `patience`, `valBatches`
 * integers ≥ 0.
 *
 * @param given The parsed JSON.
 * @param source The file it came from, named in errors.
 * @throws {InputError} naming the field, the value and what was expected.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveConfig } from "./config.ts";
 * const c = resolveConfig({ name: "x", sampling: { alpha: 1 } });
 * assert(c.sampling.alpha === 1 && c.sampling.batchSize === 64);
 * assert.throws(() => resolveConfig({ optim: { lr: 1e999 } }), /optim\.lr is Infinity/);
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
  const w = (k: string) => `${source}: ${k}`;
  if (given.name !== undefined) {
    check(
      typeof given.name === "string" && given.name !== "",
      w("name"),
      "a non-empty string",
      given.name,
    );
  }
  const c: TrainConfig = {
    name: given.name === undefined ? DEFAULTS.name : given.name as string,
    seed: given.seed === undefined ? DEFAULTS.seed : given.seed as number,
    model: mergeSection(DEFAULTS.model, given.model, `${source}: model`),
    data: mergeSection(DEFAULTS.data, given.data, `${source}: data`),
    sampling: mergeSection(DEFAULTS.sampling, given.sampling, `${source}: sampling`),
    optim: mergeSection(DEFAULTS.optim, given.optim, `${source}: optim`),
    train: mergeSection(DEFAULTS.train, given.train, `${source}: train`),
  };
  check(Number.isSafeInteger(c.seed), w("seed"), "an integer", c.seed);

  const m = c.model;
  checkOneOf(m.architecture, w("model.architecture"), ["static", "transformer"]);
  for (const k of ["dim", "maxLength", "layers", "heads", "intermediate"] as const) {
    checkInt(m[k], w(`model.${k}`), 1, MAX[k]);
  }
  checkInt(m.projection, w("model.projection"), 0, MAX.dim);
  checkPathOrNull(m.initFrom, w("model.initFrom"));
  checkPathOrNull(m.tokenizer, w("model.tokenizer"));
  const pr = m.prompts as unknown;
  check(
    pr === null ||
      (typeof pr === "object" && typeof (pr as { query?: unknown }).query === "string" &&
        typeof (pr as { passage?: unknown }).passage === "string"),
    w("model.prompts"),
    'null or {"query": string, "passage": string}',
    pr,
  );
  checkOneOf(m.init, w("model.init"), ["idf", "normal", "svd"]);
  checkNumber(m.idfPower, w("model.idfPower"), 0, 8, "a number in [0, 8]");
  if (m.init === "svd") {
    checkInt(m.svdRank, w("model.svdRank"), 1, m.dim - 1);
    checkNumber(m.svdWeight, w("model.svdWeight"), 0, 1, "a number in [0, 1]");
    checkNumber(m.svdEigenPower, w("model.svdEigenPower"), 0, 2, "a number in [0, 2]");
    checkStrings(m.svdSources, w("model.svdSources"), 1, PAIR_SOURCES);
    checkInt(m.svdMaxPairsPerSource, w("model.svdMaxPairsPerSource"), 0);
  }

  const d = c.data;
  checkOneOf(d.protocol, w("data.protocol"), ["ict", "qa", "translation"]);
  checkStrings(d.languages, w("data.languages"), 1);
  if (d.protocol === "qa" || d.dataset !== null) {
    check(
      d.dataset === "mlqa-r" || d.dataset === "xquad-r",
      w("data.dataset"),
      d.protocol === "qa"
        ? '"mlqa-r" or "xquad-r" for protocol "qa"'
        : '"mlqa-r", "xquad-r" or null',
      d.dataset,
    );
  }
  checkStrings(d.corpora, w("data.corpora"), 0, ICT_CORPORA);
  checkInt(d.window, w("data.window"), 1, 100);
  checkStrings(d.sources, w("data.sources"), 0, PAIR_SOURCES);
  checkNumber(
    d.validFraction,
    w("data.validFraction"),
    0,
    1 - Number.EPSILON,
    "a number in [0, 1)",
  );
  _checkSourceMix(c.data, w);
  checkInt(d.maxExamples, w("data.maxExamples"), 0);
  checkInt(d.maxPairsPerSource, w("data.maxPairsPerSource"), 0);
  checkOneOf(d.hardNegatives, w("data.hardNegatives"), ["none", "bm25"]);
  check(
    d.hardNegatives === "none" || d.protocol !== "translation",
    w("data.hardNegatives"),
    '"none" for protocol "translation" (BM25 negatives are mined for "qa" and "ict")',
    d.hardNegatives,
  );

  const s = c.sampling;
  checkNumber(s.alpha, w("sampling.alpha"), 0, 1, "a number in [0, 1]");
  checkInt(s.batchSize, w("sampling.batchSize"), 2, 65536);
  checkOneOf(s.crossPairs, w("sampling.crossPairs"), CROSS_PAIRS);

  const o = c.optim;
  checkNumber(o.lr, w("optim.lr"), 0, Number.MAX_VALUE, "a finite positive number", true);
  checkNumber(
    o.temperature,
    w("optim.temperature"),
    0,
    Number.MAX_VALUE,
    "a finite positive number",
    true,
  );
  checkNumber(o.weightDecay, w("optim.weightDecay"), 0, Number.MAX_VALUE, "a finite number ≥ 0");
  checkNumber(o.symmetric, w("optim.symmetric"), 0, Number.MAX_VALUE, "a finite number ≥ 0");
  checkNumber(o.warmup, w("optim.warmup"), 0, 1 - Number.EPSILON, "a fraction in [0, 1)");
  checkOneOf(o.schedule, w("optim.schedule"), ["linear", "constant"]);

  const t = c.train;
  checkInt(t.epochs, w("train.epochs"), 1);
  for (const k of ["maxSteps", "patience", "valBatches"] as const) {
    checkInt(t[k], w(`train.${k}`), 0);
  }
  for (const k of ["evalEvery", "logEvery"] as const) checkInt(t[k], w(`train.${k}`), 1);
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
