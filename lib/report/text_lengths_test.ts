import assert from "node:assert/strict";
import type { TextTokenizer } from "../data/tokenizer.ts";
import type { LareqaDataset } from "../data/types.ts";
import { textLengthFinding, textLengthTable } from "./text_lengths.ts";

/** One id per space-separated word: a text's length is its word count. */
const words = {
  encode: (t: string) => new Int32Array(t.split(" ").length),
} as unknown as TextTokenizer;

function dataset(candidates: string[]): LareqaDataset {
  return {
    name: "toy",
    languages: ["en"],
    byLang: {
      en: {
        lang: "en",
        questions: [{ id: "en:q", qid: "q", lang: "en", text: "a b", answers: [] }],
        candidates: candidates.map((text, s) => ({
          id: `en:0:${s}`,
          lang: "en",
          paragraph: 0,
          sentence: s,
          text,
        })),
        contexts: [],
      },
    },
  } as unknown as LareqaDataset;
}

Deno.test("textLengthTable() counts tokens with the role's prompt and the share over each limit", () => {
  // Lengths with the one-word prompts: 2, 3, 4, 5, 11.
  const ds = dataset(["a", "a b", "a b c", "a b c d", "a b c d e f g h i j"]);
  const rows = textLengthTable([ds], words, [3, 10], { query: "Q: ", passage: "P: " });
  assert.deepEqual(rows[0], {
    dataset: "toy",
    texts: "questions",
    n: 1,
    median_tokens: 3,
    p95_tokens: 3,
    max_tokens: 3,
    over_3: 0,
    over_10: 0,
  });
  assert.deepEqual(rows[1], {
    dataset: "toy",
    texts: "candidates",
    n: 5,
    median_tokens: 4,
    p95_tokens: 11,
    max_tokens: 11,
    over_3: 3 / 5,
    over_10: 1 / 5,
  });
  assert.equal(
    textLengthFinding(rows, { 3: "the short limit" }),
    "Candidates longer than the short limit (3 tokens): toy 60.0%.",
  );
});
