/**
 * The shapes every stage after `lib/data/` works with.
 *
 * Ids, used everywhere (runs, qrels, tables):
 * - query: `"{lang}:{question id}"`, e.g. `"de:56beb4343aeaaa14008c925b"`;
 * - candidate: `"{lang}:{p}:{s}"` with `p` the 0-based paragraph ordinal in
 *   file order and `s` the 0-based sentence index in that paragraph.
 *
 * @module
 */

/** One candidate answer sentence of a LAReQA-style dataset. */
export interface Candidate {
  /** `"{lang}:{p}:{s}"`. */
  id: string;
  /** Language code (`"en"`, `"zh"`, …). */
  lang: string;
  /** 0-based paragraph ordinal in file order. */
  paragraph: number;
  /** 0-based sentence index within the paragraph. */
  sentence: number;
  /** The sentence text. */
  text: string;
}

/** One question of a LAReQA-style dataset, in one language. */
export interface Question {
  /** `"{lang}:{qid}"`. */
  id: string;
  /** The question id shared by all its translations. */
  qid: string;
  /** Language code. */
  lang: string;
  /** The question text. */
  text: string;
  /** Ids of the candidates in this language that hold the answer (usually one). */
  answers: string[];
}

/** The questions and candidates of one language. */
export interface LareqaLanguage {
  lang: string;
  /** Questions in file order. */
  questions: Question[];
  /** Candidates in file order (paragraph, then sentence). */
  candidates: Candidate[];
  /** Paragraph contexts, indexed by paragraph ordinal (`Candidate.paragraph`). */
  contexts: string[];
}

/**
 * A LAReQA-style retrieval dataset (XQuAD-R, MLQA-R): per language, questions
 * and candidate sentences; relevance crosses languages by question id — the
 * answers to `"{X}:{qid}"` in language Y are `byLang[Y]`'s question `qid`'s
 * answers, when Y has that question.
 */
export interface LareqaDataset {
  /** `"xquad-r"` or `"mlqa-r"` (or a rebuild's name). */
  name: string;
  /** Language codes, sorted. */
  languages: string[];
  /** Per language. */
  byLang: Record<string, LareqaLanguage>;
}

/**
 * A training example available in several languages: a query and its positive
 * passage, the same example (translations) in every language it has.
 */
export interface ParallelExample {
  /** Stable id, unique in its set (e.g. `"ntrex:bbc.381790:3"`). */
  id: string;
  /** Group for splitting (document id): examples of one group stay on one side of a split. */
  group: string;
  /**
   * Per language: the query text, the positive passage text and, when mined
   * (`lib/train/hard_negatives.ts`), a hard negative passage in that language.
   */
  texts: Record<string, { query: string; passage: string; negative?: string }>;
}

/** A sentence aligned across languages (one row of a multi-parallel corpus). */
export interface AlignedSentence {
  /** Stable id, e.g. `"flores:devtest:17"`. */
  id: string;
  /** Document (article) id; sentences of one document are consecutive. */
  doc: string;
  /** Per language code: the sentence. */
  text: Record<string, string>;
}

/** A translation pair (sentence or lexicon entry). */
export interface TranslationPair {
  /** Source language code. */
  srcLang: string;
  /** Target language code. */
  tgtLang: string;
  src: string;
  tgt: string;
  /** Where it came from (`"tatoeba"`, `"freedict:eng-deu"`, `"ntrex"`, `"gettext"`, …). */
  source: string;
  /** The Debian package the text was read from, when known (`"coreutils"`). */
  package?: string;
  /** The file it was read from, when the source has many (`"/usr/share/locale/de/LC_MESSAGES/sed.mo"`). */
  file?: string;
}
