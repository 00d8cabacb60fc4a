/**
 * `deno task study` — the stand-in study (`lib/pipeline/study.ts`): base
 * models built different ways, evaluated without fine-tuning on XQuAD-R and
 * MLQA-R beside the lexical baselines. Writes `OUT/standin_study.{csv,json,md}`
 * and `OUT/study.json` (config, git revision, data directory) into an output
 * directory replaced as a whole, under its lock.
 *
 * ```sh
 * deno task study                       # configs/study.json → results/study
 * deno task study --config my.json --out out/study
 * ```
 *
 * @module
 */

import { join } from "node:path";
import { resolveDataDir } from "../lib/data/data_dir.ts";
import { loadStudy, runStudy, studyTable } from "../lib/pipeline/study.ts";
import { toMarkdown, writeTable } from "../lib/report/tables.ts";
import { writeJsonAtomic } from "../lib/util/atomic.ts";
import { checkOutputDir, writeDirAtomic } from "../lib/util/atomic_dir.ts";
import { parseFlags, runMain } from "../lib/util/cli.ts";
import { gitRevision } from "../lib/util/git.ts";
import { withOutputLock } from "../lib/util/lock.ts";
import { progressLine } from "../lib/util/progress.ts";
import { fromRoot } from "../lib/util/root.ts";

const USAGE = `Usage: deno task study [--config FILE] [--out DIR] [--data DIR]

  --config  the study (default configs/study.json)
  --out     output directory (default results/study), replaced as a whole when done
  --data    data directory (default: $XLIR_DATA or data/)`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    config: { type: "string" },
    out: { type: "string" },
    data: { type: "string" },
  }, USAGE);
  const configPath = values.config ?? "configs/study.json";
  const out = fromRoot(values.out ?? "results/study");
  const dataDir = resolveDataDir(values.data);
  await checkOutputDir(out, "--out");
  const study = await loadStudy(configPath);
  const t0 = performance.now();
  await withOutputLock(out, async () => {
    const results = await runStudy(study, dataDir, (line) => progressLine(line));
    const rows = studyTable(results);
    await writeDirAtomic(out, async (dir) => {
      await writeTable(dir, "standin_study", rows);
      await writeJsonAtomic(join(dir, "study.json"), {
        command: `deno task study --config ${configPath}`,
        config: study,
        git_revision: await gitRevision(),
        data_dir: dataDir,
        created: new Date().toISOString(),
        seconds: Math.round((performance.now() - t0) / 1000),
        models: results.map((r) => ({ name: r.name, kind: r.kind, key: r.model?.key ?? null })),
      });
    });
    console.log(toMarkdown(rows));
  }, `deno task study --out ${out}`);
}

if (import.meta.main) await runMain(main);
