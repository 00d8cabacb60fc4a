/**
 * trec_eval 10.0's edge cases (testdata/trec_eval10/cases.json): outputs
 * recorded from trec_eval built from source (testdata/trec_eval10/generate.sh)
 * must be printed byte for byte; where this port deliberately differs, it
 * must stop with the documented error.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { InputError } from "../util/errors.ts";
import { trecEval } from "./trec_eval.ts";

const DIR = fileURLToPath(new URL("./testdata/trec_eval10/", import.meta.url));

interface Case {
  name: string;
  args: string[];
  same?: boolean;
  error?: string;
  warning?: string;
  reference_exit?: number;
}

const { cases } = JSON.parse(await Deno.readTextFile(`${DIR}/cases.json`)) as { cases: Case[] };

for (const c of cases) {
  const files = c.args.slice(-2).map((f) => DIR + f);
  const argv = [...c.args.slice(0, -2), ...files];
  if (c.same) {
    Deno.test(`trecEval(${c.args.join(" ")}) prints what trec_eval 10.0 prints (${c.name})`, async () => {
      const { stdout } = await trecEval(argv);
      assert.equal(stdout, await Deno.readTextFile(`${DIR}/expected/${c.name}.out`));
    });
  } else {
    Deno.test(
      `trecEval(${
        c.args.join(" ")
      }) refuses with a clear error (${c.name}; trec_eval exits ${c.reference_exit})`,
      async () => {
        await assert.rejects(
          () => trecEval(argv),
          (e) => e instanceof InputError && new RegExp(c.error!).test(e.message),
        );
        if (c.warning) {
          const { notes } = await trecEval(["-c", ...argv]).catch(() => ({ notes: [] }));
          assert.ok(notes.some((n) => new RegExp(c.warning!).test(n)), notes.join("\n"));
        }
      },
    );
  }
}
