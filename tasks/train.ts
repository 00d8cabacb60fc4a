/**
 * `deno task train --config FILE --out DIR [--resume] [--stop-after N] [--data DIR]`
 *
 * Trains the model a config describes (see `lib/train/config.ts` and
 * `configs/`), writing `DIR/model/` (Hugging Face layout), `DIR/train_log.jsonl`,
 * `DIR/run.json` and `DIR/checkpoint.safetensors`.
 *
 * @module
 */

import { resolve } from "node:path";
import { resolveDataDir } from "../lib/data/data_dir.ts";
import { loadConfig } from "../lib/train/config.ts";
import { buildModel } from "../lib/train/model_factory.ts";
import { train, TrainingDivergedError } from "../lib/train/trainer.ts";
import { buildTrainingSet } from "../lib/train/training_set.ts";
import { intFlag, parseFlags, runMain } from "../lib/util/cli.ts";
import { checkOutputDir } from "../lib/util/atomic_dir.ts";
import { InputError } from "../lib/util/errors.ts";

const USAGE = `Usage: deno task train --config FILE --out DIR [--resume] [--stop-after N]
         [--checkpoint-every N] [--data DIR]

  --config            a JSON training config (configs/*.json; fields in lib/train/config.ts)
  --out               the run directory (locked while training: a second run into it is refused)
  --resume            continue the run in DIR from its checkpoint (verified first)
  --stop-after        stop after N steps in all, leaving a checkpoint as an interruption would
  --checkpoint-every  also checkpoint every N steps (default: at the first evaluation, then at
                      evaluations at least 60 s apart)
  --data              data directory (default: $XLIR_DATA or data/)`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    config: { type: "string" },
    out: { type: "string" },
    resume: { type: "boolean" },
    "stop-after": { type: "string" },
    "checkpoint-every": { type: "string" },
    data: { type: "string" },
  }, USAGE);
  if (!values.config) throw new InputError(`--config is required\n\n${USAGE}`);
  if (!values.out) throw new InputError(`--out is required\n\n${USAGE}`);
  const config = await loadConfig(values.config);
  const dataDir = resolveDataDir(values.data);
  const stopAfter = values["stop-after"]
    ? intFlag(values["stop-after"], "--stop-after", 1)
    : undefined;
  const checkpointSteps = values["checkpoint-every"]
    ? intFlag(values["checkpoint-every"], "--checkpoint-every", 1)
    : undefined;
  const outDir = resolve(values.out);
  await checkOutputDir(outDir, "--out");
  const data = await buildTrainingSet(config.data, config.seed, dataDir);
  const { model, backend } = await buildModel(config, dataDir);
  try {
    const result = await train({
      config,
      outDir,
      model,
      data,
      backend,
      resume: values.resume ?? false,
      stopAfter,
      checkpointSteps,
    });
    for (const note of result.notes ?? []) console.error(`train: ${note}`);
    console.log(JSON.stringify(result));
  } catch (err) {
    if (err instanceof TrainingDivergedError) {
      console.error(`error: ${err.message}`);
      Deno.exit(3);
    }
    throw err;
  } finally {
    model.dispose();
  }
}

if (import.meta.main) await runMain(main);
