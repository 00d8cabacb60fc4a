/**
 * The training loop: hybrid-sampled batches → `trainStep` → log, validation
 * loss, early stopping, atomic checkpoints, bit-identical resume.
 *
 * A run directory holds:
 * - `model/` — the model with the best validation loss (Hugging Face layout)
 *   and its `checksums.sha256`, replaced in one atomic step (written beside
 *   it, then swapped in: `lib/util/atomic_dir.ts`);
 * - `checkpoint.safetensors` — weights, optimizer state and loop position,
 *   with checksums verified on resume (`checkpoint.ts`);
 * - `train_log.jsonl` — one JSON object per logged step (`step`, `epoch`,
 *   `loss`, `lr`, `pairs_per_s`) and per evaluation (`val_loss`);
 * - `run.json` — config, seed, backend, git revision, data sizes, timings.
 *
 * Same config, seed and backend → identical batches, losses and weights; an
 * interrupted run (`stopAfter`) resumed with `resume` ends with the very
 * weights of the uninterrupted run. The run directory is locked while a run
 * writes it (`<dir>.lock`, `lib/util/lock.ts`): a second run into it is
 * refused. A resume checks that `model/` is the one its checkpoint recorded;
 * when it is missing or changed it is rebuilt from the checkpoint if the
 * checkpoint holds the best weights, else the resume is refused.
 *
 * @module
 */

import { join } from "node:path";
import type { ParallelExample } from "../data/types.ts";
import type { PairBatch, TrainableEncoder } from "../model/encoder.ts";
import { promptsOf, tokenizeWithPrefix } from "../model/encoder.ts";
import type { Batch } from "../sampling/batch_sampler.ts";
import { deriveSeed } from "../sampling/rng.ts";
import { writeJsonAtomic, writeTextFileAtomic } from "../util/atomic.ts";
import { recoverDir } from "../util/atomic_dir.ts";
import { InputError, writeError } from "../util/errors.ts";
import { gitRevision } from "../util/git.ts";
import { sha256Hex } from "../util/hash.ts";
import { lockOutput } from "../util/lock.ts";
import { Progress } from "../util/progress.ts";
import { checkWriteFault } from "../util/write_faults.ts";
import { checkpointPath, loadCheckpoint, type LoopState, saveCheckpoint } from "./checkpoint.ts";
import { canonicalJson, type TrainConfig } from "./config.ts";
import { ModelStore } from "./model_store.ts";
import { learningRate } from "./schedule.ts";
import { configSampler } from "./sampler.ts";
import { statOrNull } from "../util/stat_or_null.ts";

/** Training and validation examples with their languages. */
export interface TrainingSet {
  train: ParallelExample[];
  valid: ParallelExample[];
  /** The training languages (the sampler's). */
  languages: string[];
  /** What the set is, for run.json (sources, counts). */
  description: Record<string, unknown>;
}

/** Options of {@linkcode train}. */
export interface TrainOptions {
  config: TrainConfig;
  /** The run directory. */
  outDir: string;
  /** The model to train (fresh, or initialised from a base). */
  model: TrainableEncoder;
  data: TrainingSet;
  /** Continue from `outDir`'s checkpoint. */
  resume?: boolean;
  /** Stop (as an interruption would) once this many steps in all are done. */
  stopAfter?: number;
  /** The backend, recorded in run.json (e.g. `"js"` or `"tfjs-wasm"`). */
  backend: string;
  /** Progress bar on stderr (default true). */
  progress?: boolean;
  /**
   * Seconds between checkpoints, written at evaluation steps (default 60); a
   * checkpoint is also written at the first evaluation, at `stopAfter` and at
   * the end. Where a checkpoint is taken never changes the weights, only how
   * much an interruption loses.
   */
  checkpointSeconds?: number;
  /** Also write a checkpoint every this many steps (default: none; by time only). */
  checkpointSteps?: number;
  /**
   * Write a checkpoint when training ends (default true; lets `--resume`
   * continue a finished run with more epochs). A cache that keeps only the
   * model turns it off.
   */
  finalCheckpoint?: boolean;
}

/** What {@linkcode train} returns (also written to run.json). */
export interface TrainResult {
  status: "finished" | "early_stopped" | "interrupted";
  steps: number;
  bestStep: number | null;
  bestValLoss: number | null;
  seconds: number;
  pairsPerSecond: number;
  modelDir: string;
  /**
   * What the run found and did that a reader should know: a stale lock taken
   * over, a resume that found no checkpoint, a model rebuilt from the checkpoint.
   * (Always set by {@linkcode train}; optional for results made elsewhere.)
   */
  notes?: string[];
}

/**
 * Raised when the loss becomes NaN or infinite. The message says truthfully
 * what was kept: the last checkpoint (its step) and the best model so far,
 * or that nothing was.
 */
export class TrainingDivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrainingDivergedError";
  }
}

/**
 * Tokenizes (example, language, role) texts once and keeps them. When the
 * examples carry hard negatives (`texts[lang].negative`, `hard_negatives.ts`),
 * every batch gets one per item: the negative of the item's passage language.
 */
class TokenCache {
  #cache = new Map<string, Int32Array>();
  readonly #triplets: boolean;
  constructor(
    readonly model: TrainableEncoder,
    readonly examples: readonly ParallelExample[],
  ) {
    this.#triplets = examples.some((e) =>
      Object.values(e.texts).some((t) => t.negative !== undefined)
    );
  }

  get(example: number, lang: string, role: "query" | "passage" | "negative"): Int32Array {
    const key = `${example}\u0000${lang}\u0000${role}`;
    let ids = this.#cache.get(key);
    if (!ids) {
      const ex = this.examples[example], t = ex.texts[lang];
      const text = role === "query" ? t.query : role === "passage" ? t.passage : t.negative;
      if (text === undefined) {
        throw new InputError(
          `training example ${ex.id} has no hard negative in ${lang}, but others have; ` +
            `every example and language needs one (data.hardNegatives)`,
        );
      }
      [ids] = tokenizeWithPrefix(
        this.model.tokenizer,
        [text],
        role === "query" ? "query" : "passage",
        this.model.maxLength,
        promptsOf(this.model),
      );
      this.#cache.set(key, ids);
    }
    return ids;
  }

  batch(b: Batch): PairBatch {
    const pairs: PairBatch = {
      queries: b.items.map((it) => this.get(it.example, it.queryLang, "query")),
      passages: b.items.map((it) => this.get(it.example, it.passageLang, "passage")),
    };
    if (this.#triplets) {
      pairs.negatives = b.items.map((it) => this.get(it.example, it.passageLang, "negative"));
    }
    return pairs;
  }
}

/**
 * The largest batch every pool of the validation split can fill: with
 * `uniqueGroups`, the fewest distinct groups among the X-X pools (one per
 * language, when α > 0) and the X-Y pool (examples with ≥ 2 languages, when
 * α < 1; with per-batch X-Y pairs, the best pair's shared examples).
 */
function validationBatchSize(config: TrainConfig, data: TrainingSet): number {
  const { alpha, uniqueGroups, batchSize, crossPairs } = config.sampling;
  const count = (keep: (e: ParallelExample) => boolean) => {
    const kept = data.valid.filter(keep);
    return uniqueGroups ? new Set(kept.map((e) => e.group)).size : kept.length;
  };
  const langsOf = (e: ParallelExample) => data.languages.filter((l) => l in e.texts);
  let cap = batchSize;
  if (alpha > 0) {
    for (const l of data.languages) {
      cap = Math.min(
        cap,
        count((e) => l in e.texts),
      );
    }
  }
  if (alpha < 1 && crossPairs === "per-batch") {
    let best = 0;
    for (const x of data.languages) {
      for (const y of data.languages) {
        if (x < y) best = Math.max(best, count((e) => x in e.texts && y in e.texts));
      }
    }
    cap = Math.min(cap, best);
  } else if (alpha < 1) cap = Math.min(cap, count((e) => langsOf(e).length >= 2));
  return cap;
}

/** The fixed validation batches of a run (same α, a seed of their own). */
function validationBatches(config: TrainConfig, data: TrainingSet): Batch[] {
  const { sampling, train: loop } = config;
  if (data.valid.length === 0 || loop.valBatches === 0) return [];
  const batchSize = validationBatchSize(config, data);
  if (batchSize < 2) return [];
  const seed = deriveSeed(config.seed, 0x7a11d);
  const sampler = configSampler(data.valid, data.languages, sampling, seed, { batchSize });
  const out: Batch[] = [];
  for (let epoch = 0; out.length < loop.valBatches && epoch < 100 && sampler.length > 0; epoch++) {
    for (const b of sampler.batches(epoch)) {
      out.push(b);
      if (out.length === loop.valBatches) break;
    }
  }
  return out;
}

/** The steps a train_log.jsonl shows were done (0 when there is none). */
async function loggedSteps(path: string): Promise<number> {
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return 0;
  }
  let max = 0;
  for (const line of text.split("\n")) {
    try {
      max = Math.max(max, Number(JSON.parse(line).step) || 0);
    } catch {
      // a torn last line
    }
  }
  return max;
}

/** Keeps the lines of train_log.jsonl up to `step` (resume rewrites what came after). */
async function truncateLog(path: string, step: number): Promise<string> {
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return "";
  }
  const kept = text.split("\n").filter((line) => {
    if (!line.trim()) return false;
    try {
      return (JSON.parse(line).step as number) <= step;
    } catch {
      return false;
    }
  });
  return kept.length ? kept.join("\n") + "\n" : "";
}

/**
 * Trains `model` on `data` as `config` says, in `outDir`.
 *
 * @throws {TrainingDivergedError} when the loss is NaN/inf (saying what was kept).
 * @throws {InputError} when `outDir` holds a run and `resume` is not set, the
 *   checkpoint belongs to another config or other batches, is corrupted, or
 *   `model/` is missing or changed and cannot be rebuilt.
 * @throws {OutputError} when another process is writing `outDir`, or a file
 *   cannot be written.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const lock = await lockOutput(options.outDir, `train ${options.config.name}`);
  try {
    return await trainLocked(options, lock.notes);
  } finally {
    await lock.release();
  }
}

async function trainLocked(options: TrainOptions, notes: string[]): Promise<TrainResult> {
  const { config, outDir, model, data } = options;
  const start = performance.now();
  await Deno.mkdir(outDir, { recursive: true });
  const configHash = sha256Hex(canonicalJson(config));
  const sampler = configSampler(data.train, data.languages, config.sampling, config.seed);
  const epochSteps = sampler.length;
  const totalSteps = config.train.maxSteps > 0
    ? Math.min(config.train.maxSteps, epochSteps * config.train.epochs)
    : epochSteps * config.train.epochs;
  const schedule = {
    lr: config.optim.lr,
    warmupSteps: Math.round(config.optim.warmup * totalSteps),
    totalSteps,
    kind: config.optim.schedule,
  };
  const valBatches = validationBatches(config, data);
  const trainTokens = new TokenCache(model, data.train);
  const validTokens = new TokenCache(model, data.valid);
  const validPairs = valBatches.map((b) => validTokens.batch(b));
  // Backends that cannot read results synchronously (WebGPU) offer async forms.
  const lossOf = (b: PairBatch) =>
    model.lossAsync ? model.lossAsync(b) : Promise.resolve(model.loss(b));
  const stepOn = (b: PairBatch, lr: number) =>
    model.trainStepAsync
      ? model.trainStepAsync(b, { lr })
      : Promise.resolve(model.trainStep(b, { lr }));
  const stateOf = () =>
    model.trainingStateAsync ? model.trainingStateAsync() : Promise.resolve(model.trainingState());
  const validationLoss = async () => {
    let sum = 0;
    for (const b of validPairs) sum += await lossOf(b);
    return sum / Math.max(1, validPairs.length);
  };

  const logPath = join(outDir, "train_log.jsonl");
  const modelDir = join(outDir, "model");
  let loop: LoopState = {
    step: 0,
    epoch: 0,
    batchInEpoch: 0,
    bestValLoss: null,
    bestStep: null,
    badEvals: 0,
    samplerFingerprint: sampler.fingerprint(),
    configHash,
  };
  const recovered = await recoverDir(modelDir);
  if (recovered) notes.push(recovered);
  const existing = await loadCheckpoint(outDir);
  let log = "";
  let resumedFrom: number | null = null;
  const store = new ModelStore(modelDir);
  let checkpointStep: number | null = null;
  if (existing && !options.resume) {
    throw new InputError(
      `${outDir} already holds a training run (checkpoint at step ${existing.loop.step}); ` +
        `pass --resume to continue it or choose another --out`,
    );
  }
  if (options.resume && existing) {
    if (existing.loop.configHash !== configHash) {
      throw new InputError(`Cannot resume ${outDir}: its checkpoint was made with another config`);
    }
    if (existing.loop.samplerFingerprint !== loop.samplerFingerprint) {
      throw new InputError(`Cannot resume ${outDir}: the training examples or sampler changed`);
    }
    model.restoreTrainingState({ arrays: existing.arrays, scalars: existing.scalars });
    loop = existing.loop;
    resumedFrom = loop.step;
    checkpointStep = loop.step;
    const repaired = await store.restore(
      existing.model ?? null,
      loop.bestStep === loop.step,
      (dir) => model.save(dir),
      `the best model is of step ${loop.bestStep}, the checkpoint's weights of step ${loop.step}`,
    );
    if (repaired) notes.push(repaired);
    log = await truncateLog(logPath, loop.step);
  } else if (options.resume) {
    const lost = await loggedSteps(logPath);
    notes.push(
      `--resume: ${outDir} holds no checkpoint, so training starts from step 0` +
        (lost > 0
          ? ` (an earlier run had logged ${lost} steps; it stopped before its first ` +
            `checkpoint, so they are lost)`
          : ""),
    );
  } else if ((await statOrNull(modelDir))?.isDirectory) {
    throw new InputError(
      `${outDir} already holds a model (${modelDir}) but no checkpoint; ` +
        `remove it or choose another --out`,
    );
  }
  await writeTextFileAtomic(logPath, log);
  const logFile = await Deno.open(logPath, { append: true });
  const encoder = new TextEncoder();
  const writeLog = (entry: Record<string, unknown>) => {
    const bytes = encoder.encode(JSON.stringify(entry) + "\n");
    try {
      checkWriteFault(logPath);
      for (let at = 0; at < bytes.length;) at += logFile.writeSync(bytes.subarray(at));
    } catch (err) {
      throw writeError(err, logPath);
    }
  };

  let lastCheckpoint = performance.now();
  const checkpointEveryMs = (options.checkpointSeconds ?? 60) * 1000;
  const checkpointSteps = options.checkpointSteps ?? 0;
  // The best weights so far, held in memory until written (when the encoder
  // can snapshot its weights): the model on disk is brought up to date before
  // every checkpoint and at the end, so it always matches the checkpoint's
  // `bestStep`, without a write per improvement.
  // A best model is staged (model.pending/), recorded by the next checkpoint,
  // then published as model/ (model_store.ts).
  // The last snapshot taken is handed back to be refilled (only what changed since).
  let unsavedBest: unknown = null;
  let lastSnapshot: unknown = null;
  const keepBest = async () => {
    if (model.snapshotWeights && model.saveSnapshot) {
      unsavedBest = lastSnapshot = model.snapshotWeights(lastSnapshot);
    } else await store.stage((dir) => model.save(dir));
  };
  const writeBest = async () => {
    if (unsavedBest === null) return;
    const snapshot = unsavedBest;
    await store.stage((dir) => model.saveSnapshot!(dir, snapshot));
    unsavedBest = null;
  };
  const checkpoint = async () => {
    await writeBest();
    const state = await stateOf();
    await saveCheckpoint(outDir, { loop: { ...loop }, ...state, model: store.recorded });
    await store.publish();
    lastCheckpoint = performance.now();
    checkpointStep = loop.step;
  };

  const bar = options.progress === false
    ? null
    : new Progress(`train ${config.name}`, totalSteps, { unit: "steps" });
  if (bar && loop.step > 0) bar.tick(loop.step);
  let status: TrainResult["status"] = "finished";
  let windowLoss = 0;
  let windowSteps = 0;
  let windowStart = performance.now();
  let pairsDone = 0;
  const trainStart = performance.now();

  const evaluate = async () => {
    if (validPairs.length === 0) return false;
    const val = await validationLoss();
    const improved = loop.bestValLoss === null || val < loop.bestValLoss - 1e-6;
    if (improved) {
      loop.bestValLoss = val;
      loop.bestStep = loop.step;
      loop.badEvals = 0;
      await keepBest();
    } else {
      loop.badEvals++;
    }
    writeLog({
      step: loop.step,
      epoch: loop.epoch,
      val_loss: val,
      best_val_loss: loop.bestValLoss,
    });
    const first = checkpointStep === null && Number.isFinite(checkpointEveryMs);
    if (first || performance.now() - lastCheckpoint >= checkpointEveryMs) {
      await checkpoint();
    }
    return config.train.patience > 0 && loop.badEvals >= config.train.patience;
  };

  try {
    outer: while (loop.step < totalSteps && loop.epoch < config.train.epochs) {
      for (const batch of sampler.batches(loop.epoch, loop.batchInEpoch)) {
        const lr = learningRate(loop.step, schedule);
        const loss = await stepOn(trainTokens.batch(batch), lr);
        if (!Number.isFinite(loss)) {
          // The model's state is no longer good (the step was applied): keep the
          // best weights held in memory, and say what is on disk.
          await writeBest();
          await store.publish();
          throw new TrainingDivergedError(
            `${config.name}: the loss became ${loss} at step ${
              loop.step + 1
            } (epoch ${loop.epoch}, ` +
              `batch ${loop.batchInEpoch}); ${
                keptState(outDir, checkpointStep, store.saved, loop)
              }. ` +
              `Try a lower optim.lr (now ${config.optim.lr}) or a higher optim.temperature.`,
          );
        }
        loop.step++;
        loop.batchInEpoch++;
        pairsDone += batch.items.length;
        windowLoss += loss;
        windowSteps++;
        if (loop.step % config.train.logEvery === 0 || loop.step === totalSteps) {
          const now = performance.now();
          const pps = (windowSteps * config.sampling.batchSize) / ((now - windowStart) / 1000);
          writeLog({
            step: loop.step,
            epoch: loop.epoch,
            loss: windowLoss / windowSteps,
            lr,
            pairs_per_s: Math.round(pps),
          });
          bar?.tick(
            windowSteps,
            `loss ${(windowLoss / windowSteps).toFixed(4)} ${Math.round(pps)} pairs/s`,
          );
          windowLoss = 0;
          windowSteps = 0;
          windowStart = now;
        }
        if (loop.batchInEpoch === epochSteps) {
          loop.epoch++;
          loop.batchInEpoch = 0;
        }
        const atEval = loop.step % config.train.evalEvery === 0 || loop.step === totalSteps;
        if (atEval && (await evaluate())) {
          status = "early_stopped";
          break outer;
        }
        if (
          checkpointSteps > 0 && loop.step % checkpointSteps === 0 && checkpointStep !== loop.step
        ) {
          await checkpoint();
        }
        if (
          options.stopAfter !== undefined && loop.step >= options.stopAfter &&
          loop.step < totalSteps
        ) {
          await checkpoint();
          status = "interrupted";
          break outer;
        }
        if (loop.step >= totalSteps) break outer;
        if (loop.batchInEpoch === 0) continue outer;
      }
    }
    await writeBest();
    if (status === "finished" && validPairs.length === 0) {
      await store.stage((dir) => model.save(dir));
    }
    if (status !== "interrupted" && options.finalCheckpoint !== false) await checkpoint();
    await store.publish();
    if (status !== "interrupted") {
      // The result points at model/: it must be there and be the model last saved.
      if (store.saved === null || !(await store.matches(store.saved))) {
        throw new InputError(
          `${config.name}: training ended but ${modelDir} is missing or does not match the ` +
            `model it saved; nothing is marked finished`,
        );
      }
    }
  } finally {
    logFile.close();
  }
  bar?.done(status);
  const seconds = (performance.now() - start) / 1000;
  const result: TrainResult = {
    status,
    steps: loop.step,
    bestStep: loop.bestStep,
    bestValLoss: loop.bestValLoss,
    seconds,
    pairsPerSecond: pairsDone / ((performance.now() - trainStart) / 1000),
    modelDir,
    notes,
  };
  await writeJsonAtomic(join(outDir, "run.json"), {
    name: config.name,
    config,
    config_sha256: configHash,
    seed: config.seed,
    backend: options.backend,
    git_revision: await gitRevision(),
    data: {
      ...data.description,
      train_examples: data.train.length,
      valid_examples: data.valid.length,
      languages: data.languages,
    },
    steps_per_epoch: epochSteps,
    total_steps: totalSteps,
    validation_batches: valBatches.length,
    resumed_from_step: resumedFrom,
    checkpoint_step: checkpointStep,
    model_sha256: store.saved,
    result,
    finished_at: new Date().toISOString(),
  });
  return result;
}

/** What a diverged run leaves on disk, in words. */
function keptState(
  outDir: string,
  checkpointStep: number | null,
  modelSums: Record<string, string> | null,
  loop: LoopState,
): string {
  const model = modelSums === null
    ? ""
    : `, and the best model so far (step ${loop.bestStep}) in ${join(outDir, "model")}`;
  if (checkpointStep === null) {
    return `no checkpoint had been written yet, so no training state of this run is kept${model}`;
  }
  return `the last checkpoint (step ${checkpointStep}) is kept in ${
    checkpointPath(outDir)
  }${model}`;
}
