/**
 * Speed of the static encoder's training step at the paper-scale shapes the
 * PyTorch peer (`nn.EmbeddingBag` + AdamW/SparseAdam) is measured at:
 * vocabulary 119,547 (mBERT), width 256, batch 64 pairs, 32 tokens per text.
 * pairs/s = 64 / (time per step).
 *
 * Run: `deno bench -A bench/static_step_bench.ts`
 *
 * Two token distributions: uniform over the vocabulary (every token a
 * distinct row, about 3,960 of the 4,096 in a step — the worst case for the
 * sparse update) and Zipf(1) (text-like: a few hundred distinct rows plus the
 * shared special and prefix tokens).
 *
 * @module
 */

import type { PairBatch } from "../lib/model/encoder.ts";
import { createStaticEncoder } from "../lib/model/static_encoder.ts";
import { sizeOnlyTokenizer } from "./_size_only_tokenizer.ts";

const V = 119_547, D = 256, B = 64, L = 32;

/** A stand-in for the mBERT tokenizer: only its size matters here. */
const tokenizer = sizeOnlyTokenizer(V);

let seed = 12345;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
}

/** Zipf(1) over ranks 1..V by inverse CDF on log-spaced harmonic numbers (approximate). */
function zipfId(): number {
  const r = Math.floor(Math.exp(rand() * Math.log(V)));
  return 1000 + ((r * 7919) % (V - 1000));
}

function batches(kind: "uniform" | "zipf", count: number): PairBatch[] {
  const out: PairBatch[] = [];
  for (let b = 0; b < count; b++) {
    const seq = () => {
      const ids = new Int32Array(L);
      ids[0] = 101;
      ids[L - 1] = 102;
      for (let t = 1; t < L - 1; t++) {
        ids[t] = kind === "uniform" ? Math.floor(rand() * V) : zipfId();
      }
      return ids;
    };
    out.push({ queries: Array.from({ length: B }, seq), passages: Array.from({ length: B }, seq) });
  }
  return out;
}

const uniform = batches("uniform", 16), zipf = batches("zipf", 16);
const plain = createStaticEncoder({ tokenizer, dim: D, seed: 1, init: { std: 0.1 } });
const projected = createStaticEncoder({ tokenizer, dim: D, projection: D, seed: 1 });
let i = 0;

Deno.bench("trainStep, uniform ids (V 119547, d 256, B 64, L 32)", {
  group: "step",
  baseline: true,
}, () => {
  plain.trainStep(uniform[i++ % uniform.length], { lr: 1e-3 });
});

Deno.bench("trainStep, Zipf ids", { group: "step" }, () => {
  plain.trainStep(zipf[i++ % zipf.length], { lr: 1e-3 });
});

// The paper's triplets: one hard negative per pair, 2B candidates per query (B × 2B cosines,
// 3B sequences forward and backward).
const zipfTriplets = zipf.map((b, k) => ({
  ...b,
  negatives: zipf[(k + 1) % zipf.length].passages,
}));
Deno.bench("trainStep, Zipf ids, one hard negative per pair", { group: "step" }, () => {
  plain.trainStep(zipfTriplets[i++ % zipfTriplets.length], { lr: 1e-3 });
});

Deno.bench("trainStep, uniform ids, projection 256 → 256", { group: "step" }, () => {
  projected.trainStep(uniform[i++ % uniform.length], { lr: 1e-3 });
});

Deno.bench("loss (forward only), uniform ids", { group: "step" }, () => {
  plain.loss(uniform[i++ % uniform.length]);
});

const texts = uniform.flatMap((b) => b.queries);
Deno.bench("embedIds, 1,024 texts of 32 tokens", { group: "embed" }, () => {
  plain.embedIds(texts);
});

Deno.bench(
  "createStaticEncoder (119,547 × 256 N(0,1) init)",
  { group: "init", n: 3, warmup: 1 },
  () => {
    createStaticEncoder({ tokenizer, dim: D, seed: 2 });
  },
);
