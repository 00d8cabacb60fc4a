/**
 * The measures, in trec_eval's order (`measures.c`: the order they are
 * computed and printed), trec_eval's nicknames (`official`, `all_trec`,
 * `set`), and the resolution of `-m` arguments into measure instances.
 *
 * Supported: every measure of `all_trec` except `relstring`, plus `dcg` and
 * `ideal_dcg`. Not supported (accepted by name, skipped): `relstring`, the
 * preference measures (`prefs_*`, need `-R prefs`), the `*_avgjg` measures
 * (need `-R qrels_jg`) and `yaap`.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import { binG } from "./bin_g.ts";
import { bprefMeasure } from "./bpref.ts";
import { elevenPtAvg } from "./eleven_pt_avg.ts";
import { G } from "./g.ts";
import { gmBpref } from "./gm_bpref.ts";
import { gmMap } from "./gm_map.ts";
import { infAP } from "./inf_ap.ts";
import { iprecAtRecall } from "./iprec_at_recall.ts";
import { map } from "./map.ts";
import { mapCut } from "./map_cut.ts";
import {
  type MeasureDef,
  type MeasureInstance,
  parseAtof,
  parseAtol,
  resolveParams,
} from "./measure.ts";
import { dcg, idealDcg, ndcg } from "./ndcg.ts";
import { ndcgCut } from "./ndcg_cut.ts";
import { ndcgRel } from "./ndcg_rel.ts";
import { numNonrelJudgedRet } from "./num_nonrel_judged_ret.ts";
import { numQ } from "./num_q.ts";
import { numRel } from "./num_rel.ts";
import { numRelRet } from "./num_rel_ret.ts";
import { numRet } from "./num_ret.ts";
import { P } from "./precision.ts";
import { Rndcg } from "./r_ndcg.ts";
import { Rprec } from "./r_prec.ts";
import { RprecMult } from "./r_prec_mult.ts";
import { rbp, rbpResid } from "./rbp.ts";
import { recall } from "./recall.ts";
import { recipRank } from "./recip_rank.ts";
import { relativeP } from "./relative_p.ts";
import { runid } from "./runid.ts";
import { setFMeasure, setMap, setP, setRecall, setRelativeP } from "./set_measures.ts";
import { success } from "./success.ts";
import { unj } from "./unj.ts";
import { utility } from "./utility.ts";

/** Every supported measure, in trec_eval's computing and printing order. */
export const MEASURES: readonly MeasureDef[] = [
  runid,
  numQ,
  numRet,
  numRel,
  numRelRet,
  map,
  gmMap,
  Rprec,
  bprefMeasure,
  recipRank,
  iprecAtRecall,
  P,
  recall,
  infAP,
  gmBpref,
  RprecMult,
  utility,
  elevenPtAvg,
  binG,
  G,
  dcg,
  idealDcg,
  ndcg,
  ndcgRel,
  Rndcg,
  ndcgCut,
  mapCut,
  relativeP,
  success,
  setP,
  setRelativeP,
  setRecall,
  setMap,
  setFMeasure,
  numNonrelJudgedRet,
  rbp,
  rbpResid,
  unj,
];

/** trec_eval measures this package does not compute (asking for them is not an error; they are skipped). */
export const UNSUPPORTED_MEASURES: readonly string[] = [
  "relstring",
  "prefs_num_prefs_poss",
  "prefs_num_prefs_ful",
  "prefs_num_prefs_ful_ret",
  "prefs_simp",
  "prefs_pair",
  "prefs_avgjg",
  "prefs_avgjg_Rnonrel",
  "prefs_simp_ret",
  "prefs_pair_ret",
  "prefs_avgjg_ret",
  "prefs_avgjg_Rnonrel_ret",
  "prefs_simp_imp",
  "prefs_pair_imp",
  "prefs_avgjg_imp",
  "map_avgjg",
  "P_avgjg",
  "Rprec_mult_avgjg",
  "yaap",
];

const PREFS = UNSUPPORTED_MEASURES.filter((m) => m.startsWith("prefs_"));

/** trec_eval's measure nicknames (`-m all_trec`). */
export const NICKNAMES: Readonly<Record<string, readonly string[]>> = {
  official: [
    "runid",
    "num_q",
    "num_ret",
    "num_rel",
    "num_rel_ret",
    "map",
    "gm_map",
    "Rprec",
    "bpref",
    "recip_rank",
    "iprec_at_recall",
    "P",
  ],
  set: [
    "runid",
    "num_q",
    "num_ret",
    "num_rel",
    "num_rel_ret",
    "utility",
    "set_P",
    "set_recall",
    "set_relative_P",
    "set_map",
    "set_F",
  ],
  all_trec: [
    "runid",
    "num_q",
    "num_ret",
    "num_rel",
    "num_rel_ret",
    "map",
    "gm_map",
    "Rprec",
    "bpref",
    "recip_rank",
    "iprec_at_recall",
    "P",
    "relstring",
    "recall",
    "unj",
    "rbp",
    "rbp_resid",
    "infAP",
    "gm_bpref",
    "utility",
    "11pt_avg",
    "ndcg",
    "relative_P",
    "Rprec_mult",
    "success",
    "map_cut",
    "ndcg_cut",
    "ndcg_rel",
    "Rndcg",
    "binG",
    "G",
    "set_P",
    "set_recall",
    "set_relative_P",
    "set_map",
    "set_F",
    "num_nonrel_judged_ret",
  ],
  all_prefs: ["runid", "num_q", ...PREFS],
  prefs: ["runid", "num_q", ...PREFS.slice(0, 6)],
  qrels_jg: ["runid", "num_q", "map_avgjg", "P_avgjg", "Rprec_mult_avgjg"],
};

const BY_NAME = new Map(MEASURES.map((m) => [m.name, m]));

/**
 * Looks up a measure by its trec_eval name.
 *
 * @param name Root name, e.g. `"ndcg_cut"`.
 * @returns The measure, or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { measureByName } from "./registry.ts";
 * assert(measureByName("P")?.name === "P");
 * ```
 */
export function measureByName(name: string): MeasureDef | undefined {
  return BY_NAME.get(name);
}

/** Resolved measures and the unsupported names that were asked for. */
export interface ResolvedMeasures {
  /** Measure instances in trec_eval order. */
  instances: MeasureInstance[];
  /** Unsupported measure names requested (skipped). */
  skipped: string[];
}

/**
 * Resolves measure requests as trec_eval's `-m` does: `name`,
 * `name.params`, or a nickname (`official`, `all_trec`, `set`); the first
 * parameters given for a measure win; measures come out in trec_eval's order.
 *
 * With `merge` (the library API), value names are accepted too (`P_5`,
 * `ndcg_cut_10`, `iprec_at_recall_0.50`) and the cutoffs asked for one
 * measure are merged (`["P_5", "P.10"]` gives `P_5`, `P_10`).
 *
 * @param specs Requests, e.g. `["map", "P.5,10", "all_trec"]`.
 * @param merge Merge cutoffs and accept value names (API); false: trec_eval's rules.
 * @returns Instances and skipped names.
 * @throws {InputError} For an unknown measure or bad parameters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveMeasures } from "./registry.ts";
 * const { instances } = resolveMeasures(["P.5,7,3", "map"]);
 * assert(instances.flatMap((i) => i.names).join() === "map,P_3,P_5,P_7");
 * ```
 */
export function resolveMeasures(specs: readonly string[], merge = false): ResolvedMeasures {
  const marked = new Set<string>();
  const params = new Map<string, string[]>();
  const bare = new Set<string>();
  const skipped: string[] = [];
  const mark = (name: string, spec: string) => {
    if (BY_NAME.has(name)) marked.add(name);
    else if (UNSUPPORTED_MEASURES.includes(name)) {
      if (!skipped.includes(name)) skipped.push(name);
    } else {
      throw new InputError(
        `unknown measure "${spec}", expected a trec_eval measure (${
          MEASURES.map((m) => m.name).join(", ")
        }) or a nickname (${Object.keys(NICKNAMES).join(", ")})`,
      );
    }
  };
  for (const spec of specs) {
    const valueName = merge ? splitValueName(spec) : undefined;
    if (valueName) {
      mark(valueName.name, spec);
      params.set(valueName.name, [...(params.get(valueName.name) ?? []), valueName.param]);
      continue;
    }
    const dot = spec.indexOf(".");
    const name = dot < 0 ? spec : spec.slice(0, dot);
    if (dot >= 0) {
      const text = spec.slice(dot + 1);
      if (text === "") throw new InputError(`measure "${spec}": empty parameter list`);
      if (!params.has(name) || merge) params.set(name, [...(params.get(name) ?? []), text]);
    } else {
      bare.add(name);
    }
    const nick = NICKNAMES[name];
    if (nick) { for (const n of nick) mark(n, spec); }
    else mark(name, spec);
  }
  const instances: MeasureInstance[] = [];
  for (const def of MEASURES) {
    if (!marked.has(def.name)) continue;
    const texts = params.get(def.name);
    let text = texts?.[0];
    if (merge && texts && (def.paramKind === "longCutoffs" || def.paramKind === "doubleCutoffs")) {
      const parse = def.paramKind === "longCutoffs" ? parseAtol : parseAtof;
      const values = texts.flatMap((t) => t.split(",")).map((t) => parse(t, `measure ${def.name}`));
      if (bare.has(def.name)) values.push(...(def.defaults ?? []));
      text = [...new Set(values)].join(",");
    }
    instances.push(resolveParams(def, text));
  }
  return { instances, skipped };
}

/** `P_5` → P with "5"; `iprec_at_recall_0.50` → iprec_at_recall with "0.50". */
function splitValueName(spec: string): { name: string; param: string } | undefined {
  if (BY_NAME.has(spec) || NICKNAMES[spec]) return undefined;
  const m = /^(.+)_(\d+(?:\.\d+)?)$/.exec(spec);
  if (!m) return undefined;
  const def = BY_NAME.get(m[1]);
  if (!def) return undefined;
  if (def.paramKind === "longCutoffs" && !m[2].includes(".")) return { name: m[1], param: m[2] };
  if (def.paramKind === "doubleCutoffs") return { name: m[1], param: m[2] };
  return undefined;
}
