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
