import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { resolveConfig } from "./config.ts";

const data = (d: Record<string, unknown>) => resolveConfig({ data: d }, "c.json").data;

Deno.test("resolveConfig() defaults the source mix to no per-source caps or weights", () => {
  const d = data({});
  assert.deepEqual([d.sourceCaps, d.sourceWeights, d.minLetters], [{}, {}, 3]);
});

Deno.test("resolveConfig() accepts per-source caps and weights of known sources", () => {
  const d = data({ sourceCaps: { gettext: 5000 }, sourceWeights: { "libreoffice-help": 0.25 } });
  assert.deepEqual(d.sourceCaps, { gettext: 5000 });
  assert.deepEqual(d.sourceWeights, { "libreoffice-help": 0.25 });
});

Deno.test("resolveConfig() names a bad source, cap, weight or minimum", () => {
  const fails = (d: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(
      () => data(d),
      (e: unknown) => e instanceof InputError && pattern.test(e.message),
    );
  fails({ sourceCaps: { bible: 10 } }, /c\.json: data\.sourceCaps\.bible .* a key among/);
  fails(
    { sourceCaps: { gettext: 2.5 } },
    /data\.sourceCaps\.gettext is 2\.5, expected an integer ≥ 0/,
  );
  fails({ sourceWeights: { gettext: -1 } }, /data\.sourceWeights\.gettext is -1/);
  fails({ sourceWeights: { gettext: "1" } }, /data\.sourceWeights\.gettext is "1"/);
  fails({ sourceWeights: [1] }, /data\.sourceWeights is \[1\], expected an object/);
  fails({ minLetters: -1 }, /data\.minLetters is -1/);
});
