/**
 * Protocol P2 training data: question → answer-sentence pairs from a
 * LAReQA-style dataset (XQuAD-R, MLQA-R), one {@linkcode ParallelExample} per
 * question id with the question and its answer sentence in every language that
 * has both.
 *
 * Groups. Several questions can have the same answer sentence (MLQA often;
 * XQuAD sometimes), and in-batch negatives must not include a positive of
 * another question in the batch. Sentence segmentation differs across
 * languages, so "the same answer" is decided per language and closed
 * transitively: two questions are in one group when, in some language, an
 * answer candidate of one is an answer candidate of the other (all answer
 * candidates count, not just the first that gives the passage). With
 * `groupBy: "paragraph"`, sharing an answer paragraph (`"{lang}:{p}"`) is
 * enough — coarser, for splits that must not share context. The group's name
 * is its smallest key (`"{lang}:{p}:{s}"` or `"{lang}:{p}"`) in code-point
 * order.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import type { Candidate, LareqaDataset, ParallelExample } from "./types.ts";

/** Options of {@linkcode buildQaPairs}. */
export interface QaPairsOptions {
  /** Languages to use (default: all of the dataset's). */
  languages?: readonly string[];
  /** What shared answer puts questions in one group (default `"sentence"`). */
  groupBy?: "sentence" | "paragraph";
  /** Drop examples with fewer languages (default 1). */
  minLanguages?: number;
}

/** Union-find over string keys. */
class Groups {
  #parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    while (this.#parent.has(root) && this.#parent.get(root) !== root) {
      root = this.#parent.get(root)!;
    }
    if (!this.#parent.has(x)) this.#parent.set(x, x);
    while (x !== root) {
      const next = this.#parent.get(x)!;
      this.#parent.set(x, root);
      x = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.#parent.set(rb, ra);
  }
}

/**
 * Builds P2 examples: per question id, `texts[lang] = { query: question,
 * passage: first answer sentence }`.
 *
 * Example ids are `"{dataset name}:{qid}"`; examples come in order of first
 * appearance, languages in the dataset's (sorted) order, questions in file
 * order.
 *
 * @param dataset The dataset.
 * @param options Languages, grouping, minimum languages per example.
 * @returns The examples.
 * @throws {InputError} When an answer id is not a candidate of its language,
 * or for a language not in the dataset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildQaPairs } from "./qa_pairs.ts";
 * const cand = { id: "en:0:1", lang: "en", paragraph: 0, sentence: 1, text: "Paris is big." };
 * const dataset = {
 *   name: "toy",
 *   languages: ["en"],
 *   byLang: {
 *     en: {
 *       lang: "en",
 *       contexts: ["x"],
 *       candidates: [cand],
 *       questions: [{ id: "en:q1", qid: "q1", lang: "en", text: "How big?", answers: ["en:0:1"] }],
 *     },
 *   },
 * };
 * const [ex] = buildQaPairs(dataset);
 * assert(ex.texts.en.passage === "Paris is big." && ex.group === "en:0:1");
 * ```
 */
export function buildQaPairs(
  dataset: LareqaDataset,
  options: QaPairsOptions = {},
): ParallelExample[] {
  const languages = options.languages ?? dataset.languages;
  const byParagraph = options.groupBy === "paragraph";
  const groups = new Groups();
  const texts = new Map<string, ParallelExample["texts"]>();
  const keys = new Set<string>();
  for (const lang of languages) {
    const data = dataset.byLang[lang];
    if (data === undefined) {
      throw new InputError(
        `Dataset ${dataset.name} has no language "${lang}", expected one of ${
          dataset.languages.join(" ")
        }`,
      );
    }
    const candidates = new Map<string, Candidate>(data.candidates.map((c) => [c.id, c]));
    for (const [qi, q] of data.questions.entries()) {
      if (q.answers.length === 0) continue;
      const answers = q.answers.map((id, ai) => {
        const c = candidates.get(id);
        if (c === undefined) {
          throw new InputError(
            `Dataset ${dataset.name}: byLang.${lang}.questions[${qi}].answers[${ai}] is "${id}", not a candidate id of ${lang}`,
          );
        }
        return c;
      });
      const node = `q\t${q.qid}`;
      for (const c of answers) {
        const key = byParagraph ? `${c.lang}:${c.paragraph}` : c.id;
        keys.add(key);
        groups.union(node, key);
      }
      let t = texts.get(q.qid);
      if (t === undefined) texts.set(q.qid, t = {});
      t[lang] = { query: q.text, passage: answers[0].text };
    }
  }
  // Name each group by its smallest answer key.
  const names = new Map<string, string>();
  for (const key of keys) {
    const root = groups.find(key);
    const name = names.get(root);
    if (name === undefined || key < name) names.set(root, key);
  }
  const minLanguages = options.minLanguages ?? 1;
  const examples: ParallelExample[] = [];
  for (const [qid, t] of texts) {
    if (Object.keys(t).length < minLanguages) continue;
    examples.push({
      id: `${dataset.name}:${qid}`,
      group: names.get(groups.find(`q\t${qid}`))!,
      texts: t,
    });
  }
  return examples;
}
