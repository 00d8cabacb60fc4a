/**
 * `deno task eval` — the paper's evaluation of one model (or BM25) on XQuAD-R
 * or MLQA-R: mono, cross and multi settings, mAP, R@1/R@10, language bias.
 *
 * ```sh
 * deno task eval --dataset xquad-r --model bm25 --out out/eval-bm25
 * deno task eval --dataset mlqa-r --model out/train/hybrid/model --out out/eval-hybrid --depth 0 --langs en,de --max-queries 50
 * ```
 *
 * `--out` is checked and locked before any work (a file there, or another
 * run writing it, stops the command at once), and written as a whole: every
 * output goes into a temporary sibling that replaces `--out` only when all
 * are written, so a failure (a full disk included) leaves the old outputs
 * exactly as they were. A model directory with a `checksums.sha256` is
 * verified before it is loaded, and a model that scores NaN is reported as
 * such.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { loadMlqaR } from "../lib/data/mlqa_r.ts";
import { loadXquadR } from "../lib/data/xquad_r.ts";
import { loadMbertTokenizer } from "../lib/data/tokenizer.ts";
import { resolveDataDir } from "../lib/data/data_dir.ts";
import { evaluateLareqa } from "../lib/eval/lareqa.ts";
import { writeLareqaOutputs } from "../lib/eval/lareqa_export.ts";
import {
  Bm25Scorer,
  type Collection,
  DenseScorer,
  type QuerySet,
  type RowsCallback,
  type RowScorer,
  type Scorer,
} from "../lib/eval/scorers.ts";
import { loadEvalEncoder } from "../lib/pipeline/eval_encoder.ts";
import { loadKernel } from "../lib/retrieval/kernels.ts";
import { checkOutputDir, writeDirAtomic } from "../lib/util/atomic_dir.ts";
import { verifyChecksums } from "../lib/util/checksums.ts";
import { intFlag, parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { gitRevision } from "../lib/util/git.ts";
import { lockOutput } from "../lib/util/lock.ts";

const USAGE = `Usage: deno task eval --dataset xquad-r|mlqa-r --model bm25|<model dir> --out DIR
         [--langs a,b,c] [--max-queries N] [--depth D] [--name NAME] [--data DIR]
         [--mlqa-source lareqa|rebuild] [--max-length N]

  --dataset      xquad-r (11 languages) or mlqa-r (7 languages)
  --model        bm25 (Lucene BM25 over mBERT WordPiece tokens) or a model directory
                 (config.json + model.safetensors + tokenizer.json)
  --out          output directory: runs/, qrels/, summary.tsv, per_query.tsv, per_query.json,
                 metrics.json
                 (replaced whole once every file is written; locked while this runs)
  --langs        languages to evaluate, each once (default: all of the dataset)
  --max-queries  the first N questions of each language (default, or 0: all)
  --depth        candidates per query in the exported runs; 0 = the full ranking (default 100).
                 Metrics are always computed on the full ranking.
  --name         the run tag of the TREC runs (default: bm25, or the model directory's last two
                 path parts, e.g. hybrid/model)
  --data         data directory (default: $XLIR_DATA or data/)
  --mlqa-source  MLQA-R from LAReQA's files (default) or rebuilt from the MLQA dev split
  --max-length   tokens at which a model's queries and passages are cut (default: the model's
                 max_length; deno task reproduce evaluates at 512, configs/experiment.json)`;

async function modelScorer(
  model: string,
  maxLength: number | undefined,
): Promise<{ scorer: Scorer; info: Record<string, unknown> }> {
  const dir = resolve(model);
  try {
    if (!(await Deno.stat(dir)).isDirectory) throw new Error();
  } catch {
    throw new InputError(
      `--model ${model}: no such directory; expected "bm25" or a model directory holding config.json`,
    );
  }
  await verifyChecksums(dir, "model");
  const encoder = await loadEvalEncoder(dir, { maxLength });
  const kernel = await loadKernel();
  let run: unknown = null;
  try {
    run = JSON.parse(await Deno.readTextFile(join(dir, "..", "run.json")));
  } catch {
    // a model not trained by xlir
  }
  return {
    scorer: new DenseScorer(dir.split("/").filter(Boolean).slice(-2).join("/"), encoder, kernel),
    info: {
      model: dir,
      architecture: encoder.architecture,
      dim: encoder.dim,
      max_length: encoder.maxLength,
      kernel: kernel.name,
      training_run: run,
    },
  };
}

/**
 * A scorer that stops with a clear error when the model scores NaN (NaN or
 * infinite weights), instead of a failure deep in the metrics.
 */
class NanGuard implements RowScorer {
  constructor(readonly inner: RowScorer, readonly model: string) {}
  get name() {
    return this.inner.name;
  }
  get collectionIndependent() {
    return this.inner.collectionIndependent;
  }
  scoreQueries(queries: QuerySet, collection: Collection, onRows: RowsCallback): void {
    const n = collection.ids.length;
    this.inner.scoreQueries(queries, collection, (q0, nq, rows) => {
      const at = rows.findIndex(Number.isNaN);
      if (at >= 0) {
        throw new InputError(
          `--model ${this.model} produced NaN scores (query ${
            queries.ids[q0 + Math.floor(at / n)]
          }, ` +
            `candidate ${collection.ids[at % n]}): its weights hold NaN or infinite values`,
        );
      }
      onRows(q0, nq, rows);
    });
  }
}

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    dataset: { type: "string" },
    model: { type: "string" },
    out: { type: "string" },
    langs: { type: "string" },
    "max-queries": { type: "string" },
    depth: { type: "string" },
    data: { type: "string" },
    "mlqa-source": { type: "string" },
    "max-length": { type: "string" },
    name: { type: "string" },
  }, USAGE);
  for (const f of ["dataset", "model", "out"] as const) {
    if (!values[f]) throw new InputError(`--${f} is required\n\n${USAGE}`);
  }
  const out = resolve(values.out!);
  await checkOutputDir(out, "--out");
  await using lock = await lockOutput(out, `deno task eval --out ${out}`);
  for (const note of lock.notes) console.error(`eval: ${note}`);
  const dataDir = resolveDataDir(values.data);
  const langs = values.langs?.split(",").map((s) => s.trim()).filter(Boolean);
  const twice = langs?.find((l, i) => langs.indexOf(l) !== i);
  if (twice) throw new InputError(`--langs ${values.langs}: ${twice} is given twice`);
  const maxQueries = values["max-queries"] ? intFlag(values["max-queries"], "--max-queries") : 0;
  if (values["max-queries"] && maxQueries === 0) {
    console.error("eval: --max-queries 0: all questions of each language");
  }
  const depth = values.depth ? intFlag(values.depth, "--depth") : 100;
  const maxLength = values["max-length"]
    ? intFlag(values["max-length"], "--max-length", 1)
    : undefined;
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
  const { scorer, info } = values.model === "bm25"
    ? {
      scorer: new Bm25Scorer(await loadMbertTokenizer(dataDir)),
      info: { model: "bm25", k1: 0.9, b: 0.4 },
    }
    : await modelScorer(values.model!, maxLength);
  const t0 = performance.now();
  const guarded = new NanGuard(scorer, values.model!);
  const result = evaluateLareqa(ds, guarded, { langs, maxQueries, runDepth: depth });
  const seconds = (performance.now() - t0) / 1000;
  const meta = {
    runid: values.name ?? scorer.name,
    config: {
      dataset: values.dataset,
      langs: langs ?? ds.languages,
      max_queries: maxQueries,
      depth,
      mlqa_source: source,
    },
    model: info,
    data_dir: dataDir,
    git_revision: await gitRevision(),
    seconds,
    date: new Date().toISOString(),
    notes:
      "map: average precision over the full ranking (LAReQA); runs truncated at `depth` (0 = full)",
  };
  await writeDirAtomic(out, (dir) => writeLareqaOutputs(dir, result, meta));
  console.log(await Deno.readTextFile(join(out, "summary.tsv")));
  console.error(`eval: wrote ${out} in ${seconds.toFixed(1)}s`);
}

if (import.meta.main) await runMain(main);
