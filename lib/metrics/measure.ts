/**
 * What a measure is: a definition (name, parameters, how its per-query values
 * are summarised and printed) plus a kernel over a ranked relevance list, the
 * way trec_eval's `TREC_MEAS` table works. Also the parsing of measure
 * parameters (`-m P.5,10`, `-m ndcg.1=3,2=9`) with trec_eval's rules.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { formatFixed } from "./_format.ts";
import type { Qrels } from "./types.ts";

/** trec_eval's relevance value for a retrieved document not in the qrels. */
export const RELVALUE_NONPOOL = -1;
/** trec_eval's relevance value for a retrieved document judged negative in the qrels. */
export const RELVALUE_UNJUDGED = -2;
/** Floor of a value before its logarithm (geometric means: gm_map, gm_bpref). */
export const MIN_GEO_MEAN = 0.00001;

/**
 * One query's ranking turned into relevance values, as trec_eval's
 * `RES_RELS`: what every measure reads.
 */
export interface RankedRels {
  /**
   * Relevance of the document at each rank (index 0 is rank 1), length
   * `numRet`: the qrels value, {@linkcode RELVALUE_NONPOOL} (-1) when not in
   * the qrels, {@linkcode RELVALUE_UNJUDGED} (-2) when judged negative.
   */
  rels: Int32Array;
  /** Documents retrieved (after `-M`, `-J`). */
  numRet: number;
  /** Retrieved documents with `rel >= relevanceLevel`. */
  numRelRet: number;
  /** Retrieved documents not in the qrels. */
  numNonpool: number;
  /** Retrieved documents with a negative qrels value. */
  numUnjudgedInPool: number;
  /** Documents in the qrels with `rel >= relevanceLevel`. */
  numRel: number;
  /** `relLevels[j]`: documents in the qrels with relevance `j` (`j >= 0`). */
  relLevels: readonly number[];
  /** 1 + the highest relevance with a document, 0 when none. */
  numRelLevels: number;
}

/** Run-wide settings a measure may read. */
export interface EvalContext {
  /** Judged relevance `>=` this counts as relevant (`-l`). */
  relevanceLevel: number;
  /** Documents in the collection (`-N`), for `utility`. */
  numDocsInColl: number;
}

/** A `name=value` measure parameter (gains of `ndcg`, `p` of `rbp`). */
export interface ParamPair {
  /** Text left of `=`. */
  name: string;
  /** Number right of `=`. */
  value: number;
}

/** Parameters of one measure instance. */
export interface MeasureParams {
  /** Cutoffs (sorted) or plain number parameters (in the order given). */
  values: readonly number[];
  /** `name=value` pairs, in the order given. */
  pairs: readonly ParamPair[];
  /** The parameter text as given on the command line, when not the default. */
  printable?: string;
}

/**
 * How a measure's parameters are written, as trec_eval's init procedures:
 * `none`; `longCutoffs` (`P.5,10`: integers, sorted, one value each);
 * `doubleCutoffs` (`iprec_at_recall..1,.2`: numbers, sorted, one value each);
 * `doubleParams` (`utility.1,-1,0,0`: numbers, one value); `pairs`
 * (`ndcg.1=3,2=9`: one value).
 */
export type ParamKind = "none" | "longCutoffs" | "doubleCutoffs" | "doubleParams" | "pairs";

/**
 * How per-query values become the `all` value: `mean` (sum / number of
 * queries), `sum`, `geometric` (per-query values are logs; exp of their
 * mean), `numQueries`, or `runid` (the run's name, not a number).
 */
export type Summary = "mean" | "sum" | "geometric" | "numQueries" | "runid";

/** A measure: trec_eval's `TREC_MEAS`. */
export interface MeasureDef {
  /** Root name as trec_eval spells it (`"P"`, `"ndcg_cut"`). */
  name: string;
  /** How its parameters are written. */
  paramKind: ParamKind;
  /** Default cutoffs or parameters (`longCutoffs`, `doubleCutoffs`, `doubleParams`). */
  defaults?: readonly number[];
  /** `long` values print as integers, `float` with 4 decimals. */
  valueType: "long" | "float";
  /** How the `all` value is formed. */
  summary: Summary;
  /** Whether `-q` prints it per query (gm_map, gm_bpref, num_q, runid do not). */
  perQuery: boolean;
  /** Set to 0 for a query missing from the run under `-c` (trec_eval's clean-up list). */
  zeroWhenMissing?: boolean;
  /**
   * Under `-c`, the summary computed from the whole qrels instead of from the
   * per-query values (trec_eval's custom `calc_avg`, e.g. `num_rel`).
   */
  completeSummary?: (qrels: Qrels) => number;
  /**
   * Computes the measure's values for one query into
   * `out[at .. at + valueCount)`, which hold 0 on entry.
   */
  compute(
    rr: RankedRels,
    params: MeasureParams,
    ctx: EvalContext,
    out: Float64Array,
    at: number,
  ): void;
}

/** A measure with its parameters resolved and its value names fixed. */
export interface MeasureInstance {
  /** The measure. */
  def: MeasureDef;
  /** Its parameters. */
  params: MeasureParams;
  /** Names of its values, in output order (`["P_5", "P_10"]`, `["map"]`). */
  names: string[];
}

const DOUBLE_PREFIX = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const LONG_PREFIX = /^\s*[+-]?\d+/;

/**
 * Parses a number as C `atof` does (the longest numeric prefix), but throws
 * when there is none.
 *
 * @param text The text.
 * @param what What it is, for the error.
 * @returns The number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseAtof } from "./measure.ts";
 * assert(parseAtof(".25", "x") === 0.25);
 * ```
 */
export function parseAtof(text: string, what: string): number {
  const m = DOUBLE_PREFIX.exec(text);
  if (!m) throw new InputError(`${what}: "${text}" is not a number`);
  return Number(m[0]);
}

/**
 * Parses an integer as C `atol` does (the leading digits: `"23.4"` is 23),
 * but throws when there are none.
 *
 * @param text The text.
 * @param what What it is, for the error.
 * @returns The integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseAtol } from "./measure.ts";
 * assert(parseAtol("23.4", "cutoff") === 23);
 * ```
 */
export function parseAtol(text: string, what: string): number {
  const m = LONG_PREFIX.exec(text);
  if (!m) throw new InputError(`${what}: "${text}" is not an integer`);
  return Number(m[0]);
}

/**
 * Resolves a measure's parameters from the text after the first `.` of
 * `-m name.params` (or the defaults when `text` is undefined), with
 * trec_eval's checks: cutoffs sorted, positive (integer cutoffs) and without
 * duplicates; pairs of the form `name=value`.
 *
 * @param def The measure.
 * @param text The parameter text, e.g. `"5,7,3"`; undefined for defaults.
 * @returns The instance, with its value names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveParams } from "./measure.ts";
 * import { P } from "./precision.ts";
 * assert(resolveParams(P, "5,7,3").names.join() === "P_3,P_5,P_7");
 * ```
 */
export function resolveParams(def: MeasureDef, text: string | undefined): MeasureInstance {
  const where = `measure ${def.name}${text === undefined ? "" : "." + text}`;
  let params: MeasureParams;
  if (text === undefined) {
    params = { values: def.defaults ?? [], pairs: [] };
  } else if (text === "") {
    throw new InputError(`${where}: empty parameter list, expected e.g. ${def.name}.5,10`);
  } else {
    switch (def.paramKind) {
      case "none":
        throw new InputError(`${where}: ${def.name} takes no parameters`);
      case "longCutoffs": {
        const values = text.split(",").map((t) => parseAtol(t, where)).sort((a, b) => a - b);
        if (values[0] <= 0) throw new InputError(`${where}: cutoffs must be positive`);
        checkNoDuplicates(values, where);
        params = { values, pairs: [], printable: text };
        break;
      }
      case "doubleCutoffs": {
        const values = text.split(",").map((t) => parseAtof(t, where)).sort((a, b) => a - b);
        checkNoDuplicates(values, where);
        params = { values, pairs: [], printable: text };
        break;
      }
      case "doubleParams":
        params = {
          values: text.split(",").map((t) => parseAtof(t, where)),
          pairs: [],
          printable: text,
        };
        break;
      case "pairs":
        params = { values: [], pairs: parsePairs(text, where), printable: text };
        break;
    }
  }
  return { def, params, names: valueNames(def, params) };
}

function checkNoDuplicates(sorted: number[], where: string): void {
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1] === sorted[i]) {
      throw new InputError(`${where}: duplicate cutoff ${sorted[i]}`);
    }
  }
}

function parsePairs(text: string, where: string): ParamPair[] {
  return text.split(",").map((part) => {
    const eq = part.indexOf("=");
    if (eq < 0 || part.indexOf("=", eq + 1) >= 0) {
      throw new InputError(`${where}: "${part}" is not of the form name=value`);
    }
    return { name: part.slice(0, eq), value: parseAtof(part.slice(eq + 1), where) };
  });
}

function valueNames(def: MeasureDef, params: MeasureParams): string[] {
  switch (def.paramKind) {
    case "longCutoffs":
      return params.values.map((c) => `${def.name}_${c}`);
    case "doubleCutoffs":
      return params.values.map((c) => `${def.name}_${formatFixed(c, 2)}`);
    case "doubleParams":
    case "pairs":
      return [params.printable === undefined ? def.name : `${def.name}_${params.printable}`];
    case "none":
      return [def.name];
  }
}
