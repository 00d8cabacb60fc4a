/**
 * Tokenizers from Hugging Face `tokenizer.json` files, read offline with the
 * pure-JS `@huggingface/tokenizers` (WordPiece for mBERT/LaBSE); a
 * SentencePiece Unigram conversion (XLM-R) is tokenized by SentencePiece's own
 * algorithm (`sentencepiece.ts`), which the library only approximates. The
 * default is the real mBERT cased vocabulary
 * (`vocab/bert-base-multilingual-cased` in the data directory, 119,547 entries).
 *
 * @module
 */

import { Tokenizer } from "@huggingface/tokenizers";
import { join } from "node:path";
import { sha256Hex } from "../util/hash.ts";
import { InputError } from "../util/errors.ts";
import { datasetPath } from "./data_dir.ts";
import { isSentencePieceUnigram, SentencePieceUnigram } from "./sentencepiece.ts";

/** Folder of the mBERT vocabulary inside the data directory. */
export const MBERT_VOCAB = "vocab/bert-base-multilingual-cased";

/** Options for {@linkcode TextTokenizer.encode}. */
export interface EncodeOptions {
  /** Maximum number of ids including special tokens; longer inputs are cut (the end special token kept). */
  maxLength?: number;
  /** Add the model's special tokens (`[CLS]` … `[SEP]`). Default true. */
  addSpecialTokens?: boolean;
}

/** A tokenizer as xlir uses it: text in, token ids out. */
export interface TextTokenizer {
  /** The folder or name it was loaded from. */
  readonly source: string;
  /** Number of ids (vocabulary plus added tokens). */
  readonly vocabSize: number;
  /** Id of the padding token. */
  readonly padId: number;
  /** Ids of the special tokens (never counted as content, e.g. by BM25). */
  readonly specialIds: ReadonlySet<number>;
  /** Token ids of `text`. */
  encode(text: string, options?: EncodeOptions): Int32Array;
  /** Token strings of `text` (no special tokens). */
  tokenize(text: string): string[];
  /** The token string of an id. */
  idToToken(id: number): string | undefined;
  /** The raw `tokenizer.json` text, to save next to a model. */
  readonly json: string;
  /** Whether texts are lower-cased first (sentence-transformers' `do_lower_case`). */
  readonly lowerCase?: boolean;
}

/**
 * A tokenizer that lower-cases each text first (Unicode full case mapping, as
 * Python's `str.lower()`, final sigma included), for a model whose
 * `sentence_bert_config.json` says `do_lower_case: true`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lowerCasing, type TextTokenizer } from "./tokenizer.ts";
 * const seen: string[] = [];
 * const tok = { encode: (t: string) => (seen.push(t), new Int32Array()) } as unknown as TextTokenizer;
 * lowerCasing(tok).encode("ΟΔΟΣ Straße");
 * assert.deepEqual(seen, ["οδος straße"]);
 * ```
 */
export function lowerCasing(tok: TextTokenizer): TextTokenizer {
  if (tok.lowerCase) return tok;
  return {
    source: tok.source,
    vocabSize: tok.vocabSize,
    padId: tok.padId,
    specialIds: tok.specialIds,
    json: tok.json,
    lowerCase: true,
    encode: (text, options) => tok.encode(text.toLowerCase(), options),
    tokenize: (text) => tok.tokenize(text.toLowerCase()),
    idToToken: (id) => tok.idToToken(id),
  };
}

/** Texts whose ids each tokenizer keeps (the same candidates are encoded for every model evaluated). */
const TEXT_CACHE_LIMIT = 1_000_000;
/** Words whose sub-tokens the WordPiece model keeps. */
const WORD_CACHE_LIMIT = 2_000_000;

/**
 * Replaces the library's WordPiece word encoding with the same algorithm
 * (greedy longest-match-first, `##` continuations, `[UNK]` for a word that
 * cannot be covered or is longer than `max_input_chars_per_word`) made fast:
 * a candidate piece never starts longer than the longest vocabulary entry
 * (the library tries every length up to the whole word — O(length²)
 * substrings, painful for Thai and Chinese runs without spaces), and each
 * word's pieces are cached (words repeat). Output is identical (tested
 * against the library).
 */
function fastWordPieces(tok: Tokenizer): void {
  const model = tok.model as unknown as {
    encode?: (tokens: string[]) => string[];
    tokens_to_ids?: Map<string, number>;
    unk_token?: string;
    max_input_chars_per_word?: number;
    config?: { continuing_subword_prefix?: string };
    constructor: { name: string };
  } | null;
  if (!model?.encode || !model.tokens_to_ids || !/WordPiece/i.test(model.constructor.name)) return;
  const vocab = model.tokens_to_ids;
  const prefix = model.config?.continuing_subword_prefix ?? "##";
  const unk = model.unk_token ?? "[UNK]";
  const maxChars = model.max_input_chars_per_word ?? 100;
  let longest = 1;
  for (const key of vocab.keys()) {
    const bare = key.startsWith(prefix) ? key.slice(prefix.length) : key;
    longest = Math.max(longest, [...bare].length);
  }
  const encodeWord = (word: string): string[] => {
    const chars = [...word];
    if (chars.length > maxChars) return [unk];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = Math.min(chars.length, start + longest);
      let found: string | null = null;
      while (start < end) {
        const piece = (start > 0 ? prefix : "") + chars.slice(start, end).join("");
        if (vocab.has(piece)) {
          found = piece;
          break;
        }
        end--;
      }
      if (found === null) return [unk];
      pieces.push(found);
      start = end;
    }
    return pieces;
  };
  const cache = new Map<string, string[]>();
  model.encode = (tokens: string[]) => {
    const out: string[] = [];
    for (const t of tokens) {
      let pieces = cache.get(t);
      if (pieces === undefined) {
        pieces = encodeWord(t);
        if (cache.size < WORD_CACHE_LIMIT) cache.set(t, pieces);
      }
      for (const p of pieces) out.push(p);
    }
    return out;
  };
}

class HfTokenizer implements TextTokenizer {
  readonly source: string;
  readonly vocabSize: number;
  readonly padId: number;
  readonly specialIds: ReadonlySet<number>;
  readonly json: string;
  #tok: Tokenizer;
  #endIds: number[];
  #startIds: number[];
  /** SentencePiece's own algorithm, for a converted SentencePiece Unigram model (XLM-R). */
  #spm: SentencePieceUnigram | null = null;
  /** Special tokens split out of the text before SentencePiece runs, longest first. */
  #specials: { content: string; id: number }[] = [];
  #withSpecial = new Map<string, number[]>();
  #bare = new Map<string, number[]>();

  constructor(source: string, json: string, config: Record<string, unknown>) {
    this.source = source;
    this.json = json;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw new InputError(`${source}/tokenizer.json is not valid JSON: ${(err as Error).message}`);
    }
    const model = parsed.model as { vocab?: unknown } | undefined;
    if (!model || model.vocab === undefined) {
      throw new InputError(
        `${source}/tokenizer.json has no model.vocab, expected a tokenizer file`,
      );
    }
    this.#tok = new Tokenizer(parsed, config);
    fastWordPieces(this.#tok);
    const vocab = this.#tok.get_vocab(true);
    let max = -1;
    for (const id of vocab.values()) if (id > max) max = id;
    this.vocabSize = max + 1;
    const added = (parsed.added_tokens ?? []) as {
      id: number;
      special?: boolean;
      content: string;
    }[];
    this.specialIds = new Set(added.filter((t) => t.special).map((t) => t.id));
    const pad = added.find((t) => t.content === "[PAD]" || t.content === "<pad>");
    this.padId = pad?.id ?? 0;
    // The special ids the post-processor appends at the end ([SEP] or </s>).
    const probe = this.#tok.encode("a").ids;
    const bare = this.#tok.encode("a", { add_special_tokens: false }).ids;
    this.#endIds = probe.slice(probe.indexOf(bare[0]) + bare.length);
    this.#startIds = probe.slice(0, probe.indexOf(bare[0]));
    if (isSentencePieceUnigram(parsed)) {
      this.#spm = new SentencePieceUnigram(parsed, `${source}/tokenizer.json`);
      this.#specials = added.filter((t) => t.special && t.content.length > 0)
        .map((t) => ({ content: t.content, id: t.id }))
        .sort((a, b) => b.content.length - a.content.length);
    }
  }

  /** SentencePiece ids of `text`, special tokens in it kept as their ids. */
  #spmIds(text: string): number[] {
    const out: number[] = [];
    let rest = text;
    while (rest.length > 0) {
      let at = -1, hit: { content: string; id: number } | undefined;
      for (const s of this.#specials) {
        const k = rest.indexOf(s.content);
        if (k >= 0 && (at < 0 || k < at)) [at, hit] = [k, s];
      }
      if (!hit) {
        out.push(...this.#spm!.encode(rest));
        break;
      }
      if (at > 0) out.push(...this.#spm!.encode(rest.slice(0, at)));
      out.push(hit.id);
      rest = rest.slice(at + hit.content.length);
    }
    return out;
  }

  encode(text: string, options: EncodeOptions = {}): Int32Array {
    const add = options.addSpecialTokens ?? true;
    const cache = add ? this.#withSpecial : this.#bare;
    let ids = cache.get(text);
    if (ids === undefined) {
      ids = this.#spm
        ? (add ? [...this.#startIds, ...this.#spmIds(text), ...this.#endIds] : this.#spmIds(text))
        : this.#tok.encode(text, { add_special_tokens: add }).ids;
      if (cache.size < TEXT_CACHE_LIMIT) cache.set(text, ids);
    }
    const max = options.maxLength;
    if (max !== undefined && ids.length > max) {
      const tail = add ? this.#endIds : [];
      const cut = ids.slice(0, max - tail.length).concat(tail);
      return Int32Array.from(cut);
    }
    return Int32Array.from(ids);
  }

  tokenize(text: string): string[] {
    if (this.#spm) return this.#spmIds(text).map((id) => this.#tok.id_to_token(id) ?? "");
    return this.#tok.tokenize(text);
  }

  idToToken(id: number): string | undefined {
    return this.#tok.id_to_token(id);
  }
}

/**
 * Loads the tokenizer in a Hugging Face folder (`tokenizer.json`, and
 * `tokenizer_config.json` when present). Folders holding the same files share
 * one instance and its encoding caches within a process (every saved model
 * carries a copy of its tokenizer).
 *
 * @param dir A folder holding `tokenizer.json`.
 * @throws {InputError} when the folder or file is missing or malformed.
 *
 * @example
 * ```ts ignore
 * import { loadTokenizer } from "./tokenizer.ts";
 * const tok = await loadTokenizer("path/to/bert-base-multilingual-cased");
 * tok.encode("Query: Wer war der erste Präsident?");
 * ```
 */
export async function loadTokenizer(dir: string): Promise<TextTokenizer> {
  const path = join(dir, "tokenizer.json");
  let json: string;
  try {
    json = await Deno.readTextFile(path);
  } catch (err) {
    throw new InputError(`Cannot read tokenizer: ${path} (${(err as Error).message})`);
  }
  let configText = "{}";
  try {
    configText = await Deno.readTextFile(join(dir, "tokenizer_config.json"));
  } catch {
    // optional
  }
  const key = sha256Hex(`${json}\u0000${configText}`);
  let tok = loaded.get(key);
  if (!tok) {
    let config: Record<string, unknown> = {};
    try {
      config = JSON.parse(configText);
    } catch {
      // a malformed optional config is ignored, as before
    }
    tok = new HfTokenizer(dir, json, config);
    loaded.set(key, tok);
  }
  return tok;
}

/**
 * Tokenizers already built, by the sha256 of their files: one instance (and
 * one set of encoding caches) per distinct tokenizer and process, however
 * many model folders carry a copy of it.
 */
const loaded = new Map<string, TextTokenizer>();

/**
 * Loads the real mBERT cased WordPiece tokenizer from the data directory.
 *
 * @example
 * ```ts ignore
 * import { loadMbertTokenizer } from "./tokenizer.ts";
 * const tok = await loadMbertTokenizer();
 * console.log(tok.vocabSize); // 119547
 * ```
 */
export function loadMbertTokenizer(dataDir?: string): Promise<TextTokenizer> {
  return loadTokenizer(datasetPath(MBERT_VOCAB, dataDir));
}
