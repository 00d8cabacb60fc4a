import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { parsePluralForms } from "./plural_forms.ts";

const forms = (header: string, ns: number[]) => {
  const p = parsePluralForms(header);
  return ns.map((n) => p.formFor(n));
};

Deno.test("parsePluralForms() evaluates Arabic's six forms", () => {
  const ar = "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : " +
    "n%100>=11 ? 4 : 5;";
  assert.deepEqual(forms(ar, [0, 1, 2, 3, 10, 11, 99, 100, 102, 103]), [
    0,
    1,
    2,
    3,
    3,
    4,
    4,
    5,
    5,
    3,
  ]);
});

Deno.test("parsePluralForms() evaluates Russian's rule with C precedence", () => {
  const ru = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && " +
    "(n%100<10 || n%100>=20) ? 1 : 2);";
  assert.deepEqual(forms(ru, [1, 2, 4, 5, 11, 12, 21, 22, 25, 111]), [
    0,
    1,
    1,
    2,
    2,
    2,
    0,
    1,
    2,
    2,
  ]);
});

Deno.test("parsePluralForms() handles one-form, French-style and boolean-valued rules", () => {
  assert.deepEqual(forms("nplurals=1; plural=0;", [0, 1, 5]), [0, 0, 0]);
  assert.deepEqual(forms("nplurals=2; plural=n>1;", [0, 1, 2]), [0, 0, 1]);
  assert.deepEqual(forms("nplurals=2; plural=(n != 1)", [0, 1, 2]), [1, 0, 1]);
  assert.deepEqual(forms("nplurals=2; plural=!(n==1)", [1, 3]), [0, 1]);
  assert.deepEqual(forms("nplurals=3; plural=n*2-1 + n/2;", [1, 2]), [1, 2]);
});

Deno.test("parsePluralForms() defaults to English and clamps out-of-range forms", () => {
  const en = parsePluralForms(undefined);
  assert.equal(en.nplurals, 2);
  assert.deepEqual([1, 2].map((n) => en.formFor(n)), [0, 1]);
  // vi catalogs with "nplurals=2; plural=1;": always the second form.
  assert.deepEqual(forms("nplurals=2; plural=1;", [1, 5]), [1, 1]);
  assert.deepEqual(forms("nplurals=2; plural=n;", [7]), [1]);
});

Deno.test("parsePluralForms() rejects headers outside gettext's grammar", () => {
  assert.throws(
    () => parsePluralForms("plural=n != 1;", "de/x.mo"),
    (e: unknown) => e instanceof InputError && /de\/x\.mo: Plural-Forms/.test(e.message),
  );
  assert.throws(() => parsePluralForms("nplurals=2; plural=n $ 1;"), /unexpected "\$ 1"/);
  assert.throws(() => parsePluralForms("nplurals=2; plural=(n != 1;"), /ends early|expected/);
  assert.throws(() => parsePluralForms("nplurals=2; plural=n ? 1;"), InputError);
  assert.throws(() => parsePluralForms("nplurals=0; plural=0;"), /nplurals=0/);
});
