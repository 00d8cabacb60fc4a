/**
 * `deno task export-beir` — the XQuAD-R or MLQA-R pools in BEIR's layout
 * (`lib/eval/lareqa_beir.ts`): one BEIR dataset per problem the evaluation
 * scores, `mono/{X}/`, `cross/{X}-{Y}/` and `multi/{X}/`, each with
 * `corpus.jsonl`, `queries.jsonl` and `qrels/test.tsv`, so that BEIR or
 * pyserini users score exactly the pools `deno task eval` scores.
 *
 * ```sh
 * deno task export-beir --dataset xquad-r --out out/beir-xquad-r
 * ```
 *
 * `--out` is written whole (a temporary sibling replaces it once complete).
 *
 * @module
 */

import { resolve } from "node:path";
import { resolveDataDir } from "../lib/data/data_dir.ts";
import { loadMlqaR } from "../lib/data/mlqa_r.ts";
import { loadXquadR } from "../lib/data/xquad_r.ts";
import { writeLareqaBeir } from "../lib/eval/lareqa_beir.ts";
import { checkOutputDir, writeDirAtomic } from "../lib/util/atomic_dir.ts";
import { intFlag, parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { lockOutput } from "../lib/util/lock.ts";

const USAGE = `Usage: deno task export-beir --dataset xquad-r|mlqa-r --out DIR
         [--langs a,b,c] [--max-queries N] [--data DIR] [--mlqa-source lareqa|rebuild]

  --dataset      xquad-r (11 languages) or mlqa-r (7 languages)
  --out          output directory: mono/X/, cross/X-Y/, multi/X/, each corpus.jsonl,
                 queries.jsonl, qrels/test.tsv (replaced whole once every file is written)
  --langs        languages, each once (default: all of the dataset)
  --max-queries  the first N questions of each language (default, or 0: all), as deno task eval's
  --data         data directory (default: $XLIR_DATA or data/)
  --mlqa-source  MLQA-R from LAReQA's files (default) or rebuilt from the MLQA dev split`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    dataset: { type: "string" },
    out: { type: "string" },
    langs: { type: "string" },
    "max-queries": { type: "string" },
    data: { type: "string" },
    "mlqa-source": { type: "string" },
  }, USAGE);
  for (const f of ["dataset", "out"] as const) {
    if (!values[f]) throw new InputError(`--${f} is required\n\n${USAGE}`);
  }
  const out = resolve(values.out!);
  await checkOutputDir(out, "--out");
  await using _lock = await lockOutput(out, `deno task export-beir --out ${out}`);
  const dataDir = resolveDataDir(values.data);
  const langs = values.langs?.split(",").map((s) => s.trim()).filter(Boolean);
  const twice = langs?.find((l, i) => langs.indexOf(l) !== i);
  if (twice) throw new InputError(`--langs ${values.langs}: ${twice} is given twice`);
  const maxQueries = values["max-queries"] ? intFlag(values["max-queries"], "--max-queries") : 0;
  const source = values["mlqa-source"] ?? "lareqa";
  if (source !== "lareqa" && source !== "rebuild") {
    throw new InputError(`--mlqa-source must be lareqa or rebuild, got "${source}"`);
  }
  const ds = values.dataset === "xquad-r"
    ? await loadXquadR({ dataDir, langs })
    : values.dataset === "mlqa-r"
    ? await loadMlqaR({ dataDir, langs, source })
    : (() => {
      throw new InputError(`--dataset must be xquad-r or mlqa-r, got "${values.dataset}"`);
    })();
  const written = await writeDirAtomic(
    out,
    (dir) => writeLareqaBeir(dir, ds, { langs, maxQueries }),
  );
  console.error(`export-beir: ${written.length / 3} BEIR datasets of ${ds.name} in ${out}`);
}

if (import.meta.main) await runMain(main);
