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
const finding = (n: string) => [`findings/${n}.md`];

/** Every notebook, in execution order. */
export const NOTEBOOKS: readonly NotebookSpec[] = [
  {
    name: "00_data",
    title:
      "dataset statistics against LAReQA's table; MLQA-R rebuild; training sets; training-data sources, caps and counts",
    artifacts: [
      ...table("data_xquad_r"),
      ...finding("data_xquad_r"),
      ...table("data_mlqa_r"),
      ...finding("data_mlqa_r"),
      ...table("data_mlqa_r_rebuild"),
      ...finding("data_mlqa_r_rebuild"),
      ...table("data_training_sets"),
      ...finding("data_training_sets"),
      ...table("data_pair_sources"),
      ...finding("data_pair_sources"),
      ...table("data_ict_sources"),
      ...finding("data_ict_sources"),
    ],
  },
  {
    name: "01_map_table",
    title:
      "Table 1: mAP (mono, cross, multi) by base × strategy × protocol beside the paper's, the regime check, effect sizes and baselines",
    artifacts: [
      ...table("table1_map"),
      ...finding("table1_map"),
      ...table("table1_regime"),
      ...table("table1_effects"),
      ...table("table1_baselines"),
      ...table("chance_levels"),
      ...figure("table1_map"),
      ...table("training_runs"),
    ],
  },
  {
    name: "02_language_bias",
    title:
      "Table 2: language bias beside the paper's and chance, its parts, effect sizes, and the per-query distribution",
    artifacts: [
      ...table("table2_language_bias"),
      ...finding("table2_language_bias"),
      ...table("table2_effects"),
      ...figure("language_bias_xquad_r"),
      ...finding("language_bias_xquad_r"),
      ...figure("language_bias_mlqa_r"),
      ...finding("language_bias_mlqa_r"),
    ],
  },
  {
    name: "03_per_language",
    title:
      "Tables 3–6: per-language mAP, R@1, R@10 pivoted language × setting (el, vi unseen in P1) with findings; means beside the paper's Table 3",
    artifacts: [
      ...table("per_language_means"),
      ...table("per_language_xquad_r_map"),
      ...table("per_language_xquad_r_recall"),
      ...finding("per_language_xquad_r"),
      ...table("per_language_xquad_r"),
      ...table("per_language_mlqa_r_map"),
      ...table("per_language_mlqa_r_recall"),
      ...finding("per_language_mlqa_r"),
      ...table("per_language_mlqa_r"),
    ],
  },
  {
    name: "04_beir_efficiency",
    title:
      "BEIR SciFact: latency, throughput, index size, memory and nDCG@10 per strategy and BM25",
    artifacts: [
      ...table("beir_efficiency"),
      ...finding("beir_efficiency"),
      ...figure("beir_latency_quality"),
    ],
  },
  {
    name: "05_alpha_sweep",
    title: "beyond the paper: mAP and language bias against α",
    artifacts: [
      ...table("alpha_sweep"),
      ...finding("alpha_sweep"),
      ...figure("alpha_sweep_map"),
      ...figure("alpha_sweep_bias"),
    ],
  },
  {
    name: "06_claims",
    title:
      "the seed report's claims: regime check, verdicts by fixed rules, descriptive checks labelled as such",
    artifacts: [
      ...table("claims_regime"),
      ...table("claims"),
      ...finding("claims"),
      "data/claims_tests.json",
    ],
  },
];
