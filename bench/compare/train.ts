/**
 * `train_pairs_per_s`: one training step of the static encoder (forward,
 * in-batch InfoNCE, backward, optimizer step) in xlir against the PyTorch
 * peer's two variants — dense `nn.EmbeddingBag` + `AdamW`, and
 * `sparse=True` + `SparseAdam` — on the same initial weights and the same
 * token-id batches, alternating rounds.
 *
 * Checksum: the loss on batch 0 from the initial weights must agree with
 * both variants (the same model and loss), and the loss on batch 0 after one
 * step on it must agree with dense AdamW (on the rows a batch touches, xlir's
 * lazy AdamW is PyTorch's AdamW; SparseAdam has no weight decay and places ε
 * differently, so its figure is reported, not checked).
 *
 * @module
 */

import { join } from "node:path";
import type { PairBatch } from "../../lib/model/encoder.ts";
import type { StaticEncoder } from "../../lib/model/static_encoder.ts";
import { alternate, type Contender, sideTimings } from "./alternate.ts";
import { compare, type Comparison } from "./comparison.ts";
import { peerName, type PeerProcess } from "./peer.ts";
import { median } from "../../lib/util/stats.ts";
import { type BatchShape, distinctIds, packBatches, writeRaw } from "./workload.ts";

/** Options of {@linkcode benchTrain}. */
export interface TrainBenchOptions {
  /** The xlir encoder, at its initial weights (it is trained by the bench). */
  encoder: StaticEncoder;
  /** The initial weights as a raw float32 file the peer reads (`V × d`). */
  weightsPath: string;
  /** The batches, cycled through by both sides in the same order. */
  batches: PairBatch[];
  /** Their shape. */
  shape: BatchShape;
  /** Learning rate (constant). */
  lr: number;
  /** AdamW weight decay (xlir's and the dense variant's; SparseAdam has none). */
  weightDecay: number;
  /** InfoNCE temperature. */
  temperature: number;
  /** The PyTorch peer (`torch_peer.py`), set up. */
  peer: PeerProcess;
  /** The peer's thread counts, each measured as its own contender (the first also runs the check). */
  threads: number[];
  /** Rounds of alternation. */
  rounds: number;
  /** Untimed steps before round 1, each side. */
  warmup: number;
  /** Timed steps per round, each side. */
  steps: number;
  /** A scratch folder for the batch file. */
  dir: string;
  /** Tolerance on the loss checks (absolute). Default 1e-4. */
  tolerance?: number;
  /** Idle milliseconds before each contender's round. Default 250. */
  pauseMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

interface PeerCheck {
  loss: number;
  loss_after_step: number;
}

/**
 * Runs the training comparison.
 *
 * @param o The options.
 * @returns The comparison (`torch-sparse` and `torch-dense` as peers).
 *
 * It needs the PyTorch peer (`python3-torch`, installed by `tasks/setup.sh`), so
 * there is no doc example: `train_test.ts` runs it on a tiny vocabulary (skipped
 * where the peer is absent, failing under CI).
 */
export async function benchTrain(o: TrainBenchOptions): Promise<Comparison> {
  const log = o.log ?? (() => {});
  const { encoder, batches, shape } = o;
  const batchPath = join(o.dir, "train_batches.i32");
  await writeRaw(batchPath, packBatches(batches, shape));
  await o.peer.ask({
    cmd: "load_weights",
    weights: o.weightsPath,
    vocab: encoder.vocabSize,
    dim: encoder.hiddenSize,
  });
  await o.peer.ask({
    cmd: "load_batches",
    batches: batchPath,
    batch: shape.batch,
    length: shape.length,
    temperature: o.temperature,
  });
  const hyper = { lr: o.lr, weight_decay: o.weightDecay, threads: o.threads[0] };

  // Checksum first, from the initial weights.
  const xlirLoss = encoder.loss(batches[0]);
  encoder.trainStep(batches[0], { lr: o.lr });
  const xlirAfter = encoder.loss(batches[0]);
  const dense = await o.peer.ask<PeerCheck>({ cmd: "check", variant: "dense", ...hyper });
  const sparse = await o.peer.ask<PeerCheck>({ cmd: "check", variant: "sparse", ...hyper });
  const tol = o.tolerance ?? 1e-4;
  const diffs = {
    loss_vs_dense: Math.abs(xlirLoss - dense.loss),
    loss_vs_sparse: Math.abs(xlirLoss - sparse.loss),
    after_step_vs_dense: Math.abs(xlirAfter - dense.loss_after_step),
    after_step_vs_sparse: Math.abs(xlirAfter - sparse.loss_after_step),
  };
  const passed = diffs.loss_vs_dense <= tol && diffs.loss_vs_sparse <= tol &&
    diffs.after_step_vs_dense <= tol;
  const check = {
    passed,
    summary: `loss on batch 0: xlir ${xlirLoss.toFixed(6)}, torch ${
      dense.loss.toFixed(6)
    } (|diff| ${diffs.loss_vs_dense.toExponential(1)}); after one step: xlir ${
      xlirAfter.toFixed(6)
    }, torch-dense ${dense.loss_after_step.toFixed(6)} (|diff| ${
      diffs.after_step_vs_dense.toExponential(1)
    }), torch-sparse ${sparse.loss_after_step.toFixed(6)} (not checked); tolerance ${tol}`,
    tolerance: tol,
    xlir: { loss: xlirLoss, loss_after_step: xlirAfter },
    torch_dense: dense,
    torch_sparse: sparse,
    diffs,
  };
  log(`train check: ${check.summary}`);

  let cursor = 0;
  // Named, so that a CPU profile can be cut to the timed xlir work (`--profile`).
  const xlirRound = (r: number): number[] => {
    const skip = r === 0 ? o.warmup : 0;
    const ms: number[] = [];
    for (let i = 0; i < skip + o.steps; i++) {
      const batch = batches[cursor++ % batches.length];
      const t0 = performance.now();
      encoder.trainStep(batch, { lr: o.lr });
      const dt = performance.now() - t0;
      if (i >= skip) ms.push(dt);
    }
    return ms;
  };
  const xlir: Contender = { name: "xlir", round: xlirRound };
  const torch = (variant: "sparse" | "dense", threads: number): Contender => ({
    name: peerName(`torch-${variant}`, threads, o.threads),
    async round(r) {
      const reply = await o.peer.ask<{ ms: number[] }>({
        cmd: "train",
        variant,
        warmup: r === 0 ? o.warmup : 0,
        steps: o.steps,
        ...hyper,
        threads,
      });
      return reply.ms;
    },
  });
  const sides = [
    xlir,
    ...o.threads.map((t) => torch("sparse", t)),
    ...o.threads.map((t) => torch("dense", t)),
  ];
  const rounds = await alternate(sides, o.rounds, {
    pauseMs: o.pauseMs ?? 250,
    onRound: (name, r, ms) => {
      log(`train round ${r + 1}/${o.rounds} ${name}: median ${median(ms).toFixed(1)} ms/step`);
    },
  });
  const [x, ...peers] = sides.map((s, i) => sideTimings(s.name, rounds[i], shape.batch));
  return compare({
    name: "train_pairs_per_s",
    unit: "pairs/s",
    items: shape.batch,
    xlir: x,
    peers,
    goal: 1,
    check,
    details: {
      vocab: encoder.vocabSize,
      dim: encoder.hiddenSize,
      batch: shape.batch,
      length: shape.length,
      batches: batches.length,
      distinctRowsPerBatch: median(batches.map(distinctIds)),
      lr: o.lr,
      weightDecay: o.weightDecay,
      temperature: o.temperature,
      warmupSteps: o.warmup,
      stepsPerRound: o.steps,
      rounds: o.rounds,
      peerThreads: o.threads,
      optimizers: {
        xlir: "AdamW, lazy on the rows a batch touches (sparse_adamw.ts)",
        "torch-dense": "torch.optim.AdamW on the whole table (nn.EmbeddingBag, sparse=False)",
        "torch-sparse": "torch.optim.SparseAdam (nn.EmbeddingBag, sparse=True; no weight decay)",
      },
    },
  });
}
