/**
 * Fixtures for the training tests: a small synthetic bilingual training set,
 * a config sized for it, and a static encoder to train, so that a whole run
 * takes well under a second (also in a subprocess that a test kills).
 *
 * @module
 */

import type { ParallelExample } from "../data/types.ts";
import { tinyTokenizer } from "../model/_testing.ts";
import type { TrainableEncoder } from "../model/encoder.ts";
import { createStaticEncoder } from "../model/static_encoder.ts";
import { Rng } from "../sampling/rng.ts";
import { resolveConfig, type TrainConfig } from "./config.ts";
import type { TrainingSet } from "./trainer.ts";

const EN = [
  "the",
  "cat",
  "dog",
  "sat",
  "on",
  "mat",
  "river",
  "city",
  "capital",
  "paris",
  "berlin",
  "germany",
  "france",
];
const DE = ["die", "hauptstadt", "von", "wer", "war", "un", "berlin", "paris"];

/** `n` random en/de examples (one group each), seeded. */
export function synthetic(n: number, seed: number): ParallelExample[] {
  const rng = new Rng(seed);
  const words = (list: string[], k: number) =>
    Array.from({ length: k }, () => list[rng.int(list.length)]).join(" ");
  return Array.from({ length: n }, (_, i) => {
    const qe = words(EN, 3), qd = words(DE, 3);
    return {
      id: `ex${i}`,
      group: `g${i}`,
      texts: {
        en: { query: qe, passage: `${qe} ${words(EN, 2)}` },
        de: { query: qd, passage: `${qd} ${words(DE, 2)}` },
      },
    };
  });
}

/** The test config: 8 batches of 8 per epoch, 3 epochs, evaluation every 5 steps. */
export function testConfig(overrides: Record<string, unknown> = {}): TrainConfig {
  return resolveConfig({
    name: "t",
    seed: 3,
    model: { dim: 8, maxLength: 16 },
    sampling: { alpha: 0.5, batchSize: 8 },
    optim: { lr: 0.05 },
    train: { epochs: 3, evalEvery: 5, logEvery: 2, valBatches: 2, patience: 0 },
    ...overrides,
  });
}

/** A fresh static encoder for `c` and the synthetic training set. */
export async function testSetup(
  c: TrainConfig,
): Promise<{ model: TrainableEncoder; data: TrainingSet }> {
  const tokenizer = await tinyTokenizer();
  const model = createStaticEncoder({
    tokenizer,
    dim: c.model.dim,
    maxLength: c.model.maxLength,
    seed: c.seed,
  });
  const data: TrainingSet = {
    train: synthetic(64, 1),
    valid: synthetic(24, 2).map((e) => ({ ...e, id: `v${e.id}`, group: `v${e.group}` })),
    languages: ["de", "en"],
    description: { protocol: "synthetic" },
  };
  return { model, data };
}
