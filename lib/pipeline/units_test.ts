import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { unitLayout, unitValues } from "./units.ts";

const pq = (qidsEn: string[]) => ({
  qids: { de: ["a", "b"], en: qidsEn },
  mono: { de: [0.5, 1], en: [1, 0] },
  cross: { "de-en": [1, null], "en-de": [0.5, null] },
  multi: { de: [1, 1], en: [1, 1] },
  bias: { de: [3, null], en: [2, null] },
});

Deno.test("unitLayout() clusters a question across languages and keeps strata in key order", () => {
  const l = unitLayout(pq(["a", "c"]), "mono");
  assert.deepEqual(l.keys, ["de", "en"]);
  assert.deepEqual([...l.strata], [0, 0, 1, 1]);
  assert.deepEqual([...l.clusters], [0, 1, 0, 2]);
  assert.deepEqual(l.questions, ["a", "b", "c"]);
  assert.deepEqual(
    [...unitValues(pq(["a", "c"]), unitLayout(pq(["a", "c"]), "bias"))].map(String),
    ["3", "NaN", "2", "NaN"],
  );
});

Deno.test("unitValues() refuses an evaluation of other queries", () => {
  const l = unitLayout(pq(["a", "c"]), "mono");
  assert.throws(
    () => unitValues(pq(["a", "d"]), l),
    (e) => e instanceof InputError && /queries of en differ/.test(e.message),
  );
});
