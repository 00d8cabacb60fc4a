/**
 * `encode_per_s`: embedding already-tokenized texts (mean of token
 * embeddings, L2 norm) in xlir against the PyTorch peer
 * (`nn.EmbeddingBag(mode="mean")` over flat ids and offsets, then
 * `F.normalize`, under `torch.no_grad()`), same weights, same ids.
 * Tokenization is outside both timings.
 *
 * Checksum: the largest absolute difference between the two sides'
 * embeddings of every text.
 *
 * @module
 */

import { join } from "node:path";
import type { StaticEncoder } from "../../lib/model/static_encoder.ts";
import { alternate, type Contender, sideTimings } from "./alternate.ts";
import { compare, type Comparison } from "./comparison.ts";
import { peerName, type PeerProcess } from "./peer.ts";
import { median } from "../../lib/util/stats.ts";
import { packRagged, readRawFloat32, writeRaw } from "./workload.ts";

/** Options of {@linkcode benchEncode}. */
export interface EncodeBenchOptions {
  /** The xlir encoder, its weights those in `weightsPath`. */
  encoder: StaticEncoder;
  /** The encoder's token embeddings as a raw float32 file the peer reads (`V × d`). */
  weightsPath: string;
  /** The texts' token ids (prefix and special tokens included). */
  seqs: Int32Array[];
  /** The PyTorch peer (`torch_peer.py`), set up. */
  peer: PeerProcess;
  /** The peer's thread counts, each measured as its own contender. */
  threads: number[];
  /** Rounds of alternation. */
  rounds: number;
  /** Untimed repetitions before round 1, each side. */
  warmup: number;
  /** Timed repetitions (all texts once) per round, each side. */
  reps: number;
  /** A scratch folder. */
  dir: string;
  /** Tolerance on the largest absolute difference. Default 1e-5. */
  tolerance?: number;
  /** Idle milliseconds before each contender's round. Default 250. */
  pauseMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/**
 * Runs the encoding comparison.
 *
 * @param o The options.
 * @returns The comparison (`torch` as the peer).
 *
 * It needs the PyTorch peer (`python3-torch`, installed by `tasks/setup.sh`), so
 * there is no doc example: `encode_test.ts` runs it on 40 texts (skipped where the
 * peer is absent, failing under CI).
 */
export async function benchEncode(o: EncodeBenchOptions): Promise<Comparison> {
  const log = o.log ?? (() => {});
  const { ids, offsets } = packRagged(o.seqs);
  const idsPath = join(o.dir, "encode_ids.i32");
  const offsetsPath = join(o.dir, "encode_offsets.i32");
  const outPath = join(o.dir, "encode_torch.f32");
  await writeRaw(idsPath, ids);
  await writeRaw(offsetsPath, offsets);

  await o.peer.ask({
    cmd: "load_weights",
    weights: o.weightsPath,
    vocab: o.encoder.vocabSize,
    dim: o.encoder.hiddenSize,
  });
  // Checksum: one untimed pass each.
  await o.peer.ask({
    cmd: "encode",
    ids: idsPath,
    offsets: offsetsPath,
    warmup: 0,
    reps: 1,
    out: outPath,
    threads: o.threads[0],
  });
  const theirs = await readRawFloat32(outPath);
  const ours = o.encoder.embedIds(o.seqs);
  let maxDiff = theirs.length === ours.length ? 0 : Infinity;
  for (let i = 0; i < ours.length && i < theirs.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
  }
  const tol = o.tolerance ?? 1e-5;
  const check = {
    passed: maxDiff <= tol,
    summary: `embeddings of all ${o.seqs.length} texts: max |xlir - torch| ${
      maxDiff.toExponential(2)
    } (tolerance ${tol})`,
    maxAbsDiff: maxDiff,
    tolerance: tol,
  };
  log(`encode check: ${check.summary}`);

  // Named, so that a CPU profile can be cut to the timed xlir work (`--profile`).
  const xlirRound = (r: number): number[] => {
    const skip = r === 0 ? o.warmup : 0;
    const ms: number[] = [];
    for (let i = 0; i < skip + o.reps; i++) {
      const t0 = performance.now();
      o.encoder.embedIds(o.seqs);
      const dt = performance.now() - t0;
      if (i >= skip) ms.push(dt);
    }
    return ms;
  };
  const xlir: Contender = { name: "xlir", round: xlirRound };
  const torch = (threads: number): Contender => ({
    name: peerName("torch", threads, o.threads),
    async round(r) {
      const reply = await o.peer.ask<{ ms: number[] }>({
        cmd: "encode",
        warmup: r === 0 ? o.warmup : 0,
        reps: o.reps,
        threads,
      });
      return reply.ms;
    },
  });
  const sides = [xlir, ...o.threads.map(torch)];
  const rounds = await alternate(sides, o.rounds, {
    pauseMs: o.pauseMs ?? 250,
    onRound: (name, r, ms) => {
      log(`encode round ${r + 1}/${o.rounds} ${name}: median ${median(ms).toFixed(2)} ms`);
    },
  });
  const texts = o.seqs.length;
  return compare({
    name: "encode_per_s",
    unit: "texts/s",
    items: texts,
    xlir: sideTimings("xlir", rounds[0], texts),
    peers: sides.slice(1).map((side, i) => sideTimings(side.name, rounds[i + 1], texts)),
    goal: 1,
    check,
    details: {
      texts,
      tokens: ids.length,
      dim: o.encoder.dim,
      warmupReps: o.warmup,
      repsPerRound: o.reps,
      rounds: o.rounds,
      peerThreads: o.threads,
      tokenizationTimed: false,
    },
  });
}
