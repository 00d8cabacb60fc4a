/**
 * `deno task trec_eval [options] qrels_file run_file`: trec_eval, same
 * options and byte-identical output for the supported measures (see
 * `lib/metrics/trec_eval.ts`).
 *
 * @module
 */

import { runMain } from "../lib/util/cli.ts";
import { trecEval } from "../lib/metrics/trec_eval.ts";

function writeAll(bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) at += Deno.stdout.writeSync(bytes.subarray(at));
}

if (import.meta.main) {
  await runMain(async () => {
    const { stdout, notes } = await trecEval(Deno.args);
    for (const note of notes) console.error(note);
    writeAll(new TextEncoder().encode(stdout));
  });
}
