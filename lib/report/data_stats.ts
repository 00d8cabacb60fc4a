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
import type { Row } from "./tables.ts";

/**
 * Per language: questions and candidates loaded, LAReQA's published counts,
 * and whether they match.
 *
 * @example
 * ```ts ignore
 * import { statsTable } from "./data_stats.ts";
 * statsTable(await loadXquadR());
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
