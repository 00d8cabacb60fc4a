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
import { InputError } from "../lib/util/errors.ts";

const USAGE =
  `Usage: deno task train --config FILE --out DIR [--resume] [--stop-after N] [--data DIR]

  --config      a JSON training config (configs/*.json; fields in lib/train/config.ts)
  --out         the run directory
  --resume      continue the run in DIR from its checkpoint
  --stop-after  stop after N steps in all, leaving a checkpoint as an interruption would
  --data        data directory (default: $XLIR_DATA or data/)`;

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    config: { type: "string" },
    out: { type: "string" },
    resume: { type: "boolean" },
    "stop-after": { type: "string" },
    data: { type: "string" },
  }, USAGE);
  if (!values.config) throw new InputError(`--config is required\n\n${USAGE}`);
  if (!values.out) throw new InputError(`--out is required\n\n${USAGE}`);
  const config = await loadConfig(values.config);
  const dataDir = resolveDataDir(values.data);
  const stopAfter = values["stop-after"]
    ? intFlag(values["stop-after"], "--stop-after", 1)
    : undefined;
  const data = await buildTrainingSet(config.data, config.seed, dataDir);
  const { model, backend } = await buildModel(config, dataDir);
  try {
    const result = await train({
      config,
      outDir: resolve(values.out),
      model,
      data,
      backend,
      resume: values.resume ?? false,
      stopAfter,
    });
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
