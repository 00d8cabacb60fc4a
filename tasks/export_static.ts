/**
 * `deno task export-static` — writes a trained static stand-in (an xlir
 * static model folder) as a sentence-transformers folder that Python loads
 * with `SentenceTransformer(DIR)` (sentence-transformers ≥ 3.0, its
 * `StaticEmbedding` module; see `lib/model/static_export.ts`).
 *
 * ```sh
 * deno task export-static --model out/models/hybrid --out out/st/hybrid
 * ```
 *
 * @module
 */

import { exportStaticModel } from "../lib/model/static_export.ts";
import { loadStaticEncoder } from "../lib/model/static_encoder.ts";
import { parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";

const USAGE = `Usage: deno task export-static --model DIR --out DIR

  --model  an xlir static model folder (config.json model_type "xlir-static")
  --out    the sentence-transformers folder to create (must not exist):
           modules.json, 0_StaticEmbedding/ [, 1_Dense/], Normalize, prompts`;

/** Runs the task on its command-line arguments. */
export async function main(args: string[]): Promise<void> {
  const { values } = parseFlags(args, {
    model: { type: "string" },
    out: { type: "string" },
  }, USAGE);
  for (const k of ["model", "out"] as const) {
    if (!values[k]) throw new InputError(`--${k} is required\n\n${USAGE}`);
  }
  const encoder = await loadStaticEncoder(values.model!, { kernels: "js" });
  try {
    const modules = await exportStaticModel(encoder, values.out!);
    console.error(
      `export-static: ${values.model} → ${values.out} (${modules.map((m) => m.path).join(", ")})`,
    );
  } finally {
    encoder.dispose();
  }
}

if (import.meta.main) await runMain(() => main(Deno.args));
