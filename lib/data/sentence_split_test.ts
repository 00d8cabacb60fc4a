import assert from "node:assert/strict";
import { sentenceSpans, splitSentences } from "./sentence_split.ts";

Deno.test("sentenceSpans() returns trimmed, ordered ranges that cover the text but whitespace", () => {
  const text = "  One sentence here.  Two?\nThree!  ";
  const spans = sentenceSpans(text, "en");
  assert.deepEqual(spans.map(([s, e]) => text.slice(s, e)), [
    "One sentence here.",
    "Two?",
    "Three!",
  ]);
  let at = 0;
  for (const [s, e] of spans) {
    assert.match(text.slice(at, s), /^\s*$/);
    at = e;
  }
  assert.match(text.slice(at), /^\s*$/);
  assert.deepEqual(sentenceSpans("   ", "en"), []);
  assert.deepEqual(sentenceSpans("", "zh"), []);
});

Deno.test("splitSentences() does not break after abbreviations and single initials (en)", () => {
  assert.deepEqual(
    splitSentences("Dr. Smith met John F. Kennedy in the U.S. Navy. He left.", "en"),
    ["Dr. Smith met John F. Kennedy in the U.S. Navy.", "He left."],
  );
  assert.deepEqual(splitSentences("It was huge, e.g. Bigger than most. Yes.", "en"), [
    "It was huge, e.g. Bigger than most.",
    "Yes.",
  ]);
});

Deno.test("splitSentences() breaks after the second of two initials, like LAReQA (en)", () => {
  assert.deepEqual(splitSentences("It was written by C. S. Lewis in 1950.", "en"), [
    "It was written by C. S.",
    "Lewis in 1950.",
  ]);
  assert.deepEqual(splitSentences("President George H. W. Bush spoke.", "vi"), [
    "President George H. W.",
    "Bush spoke.",
  ]);
});

Deno.test("splitSentences() keeps a glued citation with its sentence and breaks after it", () => {
  // With a zero-width space after the citation, LAReQA does not break at all.
  assert.deepEqual(splitSentences("Era liberal.[30]\u200b[31]\u200b Federico reinó.", "es"), [
    "Era liberal.[30]\u200b[31]\u200b Federico reinó.",
  ]);
  assert.deepEqual(splitSentences("He won the battle.[63] During this time he rested.", "en"), [
    "He won the battle.[63]",
    "During this time he rested.",
  ]);
});

Deno.test("splitSentences() does not break at a full stop glued to the next word (en, de)", () => {
  assert.deepEqual(splitSentences("He died in 1979.In young adulthood, she worked.", "en"), [
    "He died in 1979.In young adulthood, she worked.",
  ]);
  assert.deepEqual(splitSentences('Without a pilot."The Germans built one.', "en"), [
    'Without a pilot."The Germans built one.',
  ]);
});

Deno.test("splitSentences() breaks before a quote glued after a full stop (ar, hi, vi)", () => {
  assert.deepEqual(
    splitSentences('Anh ấy nói đó là chất xúc tác."Năm 1997, Jolie đóng phim.', "vi"),
    [
      "Anh ấy nói đó là chất xúc tác.",
      '"Năm 1997, Jolie đóng phim.',
    ],
  );
  assert.deepEqual(splitSentences('यही तरीक़ा है।"2005 में, जोली आई।', "hi"), [
    "यही तरीक़ा है।",
    '"2005 में, जोली आई।',
  ]);
});

Deno.test("splitSentences() treats German ordinals and closing quotes as no break", () => {
  assert.deepEqual(
    splitSentences("Am 25. Januar 1858 heiratete er. Er sagte: „Nein.“ Dann ging er.", "de"),
    ["Am 25. Januar 1858 heiratete er.", "Er sagte: „Nein.“ Dann ging er."],
  );
  assert.deepEqual(splitSentences("Er erreichte die Kategorie 4. Der Sturm zog ab.", "de"), [
    "Er erreichte die Kategorie 4.",
    "Der Sturm zog ab.",
  ]);
});

Deno.test("splitSentences() breaks before a number after a full stop (de), which ICU misses", () => {
  assert.deepEqual(splitSentences("Sie war über. 1893 verließ sie die Stadt.", "de"), [
    "Sie war über.",
    "1893 verließ sie die Stadt.",
  ]);
});

Deno.test("splitSentences() treats 。 as a full stop, but not before a digit (zh)", () => {
  assert.deepEqual(splitSentences("他出任该党总书记。他出任副主席。", "zh"), [
    "他出任该党总书记。",
    "他出任副主席。",
  ]);
  assert.deepEqual(splitSentences("他出任该党总书记。1998年，出任该党副主席。", "zh"), [
    "他出任该党总书记。1998年，出任该党副主席。",
  ]);
  assert.deepEqual(splitSentences("取而代之。“Apartheid”这一措辞很常见。", "zh"), [
    "取而代之。",
    "“Apartheid”这一措辞很常见。",
  ]);
});

Deno.test("splitSentences() breaks before a lowercase word after a full stop in es", () => {
  assert.deepEqual(splitSentences("Fue el segundo rey de esa dinastía. que reinó mucho.", "es"), [
    "Fue el segundo rey de esa dinastía.",
    "que reinó mucho.",
  ]);
});
