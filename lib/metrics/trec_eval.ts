/**
 * trec_eval's command line: its options, its output (`%-22s\t%s\t%.4f`
 * lines, per-query blocks in qrels query order then the `all` block, both in
 * measure order) and its checks. `deno task trec_eval qrels run` prints what
 * `trec_eval qrels run` prints, for the supported measures (see
 * `registry.ts`).
 *
 * Options: `-q` per-query values, `-m measure[.params]` (repeatable;
 * `official` by default, `all_trec`, `set`), `-c` average over all qrels
 * queries, `-l N` relevance level, `-M N` documents per query, `-n` no
 * summary, `-J` judged documents only, `-N N` collection size, `-R qrels`,
 * `-T trec_results`, `-h`, `-v`; short options take values attached (`-M100`)
 * or separate, long forms as trec_eval's (`--measure`, `--Max_retrieved_per_topic`, …).
 *
 * As trec_eval 10.0 (each checked against it, built from source): without
 * `-c`, a qrels query with no results stops the evaluation (10.0's message
 * for it is `result qid 'Q' not found in qrels`); an empty run or qrels file
 * is refused; NaN and infinite scores are accepted and ranked as trec_eval
 * ranks them (`ranking.ts`); values print as `%6.4f` (`  -nan`); under `-c`,
 * `num_rel`'s summary counts `rel > 0` over all qrels queries whatever `-l`.
 * Deliberate differences (see `trec_io.ts` for the file format's):
 * - errors exit 2 with one line naming the file and what was expected
 *   (trec_eval exits 2 or 4, or crashes: a qrels file of comments only
 *   segfaults it, a run of comments only under `-c` prints garbage as the
 *   run id — both are refused here as empty);
 * - a query whose judgements are all negative is evaluated; trec_eval fails
 *   on it (`Can't calculate measure`) only when it is the first query, an
 *   allocation quirk of `form_res_rels.c`.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { formatFixed, trecLine } from "./_format.ts";
import { compareUtf8 } from "../util/strcmp.ts";
import { evaluateMeasures, type Evaluation } from "./evaluate.ts";
import { parseAtol } from "./measure.ts";
import { resolveMeasures } from "./registry.ts";
import { readQrels, readRun } from "./trec_io.ts";
import type { EvalOptions } from "./types.ts";

/** The version this implementation follows. */
export const TREC_EVAL_VERSION =
  "10.0 (usnistgov/trec_eval f425365, which calls itself 10.0-rc3), TypeScript port";

/** Usage text of `deno task trec_eval`. */
export const TREC_EVAL_USAGE =
  `Usage: deno task trec_eval [-h] [-q] [-c] [-n] [-J] {-m measure[.params]}* [-l N] [-M N] [-N N]
                            qrels_file run_file
   -q: In addition to summary evaluation, give evaluation for each query
   -m: calculate and print measures indicated by 'measure'
       ('-m all_trec' prints all supported measures, '-m official' is default;
        parameters as trec_eval: -m P.5,10 -m ndcg_cut.10 -m iprec_at_recall..1,.5)
   -c: average over all queries in the qrels (missing queries score 0)
   -l N: relevance >= N counts as relevant (default 1)
   -M N: evaluate only the top N documents of each query
   -n: no summary   -J: judged documents only   -N N: documents in collection
Output matches usnistgov/trec_eval's; unsupported measures (relstring, prefs_*, *_avgjg, yaap) are skipped.`;

/** Parsed trec_eval command line. */
export interface TrecEvalArgs {
  /** Qrels file. */
  qrelsPath: string;
  /** Run file. */
  runPath: string;
  /** `-m` arguments, in order (empty: `official`). */
  measures: string[];
  /** `-q`. */
  perQuery: boolean;
  /** Not `-n`. */
  summary: boolean;
  /** Evaluation options (`-c`, `-l`, `-M`, `-J`, `-N`). */
  options: EvalOptions;
}

const WITH_VALUE = new Set(["m", "l", "D", "N", "M", "R", "T", "Z"]);
const LONG: Record<string, string> = {
  help: "h",
  version: "v",
  query_eval_wanted: "q",
  measure: "m",
  complete_rel_info_wanted: "c",
  level_for_rel: "l",
  nosummary: "n",
  Debug_level: "D",
  Judged_docs_only: "J",
  Number_docs_in_coll: "N",
  Max_retrieved_per_topic: "M",
  Rel_info_format: "R",
  Results_format: "T",
  Output_old_results_format: "o",
  Zscore: "Z",
};

/**
 * Parses trec_eval's arguments (getopt style: `-qc`, `-M100`, `-M 100`,
 * `--measure=P.5`; options may follow the file names).
 *
 * @param argv The arguments.
 * @returns The parsed command, or `"help"` / `"version"`.
 * @throws {InputError} For an unknown or unsupported option, a bad number,
 *   or not exactly two file names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTrecEvalArgs } from "./trec_eval.ts";
 * const a = parseTrecEvalArgs(["-q", "-M100", "-mP.5", "qrels", "run"]);
 * assert(a !== "help" && a !== "version" && a.options.maxRetrieved === 100);
 * ```
 */
export function parseTrecEvalArgs(argv: readonly string[]): TrecEvalArgs | "help" | "version" {
  const opts: [string, string | undefined][] = [];
  const files: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === "--") {
      files.push(...argv.slice(k + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const c = LONG[name];
      if (!c) throw new InputError(`unknown option ${arg}\n\n${TREC_EVAL_USAGE}`);
      if (WITH_VALUE.has(c)) {
        const value = eq >= 0 ? arg.slice(eq + 1) : argv[++k];
        if (value === undefined) throw new InputError(`option ${arg} needs a value`);
        opts.push([c, value]);
      } else {
        opts.push([c, undefined]);
      }
      continue;
    }
    if (arg.length < 2 || arg[0] !== "-") {
      files.push(arg);
      continue;
    }
    for (let i = 1; i < arg.length; i++) {
      const c = arg[i];
      if (WITH_VALUE.has(c)) {
        const value = i + 1 < arg.length ? arg.slice(i + 1) : argv[++k];
        if (value === undefined) throw new InputError(`option -${c} needs a value`);
        opts.push([c, value]);
        break;
      }
      opts.push([c, undefined]);
    }
  }

  const measures: string[] = [];
  const options: EvalOptions = {};
  let perQuery = false;
  let summary = true;
  for (const [c, v] of opts) {
    switch (c) {
      case "h":
        return "help";
      case "v":
        return "version";
      case "q":
        perQuery = true;
        break;
      case "m":
        measures.push(v!);
        break;
      case "c":
        options.complete = true;
        break;
      case "l":
        options.relevanceLevel = parseAtol(v!, "option -l");
        break;
      case "n":
        summary = false;
        break;
      case "J":
        options.judgedOnly = true;
        break;
      case "N":
        options.numDocsInColl = parseAtol(v!, "option -N");
        break;
      case "M":
        options.maxRetrieved = Math.max(0, parseAtol(v!, "option -M"));
        break;
      case "R":
        if (v !== "qrels") throw new InputError(`-R ${v} is not supported, only -R qrels`);
        break;
      case "T":
        if (v !== "trec_results") {
          throw new InputError(`-T ${v} is not supported, only -T trec_results`);
        }
        break;
      default:
        throw new InputError(`option -${c} is not supported\n\n${TREC_EVAL_USAGE}`);
    }
  }
  if (files.length !== 2) {
    throw new InputError(
      `expected 2 file names (qrels_file run_file), got ${files.length}\n\n${TREC_EVAL_USAGE}`,
    );
  }
  return { qrelsPath: files[0], runPath: files[1], measures, perQuery, summary, options };
}

/** A value as trec_eval prints it: `%ld` for counts, `%6.4f` (so `  -nan`) for the rest. */
function formatValue(ev: Evaluation, k: number, v: number): string {
  if (ev.instances[k].def.valueType === "long") return String(Math.trunc(v));
  return formatFixed(v, 4).padStart(6);
}

/**
 * Formats an evaluation as trec_eval prints it.
 *
 * @param ev The evaluation (from `evaluateMeasures`).
 * @param runid The run id for the `runid` line.
 * @param perQuery Print per-query lines (`-q`).
 * @param summary Print the `all` lines (not `-n`).
 * @returns The output text, one line per value, newline-terminated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTrecEval } from "./trec_eval.ts";
 * import { evaluateMeasures } from "./evaluate.ts";
 * import { resolveMeasures } from "./registry.ts";
 * const qrels = new Map([["q1", new Map([["d1", 1]])]]);
 * const run = new Map([["q1", { docids: ["d1"], scores: [1] }]]);
 * const ev = evaluateMeasures(qrels, run, resolveMeasures(["num_q", "map"]).instances);
 * assert(formatTrecEval(ev, "r") === "num_q                 \tall\t1\nmap                   \tall\t1.0000\n");
 * ```
 */
export function formatTrecEval(
  ev: Evaluation,
  runid: string,
  perQuery = false,
  summary = true,
): string {
  const lines: string[] = [];
  if (perQuery) {
    ev.qids.forEach((qid, q) => {
      ev.instances.forEach((inst, k) => {
        if (!inst.def.perQuery) return;
        inst.names.forEach((name, i) => {
          lines.push(trecLine(name, qid, formatValue(ev, k, ev.values[q][ev.offsets[k] + i])));
        });
      });
    });
  }
  if (summary) {
    ev.instances.forEach((inst, k) => {
      if (inst.def.summary === "runid") {
        lines.push(trecLine("runid", "all", runid));
        return;
      }
      inst.names.forEach((name, i) => {
        lines.push(trecLine(name, "all", formatValue(ev, k, ev.summary[ev.offsets[k] + i])));
      });
    });
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** Output of {@linkcode trecEval}. */
export interface TrecEvalOutput {
  /** What trec_eval prints on stdout. */
  stdout: string;
  /** Notes for stderr (skipped measures). */
  notes: string[];
}

/**
 * Runs trec_eval: parses the arguments, reads the files, evaluates, formats.
 *
 * @param argv trec_eval's arguments, e.g. `["-q", "-m", "all_trec", "qrels", "run"]`.
 * @returns stdout text and notes; for `-h`/`-v` the usage/version text.
 * @throws {InputError} For bad arguments or files, or when no query has both
 *   judgements and results.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trecEval } from "./trec_eval.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/qrels.test`, "q1 0 d1 1\nq1 0 d2 0\nq1 0 d3 1\n");
 * await Deno.writeTextFile(`${dir}/results.test`, "q1 Q0 d1 1 0.9 run1\nq1 Q0 d2 2 0.8 run1\nq1 Q0 d3 3 0.7 run1\n");
 * const { stdout } = await trecEval(["-m", "map", `${dir}/qrels.test`, `${dir}/results.test`]);
 * assert.equal(stdout, "map                   \tall\t0.8333\n");
 * ```
 */
export async function trecEval(argv: readonly string[]): Promise<TrecEvalOutput> {
  const args = parseTrecEvalArgs(argv);
  if (args === "help") return { stdout: TREC_EVAL_USAGE + "\n", notes: [] };
  if (args === "version") return { stdout: `trec_eval version ${TREC_EVAL_VERSION}\n`, notes: [] };
  const { instances, skipped } = resolveMeasures(
    args.measures.length ? args.measures : ["official"],
  );
  const notes: string[] = [];
  const onWarning = (m: string) => notes.push(`trec_eval: warning: ${m}`);
  const qrels = await readQrels(args.qrelsPath, { onWarning });
  const { run, runid } = await readRun(args.runPath, { onWarning });
  if (qrels.size === 0) {
    throw new InputError(`Cannot read qrels: ${args.qrelsPath} holds no judgements`);
  }
  if (run.size === 0) throw new InputError(`Cannot read run: ${args.runPath} holds no results`);
  if (!args.options.complete) {
    const missing = [...qrels.keys()].sort(compareUtf8).find((qid) => !run.has(qid));
    if (missing !== undefined) {
      const bom = missing.startsWith("\ufeff")
        ? " (its id starts with a byte-order mark, which belongs to the qrels file's first line)"
        : "";
      throw new InputError(
        `qrels query "${missing}"${bom} has no results in ${args.runPath}; trec_eval 10.0 ` +
          `stops here too (exit 4, "result qid '${missing}' not found in qrels"). ` +
          `Pass -c to score such queries 0, or drop them from ${args.qrelsPath}`,
      );
    }
  }
  const ev = evaluateMeasures(qrels, run, instances, {
    ...args.options,
    runName: args.runPath,
    acceptNaN: true,
  });
  if (ev.numQueries === 0) {
    throw new InputError(
      `No queries with both results and relevance info: ${args.qrelsPath} and ${args.runPath} share no query id`,
    );
  }
  return {
    stdout: formatTrecEval(ev, runid, args.perQuery, args.summary),
    notes: [
      ...notes,
      ...skipped.map((m) => `trec_eval: measure ${m} is not supported here; skipped`),
    ],
  };
}
