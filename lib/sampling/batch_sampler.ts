/**
 * Hybrid batch sampling (Elmahdy, Lin & Ahmad 2024, arXiv 2408.10536): the
 * batches that train a shared dual encoder with in-batch-negative InfoNCE.
 *
 * The training data are {@linkcode ParallelExample}s: a query and its positive
 * passage, available in several languages. Every batch is one of two kinds:
 *
 * - **monolingual, X-X** (`kind: "xx"`), with probability α: one language X is
 *   drawn uniformly among the training languages; the batch holds
 *   `batchSize` distinct examples that have X, query and passage both in X.
 *   The in-batch negatives are then same-language passages, which trains
 *   monolingual retrieval.
 * - **cross-lingual, X-Y** (`kind: "xy"`), with probability 1 − α: every
 *   example of the batch gets its own ordered pair (query language X, passage
 *   language Y), X ≠ Y, drawn uniformly among the ordered pairs of training
 *   languages the example has (`crossPairs: "per-example"`, the default). The
 *   in-batch negatives mix languages, which trains cross-lingual retrieval
 *   and reduces language bias. With `crossPairs: "per-batch"` (the ablation)
 *   one ordered pair (X, Y) is drawn per batch, uniformly among the ordered
 *   pairs whose shared examples can fill a batch ({@linkcode BatchSampler.crossPairList}),
 *   and the batch holds `batchSize` examples that have both X and Y, every
 *   query in X and every passage in Y: the in-batch negatives are then all
 *   in Y.
 *
 * α = 1 is the X-X baseline, α = 0 the X-Y baseline, α = 0.5 the paper's
 * hybrid.
 *
 * Rules that hold for every batch:
 * - an example appears at most once (not even in two languages);
 * - with `uniqueGroups` (the default), no two examples share a `group`: two
 *   examples of one group (translations of one document, questions answered
 *   by the same sentence) would be false in-batch negatives of each other;
 * - X-X draws only examples that have the chosen language, X-Y only examples
 *   that have at least two training languages (partial coverage as in MLQA,
 *   where a question exists in 2–4 of 7 languages), per-batch X-Y only
 *   examples that have both languages of the batch's pair.
 *
 * Epochs. An epoch has exactly {@linkcode BatchSampler.length} batches:
 * `floor(usable / batchSize)`, where `usable` is the number of examples that
 * have at least one training language (when α > 0) or at least two (when
 * α = 0; per-batch: that are in some pair of `crossPairList`), i.e. as many
 * batches as would use every usable example once. The batch kinds, X-X
 * languages and per-batch X-Y pairs are drawn independently per batch. The
 * examples are drawn without replacement from per-epoch shuffled pools, one per
 * training language (for X-X) and one for X-Y (per-batch: one per unordered
 * pair of languages, shared by (X, Y) and (Y, X)), that share a per-epoch use
 * count: a pool in its round `r` only gives examples used at most `r` times
 * this epoch, so every example is used once before any is used twice, as far
 * as the pools allow. An example that cannot join the current batch (its group
 * is already there) is kept for the pool's next batch. When a pool has
 * given all its examples, it starts its next round with a fresh shuffle (this
 * happens when X-X keeps drawing a language that few examples have, or at the
 * end of an epoch when the left-over examples share groups); the epoch length
 * never changes.
 *
 * Determinism. Everything random comes from generators keyed by
 * `(seed, epoch, stream)` ({@linkcode deriveSeed}): the same seed, epoch,
 * examples and options give bit-identical batches on every platform,
 * different epochs give different batches, and `batches(epoch, k)` yields
 * exactly the suffix of the epoch from batch `k` (resuming training).
 *
 * @module
 */

import type { ParallelExample } from "../data/types.ts";
import { InputError } from "../util/errors.ts";
import { sha256Hex } from "../util/hash.ts";
import { deriveSeed, Rng } from "./rng.ts";

/** Version of the sampling algorithm; part of {@linkcode BatchSampler.fingerprint}. */
export const SAMPLER_VERSION = 1;

/** `"xx"`: monolingual batch (X-X); `"xy"`: cross-lingual batch (X-Y). */
export type BatchKind = "xx" | "xy";

/** One training pair of a batch: an example with its query and passage languages. */
export interface BatchItem {
  /** Index into the examples array given to the sampler. */
  example: number;
  /** Language of the query text. */
  queryLang: string;
  /** Language of the positive passage text. */
  passageLang: string;
}

/**
 * How an X-Y batch gets its language pairs: `"per-example"` (each item its own
 * ordered pair, the default) or `"per-batch"` (one ordered pair for the batch).
 */
export type CrossPairs = "per-example" | "per-batch";

/** The values of {@linkcode CrossPairs}. */
export const CROSS_PAIRS: readonly CrossPairs[] = ["per-example", "per-batch"];

/** One batch: its kind and its items (exactly `batchSize` of them). */
export interface Batch {
  kind: BatchKind;
  items: BatchItem[];
}

/** Options of a {@linkcode BatchSampler}. */
export interface BatchSamplerOptions {
  /** Examples per batch, an integer ≥ 2 (in-batch negatives need at least two). */
  batchSize: number;
  /** Probability that a batch is X-X (monolingual): 1 = X-X only, 0 = X-Y only, 0.5 = hybrid. */
  alpha: number;
  /** Seed, any safe integer. */
  seed: number;
  /** Training languages; default: every language some example has, sorted. */
  languages?: readonly string[];
  /** Never put two examples of one `group` in a batch (default `true`). */
  uniqueGroups?: boolean;
  /** X-Y language pairs per example (default) or one per batch. */
  crossPairs?: CrossPairs;
}

const STREAM_PLAN = 0;
const STREAM_PAIRS = 1;
const STREAM_POOL = 2;

/** Per-epoch state of one pool (a language's X-X pool or the X-Y pool). */
interface PoolState {
  members: Int32Array;
  perm: Int32Array | null;
  cursor: number;
  round: number;
  deferred: number[];
  rng: Rng;
}

/**
 * Deterministic X-X / X-Y / hybrid batches over parallel examples (see the
 * module doc for the rules).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BatchSampler } from "./batch_sampler.ts";
 * import type { ParallelExample } from "../data/types.ts";
 * const examples: ParallelExample[] = Array.from({ length: 12 }, (_, i) => ({
 *   id: `ex${i}`,
 *   group: `doc${i}`,
 *   texts: {
 *     en: { query: `q${i}`, passage: `p${i}` },
 *     de: { query: `F${i}`, passage: `P${i}` },
 *   },
 * }));
 * const sampler = new BatchSampler(examples, { batchSize: 4, alpha: 0.5, seed: 1 });
 * assert(sampler.length === 3);
 * for (const batch of sampler.batches(0)) {
 *   for (const { example, queryLang, passageLang } of batch.items) {
 *     const query = examples[example].texts[queryLang].query;
 *     const passage = examples[example].texts[passageLang].passage;
 *     assert(batch.kind === "xx" ? queryLang === passageLang : queryLang !== passageLang);
 *     assert(query.length > 0 && passage.length > 0);
 *   }
 * }
 * ```
 */
export class BatchSampler {
  /** Exact number of batches in every epoch: `floor(usable / batchSize)`. */
  readonly length: number;
  /** Number of examples that can be drawn (≥ 1 training language if α > 0, else ≥ 2). */
  readonly usable: number;
  /** The training languages, in the order that indexes the X-X language draw. */
  readonly languages: readonly string[];
  /** Examples per batch. */
  readonly batchSize: number;
  /** Probability of an X-X batch. */
  readonly alpha: number;
  /** The seed. */
  readonly seed: number;
  /** Whether batches hold at most one example per group. */
  readonly uniqueGroups: boolean;
  /** How X-Y batches get their language pairs. */
  readonly crossPairs: CrossPairs;
  /**
   * Per-batch X-Y (`crossPairs: "per-batch"`, α < 1): the ordered pairs
   * (query language, passage language) a batch's pair is drawn from — those
   * whose shared examples fill a batch — in language order; else empty.
   */
  readonly crossPairList: readonly (readonly [string, string])[];

  readonly #examples: readonly ParallelExample[];
  /** Per example, its training languages (indices into `languages`, ascending): CSR layout. */
  readonly #langStart: Int32Array;
  readonly #langIndex: Int32Array;
  readonly #group: Int32Array;
  readonly #numGroups: number;
  /**
   * Pool members (ascending example indices): one per language, then the X-Y
   * pool, then (per-batch) one per pair of `#pairPool`.
   */
  readonly #pools: Int32Array[];
  /** Per-batch X-Y: for each ordered pair of `crossPairList`, its languages' indices and pool. */
  readonly #pairPool: { q: number; p: number; pool: number }[];
  #fingerprint: string | undefined;

  /**
   * Validates the options against the examples and precomputes the pools.
   *
   * @param examples The training examples; batch items index into this array.
   * @param options Batch size, α, seed, languages, group rule.
   * @throws {InputError} On invalid options, unknown languages, or too few
   *   distinct groups (or examples) in a pool to fill one batch.
   */
  constructor(examples: readonly ParallelExample[], options: BatchSamplerOptions) {
    const { batchSize, alpha, seed } = options;
    const uniqueGroups = options.uniqueGroups ?? true;
    const crossPairs = options.crossPairs ?? "per-example";
    if (!(CROSS_PAIRS as readonly string[]).includes(crossPairs)) {
      throw new InputError(
        `Invalid BatchSamplerOptions.crossPairs: expected "per-example" or "per-batch", got ${
          JSON.stringify(crossPairs)
        }`,
      );
    }
    if (!Number.isInteger(batchSize) || batchSize < 2) {
      throw new InputError(
        `Invalid BatchSamplerOptions.batchSize: expected an integer ≥ 2, got ${batchSize}`,
      );
    }
    if (typeof alpha !== "number" || !(alpha >= 0 && alpha <= 1)) {
      throw new InputError(
        `Invalid BatchSamplerOptions.alpha: expected a number in [0, 1], got ${alpha}`,
      );
    }
    if (!Number.isSafeInteger(seed)) {
      throw new InputError(
        `Invalid BatchSamplerOptions.seed: expected a safe integer, got ${seed}`,
      );
    }
    if (!Array.isArray(examples) || examples.length === 0) {
      throw new InputError("Cannot build batches: no training examples");
    }
    const known = new Set<string>();
    const groupIds = new Map<string, number>();
    const group = new Int32Array(examples.length);
    examples.forEach((ex, i) => {
      if (ex === null || typeof ex !== "object" || typeof ex.texts !== "object" || !ex.texts) {
        throw new InputError(`examples[${i}].texts is missing, expected an object of languages`);
      }
      if (typeof ex.group !== "string") {
        throw new InputError(`examples[${i}].group is missing, expected a string`);
      }
      for (const lang of Object.keys(ex.texts)) known.add(lang);
      let g = groupIds.get(ex.group);
      if (g === undefined) groupIds.set(ex.group, g = groupIds.size);
      group[i] = g;
    });
    const languages = options.languages ? [...options.languages] : [...known].sort();
    if (languages.length === 0) {
      throw new InputError("Invalid BatchSamplerOptions.languages: expected at least one language");
    }
    const langPos = new Map<string, number>();
    languages.forEach((lang, i) => {
      if (!known.has(lang)) {
        throw new InputError(
          `Invalid BatchSamplerOptions.languages[${i}]: no example has language ${
            JSON.stringify(lang)
          }; the examples have ${[...known].sort().join(", ")}`,
        );
      }
      if (langPos.has(lang)) {
        throw new InputError(
          `Invalid BatchSamplerOptions.languages[${i}]: ${JSON.stringify(lang)} is listed twice`,
        );
      }
      langPos.set(lang, i);
    });
    if (alpha < 1 && languages.length < 2) {
      throw new InputError(
        `Invalid BatchSamplerOptions: alpha = ${alpha} asks for X-Y batches, which need at least ` +
          `2 training languages; got ${JSON.stringify(languages)}`,
      );
    }

    // Per-example training languages (CSR), ascending language index.
    const langStart = new Int32Array(examples.length + 1);
    const langIndex: number[] = [];
    const poolLists: number[][] = languages.map(() => []);
    const xyList: number[] = [];
    let usable = 0;
    examples.forEach((ex, i) => {
      const mine: number[] = [];
      for (const lang of Object.keys(ex.texts)) {
        const l = langPos.get(lang);
        if (l !== undefined) mine.push(l);
      }
      mine.sort((a, b) => a - b);
      for (const l of mine) {
        langIndex.push(l);
        poolLists[l].push(i);
      }
      langStart[i + 1] = langIndex.length;
      if (mine.length >= 2) xyList.push(i);
    });
    const pools = [...poolLists, xyList].map((list) => Int32Array.from(list));
    const units = (members: Int32Array) =>
      uniqueGroups ? new Set(Array.from(members, (e) => group[e])).size : members.length;

    // Per-batch X-Y: a pool per unordered pair of languages; the pairs that fill a batch.
    const pairPool: { q: number; p: number; pool: number }[] = [];
    const inPairs = new Uint8Array(examples.length);
    if (crossPairs === "per-batch" && alpha < 1) {
      const L = languages.length;
      const pairPools = new Map<number, number>();
      let largest = 0;
      for (let a = 0; a < L; a++) {
        for (let b = a + 1; b < L; b++) {
          const inB = new Set(poolLists[b]);
          const members = Int32Array.from(poolLists[a].filter((e) => inB.has(e)));
          const have = units(members);
          largest = Math.max(largest, have);
          if (have < batchSize) continue;
          pairPools.set(a * L + b, pools.length);
          pools.push(members);
          for (const e of members) inPairs[e] = 1;
        }
      }
      for (let q = 0; q < L; q++) {
        for (let p = 0; p < L; p++) {
          const pool = pairPools.get(Math.min(q, p) * L + Math.max(q, p));
          if (q !== p && pool !== undefined) pairPool.push({ q, p, pool });
        }
      }
      if (pairPool.length === 0) {
        const unit = uniqueGroups ? "distinct groups" : "examples";
        throw new InputError(
          `Cannot build batches: crossPairs "per-batch" needs a pair of training languages ` +
            `whose shared examples fill a batch of ${batchSize}; the best pair has ${largest} ` +
            `${unit}; lower batchSize or use crossPairs "per-example"`,
        );
      }
    }
    examples.forEach((_, i) => {
      const mine = langStart[i + 1] - langStart[i];
      if (alpha > 0 ? mine >= 1 : pairPool.length > 0 ? inPairs[i] === 1 : mine >= 2) usable++;
    });

    // Every pool that can be drawn must fill a batch on its own.
    const check = (members: Int32Array, what: string) => {
      const have = units(members);
      if (have < batchSize) {
        const unit = uniqueGroups ? "distinct groups" : "examples";
        throw new InputError(
          `Cannot build batches: ${what} has ${have} ${unit} (${members.length} examples), ` +
            `a batch of ${batchSize} needs ${batchSize}; lower batchSize, change languages` +
            (uniqueGroups ? ", or set uniqueGroups: false" : ""),
        );
      }
    };
    if (alpha > 0) {
      languages.forEach((lang, l) => check(pools[l], `X-X language ${JSON.stringify(lang)}`));
    }
    if (alpha < 1 && crossPairs === "per-example") {
      check(pools[languages.length], "X-Y (examples with ≥ 2 training languages)");
    }

    this.batchSize = batchSize;
    this.alpha = alpha;
    this.seed = seed;
    this.uniqueGroups = uniqueGroups;
    this.crossPairs = crossPairs;
    this.crossPairList = Object.freeze(
      pairPool.map(({ q, p }) => Object.freeze([languages[q], languages[p]] as const)),
    );
    this.#pairPool = pairPool;
    this.languages = Object.freeze(languages);
    this.usable = usable;
    this.length = Math.floor(usable / batchSize);
    this.#examples = examples;
    this.#langStart = langStart;
    this.#langIndex = Int32Array.from(langIndex);
    this.#group = group;
    this.#numGroups = groupIds.size;
    this.#pools = pools;
  }

  /**
   * The batches of one epoch, from batch `start` on: exactly
   * `length - start` batches, equal to the suffix of `batches(epoch, 0)`.
   * Each call is independent (its own state): iterating twice gives the same
   * batches.
   *
   * @param epoch The epoch, an integer ≥ 0.
   * @param start The first batch to yield, in `[0, length]` (to resume training).
   * @returns A generator of batches.
   * @throws {RangeError} On an invalid epoch or start.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BatchSampler } from "./batch_sampler.ts";
   * const examples = Array.from({ length: 9 }, (_, i) => ({
   *   id: `${i}`,
   *   group: `${i}`,
   *   texts: { en: { query: "q", passage: "p" }, fr: { query: "q", passage: "p" } },
   * }));
   * const s = new BatchSampler(examples, { batchSize: 3, alpha: 0, seed: 7 });
   * const all = [...s.batches(2)];
   * const resumed = [...s.batches(2, 1)];
   * assert(JSON.stringify(resumed) === JSON.stringify(all.slice(1)));
   * ```
   */
  *batches(epoch: number, start = 0): Generator<Batch, void, undefined> {
    if (!Number.isSafeInteger(epoch) || epoch < 0) {
      throw new RangeError(`epoch must be an integer ≥ 0, got ${epoch}`);
    }
    if (!Number.isInteger(start) || start < 0 || start > this.length) {
      throw new RangeError(`start must be an integer in [0, ${this.length}], got ${start}`);
    }
    const n = this.#examples.length;
    const B = this.batchSize;
    const L = this.languages.length;
    const group = this.#group;
    const unique = this.uniqueGroups;
    const uses = new Uint32Array(n);
    const inBatch = new Int32Array(n);
    const groupInBatch = new Int32Array(this.#numGroups);
    const plan = new Rng(deriveSeed(this.seed, epoch, STREAM_PLAN));
    const pairs = new Rng(deriveSeed(this.seed, epoch, STREAM_PAIRS));
    const pools: PoolState[] = this.#pools.map((members, k) => ({
      members,
      perm: null,
      cursor: 0,
      round: 0,
      deferred: [],
      rng: new Rng(deriveSeed(this.seed, epoch, STREAM_POOL, k)),
    }));
    const chosen: number[] = [];

    /** Adds `e` to the batch (stamp `stamp`) or defers/drops it; see the module doc. */
    const consider = (pool: PoolState, e: number, stamp: number) => {
      if (uses[e] > pool.round) return; // used more often elsewhere: not in this round
      if (inBatch[e] === stamp || (unique && groupInBatch[group[e]] === stamp)) {
        pool.deferred.push(e);
        return;
      }
      uses[e]++;
      inBatch[e] = stamp;
      groupInBatch[group[e]] = stamp;
      chosen.push(e);
    };

    const fill = (pool: PoolState, stamp: number) => {
      chosen.length = 0;
      const deferred = pool.deferred;
      pool.deferred = [];
      for (const e of deferred) {
        if (chosen.length === B) pool.deferred.push(e);
        else consider(pool, e, stamp);
      }
      const perm = pool.perm ??= pool.members.slice();
      const size = perm.length;
      while (chosen.length < B) {
        if (pool.cursor === size) {
          // Pool exhausted: next round, fresh shuffle (the lazy Fisher–Yates
          // below reshuffles from any arrangement); the deferred are in it.
          pool.round++;
          pool.cursor = 0;
          pool.deferred = [];
        }
        const i = pool.cursor++;
        const j = i + pool.rng.int(size - i);
        const e = perm[j];
        perm[j] = perm[i];
        perm[i] = e;
        consider(pool, e, stamp);
      }
    };

    for (let b = 0; b < this.length; b++) {
      const stamp = b + 1;
      const xx = plan.float() < this.alpha;
      if (xx) {
        const l = plan.int(L);
        fill(pools[l], stamp);
        if (b < start) continue;
        const lang = this.languages[l];
        yield {
          kind: "xx",
          items: chosen.map((example) => ({ example, queryLang: lang, passageLang: lang })),
        };
      } else if (this.#pairPool.length > 0) {
        // Per-batch: one ordered pair, then examples that have both its languages.
        const { q, p, pool } = this.#pairPool[pairs.int(this.#pairPool.length)];
        fill(pools[pool], stamp);
        if (b < start) continue;
        const queryLang = this.languages[q], passageLang = this.languages[p];
        yield { kind: "xy", items: chosen.map((example) => ({ example, queryLang, passageLang })) };
      } else {
        fill(pools[L], stamp);
        // Draw the language pairs even for skipped batches: the stream must match.
        const items = chosen.map((example) => this.#pair(example, pairs));
        if (b < start) continue;
        yield { kind: "xy", items };
      }
    }
  }

  /** A uniform ordered pair of distinct training languages of `example`. */
  #pair(example: number, rng: Rng): BatchItem {
    const from = this.#langStart[example];
    const m = this.#langStart[example + 1] - from;
    const q = rng.int(m);
    let p = rng.int(m - 1);
    if (p >= q) p++;
    return {
      example,
      queryLang: this.languages[this.#langIndex[from + q]],
      passageLang: this.languages[this.#langIndex[from + p]],
    };
  }

  /**
   * A sha256 (hex) of everything the batches depend on: the algorithm version,
   * the options, and each example's id, group and training languages. A
   * training checkpoint stores it, and resuming checks it, so that a resumed
   * run gets the very batches the interrupted one would have.
   *
   * @returns 64 hex digits.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BatchSampler } from "./batch_sampler.ts";
   * const ex = (i: number) => ({
   *   id: `${i}`,
   *   group: `${i}`,
   *   texts: { en: { query: "q", passage: "p" }, fr: { query: "q", passage: "p" } },
   * });
   * const data = [ex(0), ex(1), ex(2)];
   * const a = new BatchSampler(data, { batchSize: 2, alpha: 0.5, seed: 1 });
   * const b = new BatchSampler(data, { batchSize: 2, alpha: 0.5, seed: 2 });
   * assert(a.fingerprint() !== b.fingerprint());
   * ```
   */
  fingerprint(): string {
    if (this.#fingerprint === undefined) {
      const parts: string[] = [JSON.stringify({
        version: SAMPLER_VERSION,
        batchSize: this.batchSize,
        alpha: this.alpha,
        seed: this.seed,
        languages: this.languages,
        uniqueGroups: this.uniqueGroups,
        // Named only when not the default, so that existing fingerprints stay valid.
        ...(this.crossPairs === "per-example" ? {} : { crossPairs: this.crossPairs }),
      })];
      this.#examples.forEach((ex, i) => {
        const langs = this.#langIndex.subarray(this.#langStart[i], this.#langStart[i + 1]);
        parts.push(JSON.stringify([ex.id, ex.group, Array.from(langs)]));
      });
      this.#fingerprint = sha256Hex(parts.join("\n"));
    }
    return this.#fingerprint;
  }
}
