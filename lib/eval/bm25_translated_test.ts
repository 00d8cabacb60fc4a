import assert from "node:assert/strict";
import { join } from "node:path";
import { DICTD_DIR, loadFreedict } from "../data/freedict.ts";
import { loadMbertTokenizer } from "../data/tokenizer.ts";
import type { TextTokenizer } from "../data/tokenizer.ts";
import { loadXquadR } from "../data/xquad_r.ts";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { TranslatedBm25Scorer } from "./bm25_translated.ts";
import { evaluateLareqa } from "./lareqa.ts";
import { Lexicon } from "./query_translation.ts";
import { Bm25Scorer, type Collection, type QuerySet, type RowScorer } from "./scorers.ts";

/** One id per distinct lower-cased word: a tokenizer small enough to reason about. */
function toyTokenizer(): TextTokenizer {
  const vocab = new Map<string, number>();
  return {
    specialIds: new Set<number>(),
    encode: (text: string) =>
      Int32Array.from(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [], (w) => {
        if (!vocab.has(w)) vocab.set(w, vocab.size);
        return vocab.get(w)!;
      }),
  } as unknown as TextTokenizer;
}

const LEX = new Lexicon([
  { srcLang: "en", tgtLang: "de", src: "dog", tgt: "Hund", source: "d" },
  { srcLang: "en", tgtLang: "de", src: "red", tgt: "rot", source: "d" },
  { srcLang: "en", tgtLang: "de", src: "red", tgt: "rote", source: "d" },
]);

const POOL: Collection = {
  key: "all",
  ids: ["de:0:0", "de:0:1", "de:0:2", "en:0:0", "en:0:1"],
  texts: ["Der rote Hund", "Die Katze", "Ein Hund und ein Hund", "the red dog", "a cat"],
};

function rows(scorer: RowScorer, queries: QuerySet, collection: Collection): Float32Array[] {
  const out: Float32Array[] = [];
  scorer.scoreQueries(queries, collection, (_q0, nq, block) => {
    const n = collection.ids.length;
    for (let j = 0; j < nq; j++) out.push(block.slice(j * n, (j + 1) * n));
  });
  return out;
}

Deno.test("TranslatedBm25Scorer ranks within the query's language exactly as Bm25Scorer", () => {
  const tok = toyTokenizer();
  const en: Collection = { key: "en", ids: POOL.ids.slice(3), texts: POOL.texts.slice(3) };
  const queries = { ids: ["en:q1", "en:q2"], texts: ["red dog?", "cat"] };
  assert.deepEqual(
    rows(new TranslatedBm25Scorer(tok, LEX), queries, en),
    rows(new Bm25Scorer(tok), queries, en),
  );
});

Deno.test("TranslatedBm25Scorer translates the query into each candidate language of a pool", () => {
  const scorer = new TranslatedBm25Scorer(toyTokenizer(), LEX);
  const [row] = rows(scorer, { ids: ["en:q"], texts: ["red dog"] }, POOL);
  // German: "rot"/"rote" (½ each) and "Hund": "Der rote Hund" first, "Die Katze" 0.
  assert.ok(row[0] > row[2] && row[2] > 0 && row[1] === 0, `${row}`);
  // English: the query itself.
  assert.ok(row[3] > 0 && row[4] === 0);
  // Plain BM25 finds no German match for an English query.
  const [plain] = rows(new Bm25Scorer(toyTokenizer()), { ids: ["en:q"], texts: ["red dog"] }, POOL);
  assert.deepEqual([plain[0], plain[1], plain[2]], [0, 0, 0]);
});

Deno.test("TranslatedBm25Scorer's merge rules rescale each language and keep its order", () => {
  const q = { ids: ["en:q"], texts: ["red dog"] };
  const [raw] = rows(new TranslatedBm25Scorer(toyTokenizer(), LEX, { merge: "raw" }), q, POOL);
  const [max] = rows(new TranslatedBm25Scorer(toyTokenizer(), LEX, { merge: "max" }), q, POOL);
  const [norm] = rows(
    new TranslatedBm25Scorer(toyTokenizer(), LEX, { merge: "normalized" }),
    q,
    POOL,
  );
  // "max": each language's best candidate scores 1.
  assert.equal(max[0], 1);
  assert.equal(max[3], 1);
  // Within German, every rule is one positive factor.
  for (const other of [max, norm]) {
    const factor = other[0] / raw[0];
    assert.ok(Math.abs(other[2] / raw[2] - factor) < 1e-6);
  }
  // "normalized": a fraction of the attainable score.
  for (const s of norm) assert.ok(s >= 0 && s < 1);
  assert.throws(
    () => new TranslatedBm25Scorer(toyTokenizer(), LEX, { merge: "rrf" as "raw" }),
    InputError,
  );
});

Deno.test("TranslatedBm25Scorer rejects ids without a language prefix", () => {
  const scorer = new TranslatedBm25Scorer(toyTokenizer(), LEX);
  assert.throws(
    () => rows(scorer, { ids: ["q1"], texts: ["dog"] }, POOL),
    (e: unknown) =>
      e instanceof InputError && /Query id "q1" has no language prefix/.test(e.message),
  );
});

const DATA = Deno.env.get("XLIR_DATA") ?? "";
const HAS_DATA = DATA !== "" && exists(join(DATA, "xquad-r")) &&
  exists(join(DATA, "vocab/bert-base-multilingual-cased")) &&
  exists(join(DICTD_DIR, "freedict-spa-eng.index")) &&
  exists(join(DICTD_DIR, "freedict-eng-spa.index"));

Deno.test({
  name: "TranslatedBm25Scorer beats BM25 across English and Spanish on XQuAD-R (smoke)",
  ignore: skipUnless(
    HAS_DATA,
    "XLIR_DATA with xquad-r/ and the mBERT vocabulary, dict-freedict-{eng-spa,spa-eng}",
  ),
  async fn() {
    const ds = await loadXquadR({ dataDir: DATA });
    const tok = await loadMbertTokenizer(DATA);
    const lex = new Lexicon([...await loadFreedict("eng-spa"), ...await loadFreedict("spa-eng")]);
    const options = { langs: ["en", "es"], maxQueries: 200, progress: false };
    const plain = evaluateLareqa(ds, new Bm25Scorer(tok), options);
    const translated = evaluateLareqa(ds, new TranslatedBm25Scorer(tok, lex), options);
    assert.equal(translated.mono.map, plain.mono.map);
    // Measured: cross mAP 0.292 → 0.475, multi 0.480 → 0.563 on these 2 × 200 queries.
    assert.ok(
      translated.cross.map > plain.cross.map + 0.05,
      `${plain.cross.map} → ${translated.cross.map}`,
    );
    assert.ok(translated.multi.map > plain.multi.map);
  },
});
