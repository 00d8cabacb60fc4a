/**
 * Sentence splitting that approximates the sentence breaks of LAReQA's files
 * (XQuAD-R, MLQA-R), for rebuilding MLQA-R from the plain MLQA dev split.
 *
 * The base is `Intl.Segmenter(lang, {granularity: "sentence"})` (ICU, UAX #29).
 * Alone it is far from LAReQA's breaks in en, de, es and zh; these rules,
 * read off the differences on MLQA dev, close most of the gap:
 *
 * - Abbreviations (en, de, es; lists below): no break after `Dr.`, `U.S.`,
 *   `e.g.`, `z. B.`, `Mio.`, …, nor after a single-letter initial
 *   (`John F. Kennedy`), except after the second of two initials, where
 *   LAReQA breaks (`C. S.⏎Lewis`); in every language, no break between two
 *   initials (`George H. W. Bush`).
 * - German: no break after a number of 1–3 digits (an ordinal, `am 25. Januar`)
 *   unless a sentence-opening word follows (`Kategorie 4. Der …`), and none
 *   after a closing `“` (`…bestrafen.“ Er wollte`).
 * - Citations (en, de, es): a citation glued to the full stop stays with its
 *   sentence (`….[63] During`); after one followed by a zero-width space
 *   (`….[347]\u200b Después`, common in es) LAReQA does not break at all. A
 *   `[...]` elision in es does not end a sentence either.
 * - Glued full stops: in en, de, es (and el, ru, tr) a full stop glued to the
 *   next word is no break (`in 2010.Diabetes is`); in ar, hi and vi it is one,
 *   and a quote between the full stop and the next word opens the next
 *   sentence (`…तरीक़ा है।"2005 में` breaks before `"`).
 * - Chinese: `。` glued to a digit or lowercase Latin letter is no break
 *   (`…。1997年`); `“` after `。` opens the next sentence, while `「《（` stay
 *   with the previous one; `……` ends a sentence.
 * - Breaks ICU misses: before a number after a full stop and a space in en and
 *   de (`…über. 1893 verließ sie`, but not before a decimal in en:
 *   `races. 75.71% of`), and before a lowercase word in es (`…dinastía. que`).
 *
 * Agreement with LAReQA (share of its sentences reproduced exactly, multiset
 * overlap; candidate count difference), on MLQA dev, where the rules were tuned
 * (`mlqa_rebuild_test.ts`): ar 97.6% (−1), de 97.9% (−3), en 99.3% (+2),
 * es 98.9% (−2), hi 99.8% (−1), vi 99.9% (0), zh 99.8% (+5). On XQuAD-R's
 * contexts, not used for tuning: ar 98.6, de 97.3, el 99.0, en 98.4, es 95.6,
 * hi 98.8, ru 95.8, tr 99.0, vi 99.4, zh 93.0; Thai is not split usefully
 * (ICU finds 322 of LAReQA's 852 sentences), which does not matter here:
 * XQuAD-R ships its breaks and MLQA has no Thai.
 *
 * Not reproduced on purpose: in Arabic, where a full stop is glued to the next
 * word, LAReQA's break falls after that word or inside it at a clitic
 * (`المكسيك.جد|ها`), an artefact of its tokenizer; here the break is at the
 * full stop.
 *
 * @module
 */

/** Abbreviations (without their final full stop) after which no sentence ends. */
const ABBREVIATIONS: Record<string, ReadonlySet<string>> = {
  en: words(
    "Mr Mrs Ms Dr St Sr Prof Rev Gen Col Lt Sgt Capt Gov Sen Rep Inc Ltd Co Corp Bros vs Vs U.S " +
      "e.g i.e c ca p pp Op approx a.m p.m al etc",
  ),
  de: words(
    "Dr St Prof Mr Mrs Nr bzw ca vgl geb gest hl Hl inkl Mio Mrd usw etc u a z d h n v Chr Jh " +
      "Bros vs Ste p Jr sog bspw evtl Tsd",
  ),
  es: words("Dr Dra Sr Sra Srta St aprox p pp vol núm No a d Ud Uds vs Inc EE"),
};

function words(list: string): ReadonlySet<string> {
  return new Set(list.split(" "));
}

/** Languages where a full stop glued to the next word is no break (`in 2010.Diabetes`). */
const GLUED_NO_BREAK = new Set(["en", "de", "es", "el", "ru", "tr", "fr", "it", "pt"]);
/** Languages where a full stop glued to an opening quote breaks before the quote. */
const QUOTE_BREAK = new Set(["ar", "hi", "vi"]);
/** German words that start a sentence after a number (`… Kategorie 4. Der Hurrikan`). */
const GERMAN_STARTERS =
  /^(?:Der|Die|Das|Dem|Den|Am|Im|In|Er|Sie|Es|Ein|Eine|Nach|Mit|Bei|Seit|Von|Auf|Als|Da|Dies\p{L}*)\s/u;
/** Languages without spaces between words. */
const UNSPACED = new Set(["zh", "ja", "th"]);

const SPACE = /[\s]/u;
const segmenters = new Map<string, Intl.Segmenter>();

function segmenter(lang: string): Intl.Segmenter {
  let s = segmenters.get(lang);
  if (!s) {
    s = new Intl.Segmenter(lang, { granularity: "sentence" });
    segmenters.set(lang, s);
  }
  return s;
}

/** The word that ends right before `end` (back to whitespace or an opening bracket/quote). */
function wordBefore(text: string, end: number): string {
  let i = end;
  while (i > 0 && !SPACE.test(text[i - 1]) && !"([{„“\"'«".includes(text[i - 1])) i--;
  return text.slice(i, end);
}

/**
 * Decides what happens to a candidate break at `b` (the first non-space
 * character of the would-be next sentence).
 *
 * @returns The (possibly moved) break position, or -1 to drop it.
 */
function adjust(text: string, b: number, lang: string): number {
  // A citation glued to the full stop stays with its sentence: `….[30] Next`.
  // (ICU keeps the opening `[` with the full stop, so the break may follow it.)
  const c = text[b - 1] === "[" ? b - 1 : b;
  const cite = /^(?:\[\d+\]\u200b?)+/.exec(text.slice(c, c + 40));
  if (cite && c > 0 && !SPACE.test(text[c - 1]) && !QUOTE_BREAK.has(lang)) {
    // `….[347]\u200b Después`: LAReQA does not break after a zero-width space.
    if (cite[0].includes("\u200b")) return -1;
    let e = c + cite[0].length;
    if (e >= text.length || !SPACE.test(text[e])) return -1;
    while (e < text.length && SPACE.test(text[e])) e++;
    return e < text.length ? e : -1;
  }
  let j = b; // end of the previous sentence (exclusive), before the gap
  while (j > 0 && SPACE.test(text[j - 1])) j--;
  const glued = j === b;
  const prev = text[j - 1] ?? "";
  const next = text[b];
  // `… otros. [...] En The Avengers`: no break after an elision in es.
  if (lang === "es" && /\[(?:\.\.\.|…)\]$/.test(text.slice(Math.max(0, j - 5), j))) return -1;
  if (UNSPACED.has(lang)) {
    // `。“Apartheid”`: an opening quote after `。` starts the next sentence…
    if (glued && prev === "“" && /[。！？]/.test(text[j - 2] ?? "")) return j - 1;
    // …but an opening bracket stays with the previous one (LAReQA's quirk): `。「收集`.
    if (glued && /[「《（]/.test(next) && /[。！？]/.test(prev)) {
      return b + 1 < text.length && !/[\s「《（]/.test(text[b + 1]) ? b + 1 : -1;
    }
    // `。1997年`, `。r1的阶`: no break before a digit or a lowercase Latin letter.
    if (glued && prev === "。" && /[0-9a-z]/.test(next)) return -1;
    return b;
  }
  if (glued) {
    if (QUOTE_BREAK.has(lang) && /["”]/.test(prev) && /[.।؟!?]/.test(text[j - 2] ?? "")) {
      return j - 1; // `…है।"2005 में`: the quote opens the next sentence
    }
    return GLUED_NO_BREAK.has(lang) ? -1 : b;
  }
  // Strip closing quotes/brackets to find the terminator.
  let t = j;
  while (t > 0 && /["'”’“»)\]]/.test(text[t - 1])) t--;
  const term = text[t - 1] ?? "";
  if (lang === "de" && text.slice(t, j).includes("“")) return -1; // `.“ Er` (German closing quote)
  // `George H. W. Bush`: no break between two initials.
  if (
    term === "." && /^\p{Lu}\.$/u.test(text.slice(t - 2, t)) &&
    /^\p{Lu}\./u.test(text.slice(b, b + 2))
  ) {
    if (t < 3 || !/\p{L}/u.test(text[t - 3])) return -1;
  }
  const abbreviations = ABBREVIATIONS[lang];
  if (term === "." && abbreviations) {
    const word = wordBefore(text, t - 1);
    // German ordinal: `am 25. Januar`, `auf dem 165. Platz` (but `Kategorie 4. Der …` ends one).
    if (lang === "de" && /^\d{1,3}$/.test(word) && !GERMAN_STARTERS.test(text.slice(b, b + 12))) {
      return -1;
    }
    if (/^\p{Lu}$/u.test(word)) {
      // `John F. Kennedy`: no break; `C. S. Lewis`: LAReQA breaks after the second initial.
      const before = wordBefore(text, Math.max(0, t - 1 - word.length - 1));
      return /^\p{Lu}\.$/u.test(before) ? b : -1;
    }
    if (lang === "en" && /^\d+[.,]\d/.test(text.slice(b, b + 8))) return -1; // `races. 75.71% of`
    if (abbreviations.has(word)) return -1;
    // `B.S. in 1958`, `Ph.D. at`: no break after a dotted acronym before a lowercase word.
    if (lang === "en" && /^(?:\p{L}{1,2}\.)+\p{L}{1,2}$/u.test(word) && /\p{Ll}/u.test(next)) {
      return -1;
    }
  }
  return b;
}

/**
 * Splits a paragraph into sentences, returning each sentence's character range.
 *
 * Ranges are `[start, end)` in UTF-16 code units, trimmed of surrounding
 * whitespace, in order, non-overlapping; together with the whitespace between
 * them they cover the whole text.
 *
 * @param text The paragraph.
 * @param lang Its language code (`"en"`, `"zh"`, …); selects the rules.
 * @returns The sentence ranges (none for a blank text).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sentenceSpans } from "./sentence_split.ts";
 * const text = "Dr. Smith arrived. He left.";
 * const spans = sentenceSpans(text, "en");
 * assert(spans.length === 2 && text.slice(...spans[1]) === "He left.");
 * ```
 */
export function sentenceSpans(text: string, lang: string): Array<[number, number]> {
  const breaks = new Set<number>();
  const add = (b: number) => {
    while (b < text.length && SPACE.test(text[b])) b++;
    if (b <= 0 || b >= text.length) return;
    const moved = adjust(text, b, lang);
    if (moved > 0 && moved < text.length) breaks.add(moved);
  };
  for (const seg of segmenter(lang).segment(text)) if (seg.index > 0) add(seg.index);
  if (UNSPACED.has(lang)) {
    // `……我们将不得不`: LAReQA breaks after an ellipsis; ICU does not.
    for (const m of text.matchAll(/……(?=[^\s，。、」』”）！？…])/g)) add(m.index + 2);
  } else {
    // `über. 1893 verließ`: ICU does not break before a number followed by a
    // lowercase word; LAReQA does.
    if (lang === "de" || lang === "en") {
      for (const m of text.matchAll(/\p{L}[.!?]["'”’»)]*\s+(?=\d)/gu)) {
        add(m.index + m[0].length);
      }
    }
    if (lang === "en") {
      // `…named Tobias Schmidt. working with`, `(cf. the section`: a break
      // before a lowercase word after a full stop, unless it ends an abbreviation.
      for (const m of text.matchAll(/[\p{L})]\.["'”’»)]*\s+(?=\p{Ll})/gu)) {
        add(m.index + m[0].length);
      }
    }
    if (lang === "es") {
      // `…de esa dinastía. que reinó`: in Spanish LAReQA breaks before a lowercase word too.
      for (const m of text.matchAll(/\.["'”’»)]*\s+(?=\p{Ll})/gu)) add(m.index + m[0].length);
    }
  }
  const sorted = [...breaks].sort((a, b) => a - b);
  const spans: Array<[number, number]> = [];
  let start = 0;
  for (const b of [...sorted, text.length]) {
    let s = start, e = b;
    while (s < e && SPACE.test(text[s])) s++;
    while (e > s && SPACE.test(text[e - 1])) e--;
    if (e > s) spans.push([s, e]);
    start = b;
  }
  return spans;
}

/**
 * Splits a paragraph into sentences (the texts of {@linkcode sentenceSpans}).
 *
 * @param text The paragraph.
 * @param lang Its language code.
 * @returns The sentences, trimmed, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitSentences } from "./sentence_split.ts";
 * const s = splitSentences("Er kam am 25. Januar an. Dann ging er.", "de");
 * assert(s.length === 2 && s[0] === "Er kam am 25. Januar an.");
 * ```
 */
export function splitSentences(text: string, lang: string): string[] {
  return sentenceSpans(text, lang).map(([s, e]) => text.slice(s, e));
}
