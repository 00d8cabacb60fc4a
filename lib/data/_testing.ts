/**
 * Fixtures for tests and doc examples: a tiny WordPiece tokenizer (about 40
 * lower-cased ids, BERT or RoBERTa style), and a tiny data directory in the
 * layouts the loaders read — XQuAD-R, MLQA-R, MLQA dev, BEIR, MIRACL,
 * NTREX-128, FLORES-200, Tatoeba and the mBERT vocabulary folder (holding the
 * tiny tokenizer) — with texts in the tokenizer's words.
 *
 * @module
 */

import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { FLORES_CODES } from "./flores.ts";
import { MLQA_R_LANGS, XQUAD_R_LANGS } from "./languages.ts";
import { NTREX_FILES } from "./ntrex.ts";
import {
  DEFAULT_TATOEBA_VARIANTS,
  TATOEBA_LANGUAGES,
  TATOEBA_PAIRS,
  TATOEBA_VERSION,
} from "./tatoeba.ts";
import { loadTokenizer, MBERT_VOCAB, type TextTokenizer } from "./tokenizer.ts";
import { PARALLEL_LANGUAGES } from "./_parallel_lines.ts";

const WORDS = [
  "query",
  "passage",
  ":",
  "?",
  ".",
  ",",
  "the",
  "a",
  "is",
  "of",
  "who",
  "what",
  "where",
  "cat",
  "dog",
  "sat",
  "on",
  "mat",
  "berlin",
  "paris",
  "capital",
  "germany",
  "france",
  "river",
  "city",
  "wer",
  "war",
  "die",
  "hauptstadt",
  "von",
  "##s",
  "##en",
  "##er",
  "un",
  "##able",
];

/** Special tokens of each style, in id order. */
const SPECIALS = {
  bert: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
  roberta: ["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
} as const;

/**
 * A tiny WordPiece `tokenizer.json` (about 40 ids; lower-cased words).
 *
 * @param style `"bert"` (`[CLS]`=2, `[SEP]`=3, `[PAD]`=0) or `"roberta"` (`<s>`=0, `<pad>`=1, `</s>`=2).
 * @returns The JSON text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyTokenizerJson } from "./_testing.ts";
 * assert(JSON.parse(tinyTokenizerJson("bert")).model.vocab["[PAD]"] === 0);
 * ```
 */
export function tinyTokenizerJson(style: "bert" | "roberta" = "bert"): string {
  const specials = SPECIALS[style];
  const [cls, sep] = style === "bert" ? ["[CLS]", "[SEP]"] : ["<s>", "</s>"];
  const unk = style === "bert" ? "[UNK]" : "<unk>";
  const vocab: Record<string, number> = {};
  for (const t of [...specials, ...WORDS]) vocab[t] = Object.keys(vocab).length;
  const special = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  return JSON.stringify({
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: specials.map((content) => ({
      id: vocab[content],
      special: true,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
    })),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [special(cls), { Sequence: { id: "A", type_id: 0 } }, special(sep)],
      pair: [
        special(cls),
        { Sequence: { id: "A", type_id: 0 } },
        special(sep),
        { Sequence: { id: "B", type_id: 1 } },
        special(sep),
      ],
      special_tokens: {
        [cls]: { id: cls, ids: [vocab[cls]], tokens: [cls] },
        [sep]: { id: sep, ids: [vocab[sep]], tokens: [sep] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: unk,
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab,
    },
  });
}

/**
 * Writes {@linkcode tinyTokenizerJson} to a temporary folder and loads it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyTokenizer } from "./_testing.ts";
 * const tok = await tinyTokenizer("roberta");
 * assert(tok.padId === 1 && tok.encode("the cat")[0] === 0);
 * ```
 */
export async function tinyTokenizer(style: "bert" | "roberta" = "bert"): Promise<TextTokenizer> {
  const dir = await Deno.makeTempDir({ prefix: "xlir-tok-" });
  await Deno.writeTextFile(`${dir}/tokenizer.json`, tinyTokenizerJson(style));
  return await loadTokenizer(dir);
}

/** One LAReQA-style paragraph: its sentences, and questions answered by sentence index. */
function lareqaParagraph(sentences: string[], qas: [string, string, number][]) {
  const breaks: number[] = [];
  let at = 0;
  for (const s of sentences) breaks.push((at += s.length + 1) - 1);
  const context = sentences.join(" ");
  const starts = sentences.map((_, i) => (i === 0 ? 0 : breaks[i - 1] + 1));
  return {
    context,
    sentences,
    sentence_breaks: sentences.map((_, i) => [starts[i], breaks[i]]),
    qas: qas.map(([id, question, s]) => ({
      id,
      question,
      answers: [{ text: sentences[s], answer_start: starts[s] }],
    })),
  };
}

/** German texts for `de`; every other language gets the English ones (the tokenizer's words). */
const LAREQA: Record<"en" | "de", { sentences: string[]; qas: [string, string, number][] }> = {
  en: {
    sentences: ["the cat sat on the mat.", "berlin is the capital of germany.", "paris is a city."],
    qas: [["q1", "who sat on the mat?", 0], ["q2", "what is the capital of germany?", 1]],
  },
  de: {
    sentences: ["die cat sat on die mat.", "berlin is die hauptstadt von germany.", "paris."],
    qas: [["q1", "wer sat on die mat?", 0], ["q2", "wer war die hauptstadt von germany?", 1]],
  },
};
const textsOf = (lang: string) => LAREQA[lang === "de" ? "de" : "en"];

/** Lines of a parallel corpus file: German for `de`, else English. */
const lines = (lang: string, en: string[], de: string[]) =>
  (lang === "de" ? de : en).join("\n") + "\n";

/** What {@linkcode writeTinyDataDir} writes, relative to the data directory. */
export const TINY_DATA: Readonly<Record<string, string | Uint8Array>> = (() => {
  const files: Record<string, string | Uint8Array> = {};
  const squad = (p: unknown) =>
    JSON.stringify({ version: "1.0", data: [{ title: "T", paragraphs: [p] }] });
  for (const lang of XQUAD_R_LANGS) {
    const { sentences, qas } = textsOf(lang);
    files[`xquad-r/${lang}.json`] = squad(lareqaParagraph(sentences, qas));
  }
  for (const lang of MLQA_R_LANGS) {
    const { sentences, qas } = textsOf(lang);
    files[`mlqa-r/${lang}.json`] = squad(lareqaParagraph(sentences, qas));
    const { sentences: _s, sentence_breaks: _b, ...plain } = lareqaParagraph(sentences, qas);
    files[`mlqa/dev/dev-context-${lang}-question-${lang}.json`] = squad(plain);
  }
  files[`${MBERT_VOCAB}/tokenizer.json`] = tinyTokenizerJson("bert");
  files["beir/toy/corpus.jsonl"] = [
    { _id: "d1", title: "cats", text: "the cat sat on the mat." },
    { _id: "d2", title: "", text: "berlin is the capital of germany." },
    { _id: "d3", title: "paris", text: "paris is a city of france." },
  ].map((d) => JSON.stringify(d)).join("\n") + "\n";
  files["beir/toy/queries.jsonl"] = [
    { _id: "q1", text: "who sat on the mat?" },
    { _id: "q2", text: "where is paris?" },
  ].map((q) => JSON.stringify(q)).join("\n") + "\n";
  files["beir/toy/qrels/test.tsv"] = "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n";
  files["miracl/topics/topics.miracl-v1.0-sw-dev.tsv"] =
    "1\twho sat on the mat?\n2\twhere is paris?\n";
  files["miracl/qrels/qrels.miracl-v1.0-sw-dev.tsv"] = "1 Q0 7#0 1\n1 Q0 7#1 0\n2 Q0 9#0 1\n";
  files["miracl/corpus/miracl-corpus-v1.0-sw/docs-0.jsonl.gz"] = gzipSync(
    [
      { docid: "7#0", title: "cats", text: "the cat sat on the mat." },
      { docid: "7#1", title: "cats", text: "a dog sat." },
      { docid: "9#0", title: "paris", text: "paris is a city of france." },
    ].map((d) => JSON.stringify(d)).join("\n") + "\n",
  );
  const ntrex = "parallel/ntrex128";
  files[`${ntrex}/DOCUMENT_IDS.tsv`] = "a\na\nb\n";
  for (const lang of PARALLEL_LANGUAGES) {
    files[`${ntrex}/${NTREX_FILES[lang]}`] = lines(
      lang,
      ["the cat sat.", "the dog sat.", "berlin is a city."],
      ["die cat sat.", "die dog sat.", "berlin is a city."],
    );
  }
  const flores = "parallel/flores200";
  files[`${flores}/metadata_devtest.tsv`] =
    "URL\tdomain\nhttp://a\twikinews\nhttp://a\twikinews\nhttp://b\twikinews\n";
  for (const lang of PARALLEL_LANGUAGES) {
    files[`${flores}/${FLORES_CODES[lang]}.devtest`] = lines(
      lang,
      ["paris is a city.", "the river.", "the mat."],
      ["paris is a city.", "die river.", "die mat."],
    );
  }
  for (const lang of TATOEBA_LANGUAGES) {
    const { dir, code } = TATOEBA_PAIRS[lang];
    const base = `parallel/tatoeba/${dir}/tatoeba-test-${TATOEBA_VERSION}`;
    files[`${base}.eng`] = "the cat.\nthe dog.\n";
    files[`${base}.eng.labels`] = "eng\neng\n";
    files[`${base}.${code}`] = lines(lang, ["a cat.", "a dog."], ["die cat.", "die dog."]);
    const label = DEFAULT_TATOEBA_VARIANTS[lang][0];
    files[`${base}.${code}.labels`] = `${label}\n${label}\n`;
  }
  return files;
})();

/**
 * A temporary data directory holding {@linkcode TINY_DATA}: every loader of
 * `lib/data` reads it with `dataDir`: every language of XQuAD-R, MLQA-R,
 * NTREX-128, FLORES-200 and Tatoeba (German texts for de, English ones for
 * the rest), the BEIR dataset `toy`, MIRACL's `sw` with its corpus.
 *
 * @returns The directory (the caller removes it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeTinyDataDir } from "./_testing.ts";
 * const dataDir = await writeTinyDataDir();
 * assert(Deno.statSync(`${dataDir}/xquad-r/en.json`).isFile);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function writeTinyDataDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "xlir-data-" });
  for (const [rel, content] of Object.entries(TINY_DATA)) {
    const path = join(dir, rel);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
  }
  return dir;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** dictd's base64 number: most significant digit first. */
function dictdNumber(n: number): string {
  let s = "";
  do {
    s = B64[n % 64] + s;
    n = Math.floor(n / 64);
  } while (n > 0);
  return s;
}

/**
 * Writes a FreeDict dictionary in dictd's layout: `freedict-{name}.index`
 * (headword, offset, length) and the gzipped `freedict-{name}.dict.dz`.
 *
 * @param dir The folder (it must exist).
 * @param name E.g. `"eng-deu"`.
 * @param entries `[index headword, entry text]`, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeDictd } from "./_testing.ts";
 * const dir = await Deno.makeTempDir();
 * await writeDictd(dir, "eng-deu", [["cat", "cat\nKatze\n"]]);
 * assert.equal(await Deno.readTextFile(`${dir}/freedict-eng-deu.index`), "cat\tA\tK\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeDictd(
  dir: string,
  name: string,
  entries: readonly [string, string][],
): Promise<void> {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const index: string[] = [];
  let offset = 0;
  for (const [headword, text] of entries) {
    const bytes = encoder.encode(text);
    index.push(`${headword}\t${dictdNumber(offset)}\t${dictdNumber(bytes.length)}`);
    chunks.push(bytes);
    offset += bytes.length;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  await Deno.writeTextFile(join(dir, `freedict-${name}.index`), index.join("\n") + "\n");
  await Deno.writeFile(join(dir, `freedict-${name}.dict.dz`), gzipSync(data));
}
