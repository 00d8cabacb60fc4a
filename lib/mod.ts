/**
 * xlir's public face: what the notebooks and a user of the package call,
 * from loading the LAReQA datasets to training an encoder with hybrid batches
 * and evaluating it, and the cached experiment grid behind the paper's
 * tables. Deeper modules stay importable by path; this is the stable set.
 *
 * - **data** — XQuAD-R, MLQA-R (LAReQA's files or rebuilt from MLQA dev),
 *   BEIR, MIRACL; the WordPiece tokenizer; the data directory;
 * - **sampling** — the X-X / X-Y / hybrid {@linkcode BatchSampler} and the seeded {@linkcode Rng};
 * - **models** — the static encoder (WebAssembly SIMD), the tfjs transformer,
 *   Hugging Face checkpoints run as their sentence-transformers modules say
 *   ({@linkcode loadEncoder}), each model's prompts ({@linkcode promptsOf}), InfoNCE;
 * - **training** — configs and {@linkcode train};
 * - **retrieval and metrics** — exact dense search, BM25, trec_eval-exact measures;
 * - **evaluation** — LAReQA's mono / cross / multi settings (tie-aware
 *   language bias), per-language mean-centering, chance levels, BEIR and
 *   MIRACL, the hierarchical bootstrap over seeds and questions, Holm;
 * - **pipeline and report** — the cached experiment grid, its tables, effect
 *   sizes and statistics, the paper's values as data, the regime check, the
 *   claims' verdicts and findings in words, figures, the notebook context.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BatchSampler, createStaticEncoder, evaluateLareqa, Bm25Scorer } from "./mod.ts";
 * import { tinyTokenizer } from "./model/_testing.ts";
 * const tokenizer = await tinyTokenizer();
 * // Hybrid batches over two-language examples.
 * const examples = Array.from({ length: 8 }, (_, i) => ({
 *   id: `${i}`, group: `${i}`,
 *   texts: { en: { query: "who sat", passage: "the cat sat" }, de: { query: "wer", passage: "die" } },
 * }));
 * const sampler = new BatchSampler(examples, { batchSize: 4, alpha: 0.5, seed: 1 });
 * assert.equal([...sampler.batches(0)].length, sampler.length);
 * // A static encoder and BM25 scoring a one-language LAReQA-style dataset.
 * const encoder = createStaticEncoder({ tokenizer, dim: 8, seed: 1 });
 * assert.equal(encoder.embedIds([new Int32Array([2, 20, 3])]).length, 8);
 * encoder.dispose();
 * const candidate = (s: number, text: string) => ({ id: `en:0:${s}`, lang: "en", paragraph: 0, sentence: s, text });
 * const ds = {
 *   name: "toy", languages: ["en"],
 *   byLang: { en: { lang: "en", contexts: ["…"], candidates: [candidate(0, "the cat sat"), candidate(1, "berlin")],
 *     questions: [{ id: "en:q1", qid: "q1", lang: "en", text: "who sat", answers: ["en:0:0"] }] } },
 * };
 * const result = evaluateLareqa(ds, new Bm25Scorer(tokenizer), { progress: false });
 * assert.equal(result.mono.map, 1);
 * ```
 *
 * @module
 */

// data
export * from "./data/types.ts";
export * from "./data/data_dir.ts";
export * from "./data/tokenizer.ts";
export * from "./data/xquad_r.ts";
export * from "./data/mlqa_r.ts";
export * from "./data/mlqa_rebuild.ts";
export * from "./data/beir.ts";
export * from "./data/miracl.ts";
// sampling
export * from "./sampling/mod.ts";
// models
export * from "./model/encoder.ts";
export * from "./model/static_encoder.ts";
export * from "./model/transformer.ts";
export * from "./model/load_encoder.ts";
export * from "./model/infonce.ts";
export * from "./model/triplets.ts";
// training
export * from "./train/config.ts";
export * from "./train/sampler.ts";
export * from "./train/training_set.ts";
export * from "./train/hard_negatives.ts";
export * from "./train/trainer.ts";
// retrieval and metrics
export * from "./retrieval/mod.ts";
export * from "./metrics/mod.ts";
// evaluation
export * from "./eval/scorers.ts";
export * from "./eval/lareqa.ts";
export * from "./eval/collection_eval.ts";
export * from "./eval/beir_eval.ts";
export * from "./eval/miracl_eval.ts";
export * from "./eval/retrieval_output.ts";
export * from "./eval/mean_centered.ts";
export * from "./eval/significance.ts";
export * from "./eval/chance.ts";
export * from "./eval/hierarchical_bootstrap.ts";
export * from "./eval/holm.ts";
export * from "./eval/lareqa_beir.ts";
// pipeline and report
export * from "./pipeline/experiment.ts";
export * from "./pipeline/summarize.ts";
export * from "./pipeline/effects.ts";
export * from "./pipeline/statistics_cached.ts";
export * from "./pipeline/beir_runs.ts";
export * from "./pipeline/evidence.ts";
export * from "./report/notebook.ts";
export * from "./report/figures.ts";
export * from "./report/tables.ts";
export * from "./report/data_stats.ts";
export * from "./report/paper.ts";
export * from "./report/paper_columns.ts";
export * from "./report/regime.ts";
export * from "./report/claims.ts";
export * from "./report/findings.ts";
export * from "./report/data_findings.ts";
export * from "./report/per_language.ts";
export * from "./report/efficiency_finding.ts";
export * from "./report/distribution_finding.ts";
// utilities
export { InputError } from "./util/errors.ts";
export { fromRoot } from "./util/root.ts";
