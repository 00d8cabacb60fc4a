/**
 * The notebooks `deno task reproduce` executes, in order, and the artifacts
 * each must (re)write: a run fails when one is missing from the notebook's
 * record or was not rewritten.
 *
 * @module
 */

/** A notebook and its expected artifacts (paths relative to the output directory). */
export interface NotebookSpec {
  name: string;
  /** What it reproduces. */
  title: string;
  artifacts: string[];
}

const table = (n: string) => [`tables/${n}.csv`, `tables/${n}.json`, `tables/${n}.md`];
const figure = (n: string) => [`figures/${n}.svg`, `figures/${n}.png`];

/** Every notebook, in execution order. */
export const NOTEBOOKS: readonly NotebookSpec[] = [
  {
    name: "00_data",
    title:
      "dataset statistics against LAReQA's table; MLQA-R rebuild; training sets; training-data sources, caps and counts",
    artifacts: [
      ...table("data_xquad_r"),
      ...table("data_mlqa_r"),
      ...table("data_mlqa_r_rebuild"),
      ...table("data_training_sets"),
      ...table("data_pair_sources"),
      ...table("data_ict_sources"),
    ],
  },
  {
    name: "01_map_table",
    title: "Table 1: mAP (mono, cross, multi) by base × strategy × protocol, with differences",
    artifacts: [
      ...table("table1_map"),
      ...table("table1_differences"),
      ...figure("table1_map"),
      ...table("training_runs"),
    ],
  },
  {
    name: "02_language_bias",
    title: "Table 2: language bias, and the per-query rank-distance distribution",
    artifacts: [
      ...table("table2_language_bias"),
      ...table("table2_differences"),
      ...figure("language_bias_xquad_r"),
      ...figure("language_bias_mlqa_r"),
    ],
  },
  {
    name: "03_per_language",
    title: "Tables 3–6: per-language mAP, R@1, R@10 (el, vi unseen in P1)",
    artifacts: [...table("per_language_xquad_r"), ...table("per_language_mlqa_r")],
  },
  {
    name: "04_beir_efficiency",
    title:
      "BEIR SciFact: latency, throughput, index size, memory and nDCG@10 per strategy and BM25",
    artifacts: [...table("beir_efficiency"), ...figure("beir_latency_quality")],
  },
  {
    name: "05_alpha_sweep",
    title: "beyond the paper: mAP and language bias against α",
    artifacts: [
      ...table("alpha_sweep"),
      ...figure("alpha_sweep_map"),
      ...figure("alpha_sweep_bias"),
    ],
  },
  {
    name: "06_claims",
    title: "the seed report's claims with measured evidence and verdicts",
    artifacts: [...table("claims"), ...table("claims_vs_seed")],
  },
];
