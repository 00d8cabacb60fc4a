import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { NICKNAMES, resolveMeasures, UNSUPPORTED_MEASURES } from "./registry.ts";

const names = (specs: string[], merge = false) =>
  resolveMeasures(specs, merge).instances.flatMap((i) => i.names);

Deno.test("resolveMeasures() sorts cutoffs and names values as trec_eval", () => {
  assert.deepEqual(names(["P.5,7,3"]), ["P_3", "P_5", "P_7"]);
  assert.deepEqual(names(["ndcg_cut.10,20,23.4"]), ["ndcg_cut_10", "ndcg_cut_20", "ndcg_cut_23"]);
  assert.deepEqual(names(["iprec_at_recall..10,.20"]), [
    "iprec_at_recall_0.10",
    "iprec_at_recall_0.20",
  ]);
  assert.deepEqual(names(["Rprec_mult.5.0,0.2,0.35"]), [
    "Rprec_mult_0.20",
    "Rprec_mult_0.35",
    "Rprec_mult_5.00",
  ]);
  assert.deepEqual(names(["utility.2,-1,0,0", "ndcg.1=3,2=9"]), [
    "utility_2,-1,0,0",
    "ndcg_1=3,2=9",
  ]);
  assert.deepEqual(names(["success"]), ["success_1", "success_5", "success_10"]);
});

Deno.test("resolveMeasures() outputs measures in trec_eval's order, not the request's", () => {
  assert.deepEqual(names(["ndcg", "map", "num_q"]), ["num_q", "map", "ndcg"]);
});

Deno.test("resolveMeasures() keeps the first parameters for a measure (trec_eval) or merges them (API)", () => {
  assert.deepEqual(names(["P.5", "P.10"]), ["P_5"]);
  assert.deepEqual(names(["P.5", "P.10", "P_7"], true), ["P_5", "P_7", "P_10"]);
  assert.deepEqual(names(["success", "success_2"], true), [
    "success_1",
    "success_2",
    "success_5",
    "success_10",
  ]);
});

Deno.test("resolveMeasures() rejects bad cutoffs and unknown measures", () => {
  assert.throws(() => resolveMeasures(["P.0"]), /cutoffs must be positive/);
  assert.throws(() => resolveMeasures(["P.5,5"]), /duplicate cutoff 5/);
  assert.throws(() => resolveMeasures(["P."]), /empty parameter list/);
  assert.throws(() => resolveMeasures(["P.x"]), /"x" is not an integer/);
  assert.throws(() => resolveMeasures(["map.5"]), /map takes no parameters/);
  assert.throws(() => resolveMeasures(["ndcg.1"]), /not of the form name=value/);
  assert.throws(() => resolveMeasures(["mapp"]), InputError);
  assert.throws(() => resolveMeasures(["P_5"]), InputError); // value names: API only
});

Deno.test("resolveMeasures() expands nicknames and skips unsupported measures", () => {
  const off = resolveMeasures(["official"]);
  assert.deepEqual(off.instances.map((i) => i.def.name), NICKNAMES.official);
  const all = resolveMeasures(["all_trec", "relstring.20"]);
  assert.deepEqual(all.skipped, ["relstring"]);
  assert.equal(all.instances.length, NICKNAMES.all_trec.length - 1);
  assert.ok(UNSUPPORTED_MEASURES.includes("yaap"));
});
