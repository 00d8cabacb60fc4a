/**
 * A static stand-in saved as a sentence-transformers folder (v3's
 * `StaticEmbedding`), so that Python users load it with
 * `SentenceTransformer(DIR)`:
 *
 * ```
 * modules.json                       StaticEmbedding → [Dense] → Normalize
 * 0_StaticEmbedding/model.safetensors  embedding.weight [V + 1, d]
 * 0_StaticEmbedding/tokenizer.json     the stand-in's, with a marker token (below)
 * 1_Dense/{config.json, model.safetensors}  the projection: no bias, identity (when there is one)
 * 2_Normalize/ (or 1_Normalize/)
 * config_sentence_transformers.json  prompts: the stand-in's (Query: / Passage:)
 * ```
 *
 * `StaticEmbedding` tokenises without special tokens and averages over the
 * text's tokens (`nn.EmbeddingBag`, mode mean), while the stand-in averages
 * over `[CLS] … [SEP]` too. The export bridges that exactly: its tokenizer
 * puts one marker token before every text (a `Prepend` normaliser after the
 * WordPiece normaliser, whose `clean_text` removes the marker character
 * `U+0001` from the text itself), and the marker's row is the sum of the
 * special tokens' rows. The mean then differs from the stand-in's only by a
 * positive factor (`(n + 2) / (n + 1)`), which Dense (linear) keeps and
 * Normalize removes. Truncation is the stand-in's: `max_length − 2` tokens of
 * text after the marker.
 *
 * Two inputs differ, because `tokenizers` normalises each piece between
 * special-token strings separately: an empty text (no marker: a zero vector
 * in sentence-transformers, the specials' direction in xlir) and a text that
 * contains a special token's literal string (`[SEP]`, `[CLS]` …: one marker
 * per piece).
 *
 * @module
 */

import { dirname, join } from "node:path";
import { InputError } from "../util/errors.ts";
import { writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import { type Prompts, promptsOf } from "./encoder.ts";
import type { TextTokenizer } from "../data/tokenizer.ts";
import { writeSafetensors } from "./safetensors.ts";
import {
  type ModuleEntry,
  moduleEntry,
  writeDenseModule,
  writeNormalizeModule,
  writePromptsConfig,
} from "./st_modules.ts";

/** The marker put before every text (a control character: BERT's `clean_text` removes it from texts). */
export const MARKER = "\u0001";

/** What {@linkcode exportStaticModel} reads of a static encoder (`StaticEncoder`'s public face). */
export interface StaticWeights {
  /** `E`, `vocabSize × hiddenSize`. */
  readonly embeddings: Float32Array;
  /** `W`, `projectionSize × hiddenSize`, or null. */
  readonly projection: Float32Array | null;
  readonly hiddenSize: number;
  readonly projectionSize: number;
  readonly maxLength: number;
  readonly tokenizer: TextTokenizer;
  /** Its prompts; absent: the stand-ins' `Query: ` / `Passage: `. */
  readonly prompts?: Prompts;
}

/**
 * The exported `tokenizer.json`: the stand-in's WordPiece tokenizer with the
 * marker in the vocabulary (id `markerId`), put before every text, and
 * truncation to the marker plus `maxLength − specials` tokens.
 *
 * @param json The stand-in's `tokenizer.json` text.
 * @param markerId The marker's id (the first row after the stand-in's).
 * @param maxLength The stand-in's maximum ids per text, special tokens included.
 * @param specials How many special tokens the stand-in adds to a text.
 * @returns The new `tokenizer.json` object.
 * @throws {InputError} for a tokenizer that is not WordPiece with BERT's `clean_text` normaliser.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MARKER, staticTokenizerJson } from "./static_export.ts";
 * const json = JSON.stringify({
 *   normalizer: { type: "BertNormalizer", clean_text: true },
 *   model: { type: "WordPiece", vocab: { "[CLS]": 0, "[SEP]": 1, hi: 2 } },
 * });
 * const out = staticTokenizerJson(json, 3, 8, 2);
 * assert.equal((out.model as { vocab: Record<string, number> }).vocab[MARKER], 3);
 * assert.equal((out.truncation as { max_length: number }).max_length, 7);
 * ```
 */
export function staticTokenizerJson(
  json: string,
  markerId: number,
  maxLength: number,
  specials: number,
): Record<string, unknown> {
  let t: Record<string, unknown>;
  try {
    t = JSON.parse(json);
  } catch (err) {
    throw new InputError(`tokenizer.json is not JSON: ${(err as Error).message}`);
  }
  const model = t.model as
    | { type?: string; vocab?: Record<string, number>; continuing_subword_prefix?: string }
    | undefined;
  // Older files name no type: WordPiece is the model with a vocabulary object and "##" pieces.
  const wordPiece = model?.type === "WordPiece" ||
    (model?.type === undefined && typeof model?.continuing_subword_prefix === "string");
  if (!wordPiece || typeof model?.vocab !== "object" || Array.isArray(model.vocab)) {
    throw new InputError(
      `tokenizer.json: model.type is ${
        JSON.stringify(model?.type)
      }, expected "WordPiece" (the export supports the stand-ins' WordPiece tokenizers)`,
    );
  }
  const norm = t.normalizer as { type?: string; clean_text?: boolean } | null | undefined;
  if (norm?.type !== "BertNormalizer" || norm.clean_text !== true) {
    throw new InputError(
      `tokenizer.json: normalizer is ${JSON.stringify(norm?.type ?? null)}${
        norm?.type === "BertNormalizer" ? " without clean_text" : ""
      }, expected a BertNormalizer with clean_text: true (it keeps the marker out of texts)`,
    );
  }
  if (MARKER in model.vocab) {
    throw new InputError(`tokenizer.json: the vocabulary already has the marker U+0001`);
  }
  if (maxLength <= specials) {
    throw new InputError(`maxLength is ${maxLength}, expected more than the ${specials} specials`);
  }
  return {
    ...t,
    truncation: {
      direction: "Right",
      max_length: maxLength - specials + 1,
      strategy: "LongestFirst",
      stride: 0,
    },
    padding: null,
    normalizer: {
      type: "Sequence",
      normalizers: [norm, { type: "Prepend", prepend: `${MARKER} ` }],
    },
    model: { ...model, vocab: { ...model.vocab, [MARKER]: markerId } },
  };
}

/**
 * Writes a static encoder as a sentence-transformers folder (see the module
 * doc). The folder is written beside `dir` and renamed into place, so a
 * failure leaves nothing half-written.
 *
 * @param encoder The stand-in (a `StaticEncoder`).
 * @param dir The folder to create; it must not exist.
 * @returns The `modules.json` entries.
 * @throws {InputError} when `dir` exists or the tokenizer is not WordPiece.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { exportStaticModel } from "./static_export.ts";
 * import { createStaticEncoder } from "./static_encoder.ts";
 * import { tinyTokenizer } from "../data/_testing.ts";
 * const enc = createStaticEncoder({ tokenizer: await tinyTokenizer(), dim: 4, projection: 2 });
 * const dir = join(await Deno.makeTempDir(), "st");
 * const modules = await exportStaticModel(enc, dir);
 * assert.deepEqual(modules.map((m) => m.path), ["0_StaticEmbedding", "1_Dense", "2_Normalize"]);
 * enc.dispose();
 * ```
 */
export async function exportStaticModel(
  encoder: StaticWeights,
  dir: string,
): Promise<ModuleEntry[]> {
  if (await Deno.stat(dir).then(() => true, () => false)) {
    throw new InputError(`${dir} exists; the export writes a new folder`);
  }
  const tok = encoder.tokenizer;
  if (tok.lowerCase) throw new InputError("the stand-in's tokenizer lower-cases, expected none");
  const d = encoder.hiddenSize, E = encoder.embeddings, V = E.length / d;
  // The ids the stand-in puts around every text ([CLS], [SEP]).
  const specials = tok.encode("", { addSpecialTokens: true });
  const tokJson = staticTokenizerJson(tok.json, V, encoder.maxLength, specials.length);
  const rows = new Float32Array((V + 1) * d);
  rows.set(E);
  for (const id of specials) {
    for (let k = 0; k < d; k++) rows[V * d + k] += E[id * d + k];
  }
  await Deno.mkdir(dirname(dir), { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: dirname(dir), prefix: ".export-static-" });
  try {
    const modules: ModuleEntry[] = [moduleEntry(0, "StaticEmbedding")];
    const emb = join(tmp, modules[0].path);
    await writeSafetensors(join(emb, "model.safetensors"), {
      "embedding.weight": { dtype: "F32", shape: [V + 1, d], data: rows },
    }, { format: "pt" });
    await writeTextFileAtomic(join(emb, "tokenizer.json"), JSON.stringify(tokJson));
    const W = encoder.projection;
    if (W !== null) {
      const spec = {
        inFeatures: d,
        outFeatures: encoder.projectionSize,
        bias: false,
        activation: "identity" as const,
      };
      modules.push(await writeDenseModule(tmp, modules.length, { spec, weight: W }));
    }
    modules.push(await writeNormalizeModule(tmp, modules.length));
    await writePromptsConfig(tmp, promptsOf(encoder));
    await writeJsonAtomic(join(tmp, "modules.json"), modules);
    await Deno.rename(tmp, dir);
    return modules;
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
}
