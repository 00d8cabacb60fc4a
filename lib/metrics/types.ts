/**
 * The shapes the metrics work on: relevance judgements (qrels), runs, and
 * the options trec_eval takes.
 *
 * @module
 */

/**
 * Relevance judgements: query id → (document id → relevance).
 * Relevance is an integer; `rel >= relevanceLevel` (default 1) counts as
 * relevant, `0 <= rel < relevanceLevel` as judged non-relevant, and a negative
 * value as "in the pool but not judged" (trec_eval's `RELVALUE_UNJUDGED`).
 */
export type Qrels = Map<string, Map<string, number>>;

/** One retrieved document with its score (row form). */
export interface RunEntry {
  /** Document id. */
  docid: string;
  /** Retrieval score; higher ranks first. */
  score: number;
}

/**
 * One query's retrieved documents in column form: `docids[i]` has
 * `scores[i]`. Any order: every measure ranks by score descending, ties
 * broken by document id descending (see `ranking.ts`). The column form costs
 * two arrays per query instead of one object per document.
 */
export interface Ranking {
  /** Document ids. */
  docids: readonly string[];
  /** Scores, parallel to `docids`. */
  scores: ArrayLike<number>;
}

/**
 * A run: query id → retrieved documents, either in column form
 * ({@linkcode Ranking}, what `readRun` returns) or as an array of
 * {@linkcode RunEntry} rows.
 */
export type Run = Map<string, Ranking | readonly RunEntry[]>;

/** Options of an evaluation, named after trec_eval's flags. */
export interface EvalOptions {
  /** `-l N`: judged relevance `>= N` counts as relevant. Default 1. */
  relevanceLevel?: number;
  /** `-M N`: evaluate only the top N documents of each query. Default: all. */
  maxRetrieved?: number;
  /**
   * `-c`: evaluate and average over every query in the qrels; a query missing
   * from the run scores 0 (trec_eval ranks one made-up non-judged document for
   * it). Default false: only queries in both qrels and run.
   */
  complete?: boolean;
  /** `-J`: drop documents not in the qrels before measuring. Default false. */
  judgedOnly?: boolean;
  /** `-N N`: documents in the collection (only `utility`'s 4th term uses it). Default 0. */
  numDocsInColl?: number;
  /** Name of the run (a file name) for error messages. */
  runName?: string;
  /**
   * Rank NaN scores as trec_eval does (the `trec_eval` command) instead of
   * refusing them (`ranking.ts`). Default false: a NaN score is an error.
   */
  acceptNaN?: boolean;
}
