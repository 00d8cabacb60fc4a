/**
 * Dataset statistics against LAReQA's published table (questions and
 * candidates per language), and the MLQA-R rebuild against LAReQA's files.
 *
 * @module
 */

import { datasetStats } from "../data/lareqa.ts";
import { compareCandidates } from "../data/mlqa_rebuild.ts";
import { MLQA_R_REFERENCE } from "../data/mlqa_r.ts";
import type { LareqaDataset } from "../data/types.ts";
import { XQUAD_R_REFERENCE } from "../data/xquad_r.ts";
import type { Row } from "../util/row.ts";
import { loadConfig } from "../train/config.ts";
import { fromRoot } from "../util/root.ts";
import { buildTrainingSet } from "../train/training_set.ts";
import {
  capPairsBySource,
  countByFamilyAndLanguage,
  loadTranslationPairs,
  PAIR_SOURCES,
  sourceFamily,
} from "../data/translation_pairs.ts";
import { ICT_CORPORA, loadIctExamples } from "../data/ict.ts";
import type { DataConfig } from "../train/config.ts";

/**
 * Per language: questions and candidates loaded, LAReQA's published counts,
 * and whether they match.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statsTable } from "./data_stats.ts";
 * import { loadXquadR } from "../data/xquad_r.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * const rows = statsTable(await loadXquadR({ dataDir: await writeTinyDataDir(), langs: ["de", "en"] }));
 * assert.deepEqual(rows.map((r) => r.lang), ["de", "en"]);
 * assert.equal(rows[1].candidates, 3); // against LAReQA's 1,180 for en
 * ```
 */
export function statsTable(ds: LareqaDataset): Row[] {
  const reference = ds.name === "xquad-r" ? XQUAD_R_REFERENCE : MLQA_R_REFERENCE;
  const stats = datasetStats(ds);
  return ds.languages.map((lang) => {
    const ref = reference[lang];
    const s = stats[lang];
    return {
      dataset: ds.name,
      lang,
      questions: s.questions,
      candidates: s.candidates,
      lareqa_questions: ref?.questions ?? null,
      lareqa_candidates: ref?.candidates ?? null,
      match: ref ? ref.questions === s.questions && ref.candidates === s.candidates : null,
    };
  });
}

/** Per language: the rebuilt MLQA-R's candidates against LAReQA's, and the shared sentences. */
export function rebuildTable(rebuilt: LareqaDataset, reference: LareqaDataset): Row[] {
  return Object.entries(compareCandidates(rebuilt, reference)).map(([lang, c]) => ({
    lang,
    lareqa_candidates: c.reference,
    rebuilt_candidates: c.rebuilt,
    difference: c.rebuilt - c.reference,
    shared_sentences: c.common,
    overlap: Math.round(c.overlap * 10000) / 10000,
    within_tolerance: Math.abs(c.rebuilt - c.reference) <= 10 && c.overlap >= 0.97,
    same_answer_sentence: `${c.sameAnswer}/${c.questions}`,
  }));
}

/**
 * The training sets of the experiment's configs: examples, validation
 * examples, groups and languages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainingDataTable } from "./data_stats.ts";
 * import { writeTinyDataDir } from "../data/_testing.ts";
 * const dataDir = await writeTinyDataDir();
 * // A P1 (ICT) config on the fixture's two languages.
 * await Deno.writeTextFile(`${dataDir}/p1.json`, JSON.stringify({ data: { protocol: "ict", languages: ["de", "en"] } }));
 * const [row] = await trainingDataTable({ P1: `${dataDir}/p1.json` }, dataDir);
 * assert.deepEqual([row.set, row.protocol, row.source, row.languages], ["P1", "ict", "ntrex+flores", "de en"]);
 * ```
 */
export async function trainingDataTable(
  configs: Record<string, string>,
  dataDir?: string,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [name, path] of Object.entries(configs)) {
    const config = await loadConfig(fromRoot(path));
    const set = await buildTrainingSet(config.data, config.seed, dataDir);
    rows.push({
      set: name,
      protocol: config.data.protocol,
      source: config.data.protocol === "qa"
        ? config.data.dataset
        : config.data.protocol === "ict"
        ? config.data.corpora.join("+")
        : config.data.sources.join("+"),
      languages: set.languages.join(" "),
      train_examples: set.train.length,
      valid_examples: set.valid.length,
      groups: new Set(set.train.map((e) => e.group)).size,
    });
  }
  return rows;
}

async function _dataConfig(config: string): Promise<{ data: DataConfig; seed: number }> {
  const c = await loadConfig(fromRoot(config));
  return { data: c.data, seed: c.seed };
}

/**
 * The translation-pair sources, per source × language (English pairs, by
 * their other language; `total` also counts pairs without English): every
 * source in `PAIR_SOURCES` is loaded in the config's languages, so the table
 * shows what is available, then what the config's caps keep of the sources it
 * uses (`stage` "available" / "after cap"), with each source's cap and weight.
 *
 * @param config A training config whose `data` has `protocol: "translation"` (path from the repository root).
 * @param dataDir The data directory.
 * @returns Rows: `source`, `used`, `stage`, `cap`, `weight`, `total`, one column per language.
 *
 * It reads every Debian catalog the sources name (tens of seconds), so it has
 * no doc example: `data_stats_test.ts` runs it on the installed packages, and
 * notebook 00 shows its table.
 */
export async function pairSourceTable(config: string, dataDir?: string): Promise<Row[]> {
  const { data, seed } = await _dataConfig(config);
  const pairs = await loadTranslationPairs({
    dataDir,
    languages: data.languages,
    sources: PAIR_SOURCES,
    minLetters: data.minLetters,
  });
  const used = new Set(data.sources);
  const capped = capPairsBySource(
    pairs.filter((p) => used.has(sourceFamily(p.source))),
    { cap: data.maxPairsPerSource, caps: data.sourceCaps },
    seed,
  );
  const langs = data.languages.filter((l) => l !== "en");
  const rows: Row[] = [];
  for (const [stage, list] of [["available", pairs], ["after cap", capped]] as const) {
    const counts = countByFamilyAndLanguage(list);
    for (const family of PAIR_SOURCES) {
      if (stage === "after cap" && !used.has(family)) continue;
      const mine = counts.filter((r) => r.family === family);
      const cap = data.sourceCaps[family] ?? data.maxPairsPerSource;
      const row: Row = {
        source: family,
        used: used.has(family),
        stage,
        cap: cap > 0 ? cap : null,
        weight: data.sourceWeights[family] ?? 1,
        total: mine.reduce((n, r) => n + r.count, 0),
      };
      for (const l of langs) row[l] = mine.find((r) => r.lang === l)?.count ?? 0;
      rows.push(row);
    }
  }
  return rows;
}

/**
 * The ICT document sources, per corpus × language: examples that have the
 * language (NTREX-128 and FLORES-200 have every language on every example;
 * the LibreOffice help pages only the languages a paragraph was translated
 * into), for every corpus in `ICT_CORPORA`, with the config's cap and weight.
 *
 * @param config A training config (its `data.languages`, `window`, caps, weights).
 * @param dataDir The data directory.
 * @returns Rows: `corpus`, `used`, `cap`, `weight`, `examples`, `documents`, one column per language.
 *
 * It reads the LibreOffice help pages (tens of seconds), so it has no doc
 * example: `data_stats_test.ts` runs it on the installed packages, and
 * notebook 00 shows its table.
 */
export async function ictSourceTable(config: string, dataDir?: string): Promise<Row[]> {
  const { data } = await _dataConfig(config);
  const rows: Row[] = [];
  for (const corpus of ICT_CORPORA) {
    const examples = await loadIctExamples({
      dataDir,
      corpora: [corpus],
      languages: data.languages,
      window: data.window,
    });
    const cap = data.sourceCaps[corpus] ?? 0;
    const row: Row = {
      corpus,
      used: data.corpora.includes(corpus),
      cap: cap > 0 ? cap : null,
      weight: data.sourceWeights[corpus] ?? 1,
      examples: examples.length,
      documents: new Set(examples.map((e) => e.group)).size,
    };
    for (const l of data.languages) row[l] = examples.filter((e) => e.texts[l]).length;
    rows.push(row);
  }
  return rows;
}

const _SOFTWARE: readonly string[] = ["gettext", "libreoffice-ui", "libreoffice-help"];

/**
 * The finding under {@linkcode pairSourceTable}, in words: how many pairs the
 * software-domain sources add to the others, what the config uses and keeps.
 *
 * @param rows The table's rows.
 * @returns One paragraph.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairSourceFinding } from "./data_stats.ts";
 * const rows = [
 *   { source: "tatoeba", used: true, stage: "available", cap: 20000, weight: 1, total: 100, de: 100 },
 *   { source: "gettext", used: false, stage: "available", cap: 20000, weight: 1, total: 50, de: 50 },
 *   { source: "tatoeba", used: true, stage: "after cap", cap: 20000, weight: 1, total: 100, de: 100 },
 * ];
 * assert.match(pairSourceFinding(rows), /software-domain sources .* add 50 pairs to the 100/);
 * ```
 */
export function pairSourceFinding(rows: readonly Row[]): string {
  const sum = (pred: (r: Row) => boolean) =>
    rows.filter(pred).reduce((n, r) => n + Number(r.total), 0);
  const available = (r: Row) => r.stage === "available";
  const software = sum((r) => available(r) && _SOFTWARE.includes(String(r.source)));
  const other = sum((r) => available(r) && !_SOFTWARE.includes(String(r.source)));
  const used = rows.filter((r) => available(r) && r.used === true).map((r) => String(r.source));
  const loaded = sum((r) => available(r) && r.used === true);
  const kept = sum((r) => r.stage === "after cap");
  const n = (x: number) => x.toLocaleString("en-US");
  return `The software-domain sources (${_SOFTWARE.join(", ")}) add ${n(software)} pairs to the ${
    n(other)
  } of the other sources. The config uses ${used.join(", ")}: ${
    n(loaded)
  } pairs, of which its caps keep ${n(kept)}.`;
}

/**
 * The finding under {@linkcode ictSourceTable}, in words: examples per
 * corpus and which languages the LibreOffice help pages lack.
 *
 * @param rows The table's rows.
 * @returns One paragraph.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ictSourceFinding } from "./data_stats.ts";
 * const rows = [
 *   { corpus: "ntrex", used: true, cap: null, weight: 1, examples: 10, documents: 2, ar: 10, en: 10 },
 *   { corpus: "libreoffice-help", used: false, cap: null, weight: 1, examples: 90, documents: 9, ar: 0, en: 90 },
 * ];
 * assert.match(ictSourceFinding(rows), /90 examples .* 9 times .* none in ar/);
 * ```
 */
export function ictSourceFinding(rows: readonly Row[]): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const help = rows.find((r) => r.corpus === "libreoffice-help");
  const others = rows.filter((r) => r.corpus !== "libreoffice-help");
  const base = others.reduce((s, r) => s + Number(r.examples), 0);
  const used = rows.filter((r) => r.used === true).map((r) => String(r.corpus));
  if (!help) return `The config uses ${used.join(", ")}.`;
  const meta = new Set(["corpus", "used", "cap", "weight", "examples", "documents"]);
  const missing = Object.keys(help).filter((k) => !meta.has(k) && help[k] === 0);
  const ratio = base > 0 ? Math.round(Number(help.examples) / base) : 0;
  return `The LibreOffice help pages give ${n(Number(help.examples))} examples in ${
    n(Number(help.documents))
  } documents, about ${ratio} times the ${n(base)} of ${others.map((r) => r.corpus).join(" and ")}${
    missing.length > 0 ? `, but none in ${missing.join(", ")} (no Debian package)` : ""
  }. The config uses ${used.join(", ")}.`;
}
