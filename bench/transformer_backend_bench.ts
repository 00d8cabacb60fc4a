/**
 * Speed of the tfjs transformer encoder on each backend named on the command
 * line, measured in one process, one backend after the other, on the same
 * synthetic ids: encoding (texts/s, batches of 128 texts of 64 ids) and
 * training (pairs/s, steps of 64 pairs of 32 ids, AdamW). The model is a small
 * BERT (4 layers, width 256, 4 heads, FFN 1024) over mBERT's vocabulary size —
 * the shape a user fine-tuning a checkpoint on a GPU meets, scaled down so the
 * CPU backends finish too. Losses of the first steps are printed per backend
 * so that they can be compared (the backends differ in float rounding only).
 *
 * Run: `deno run -A bench/transformer_backend_bench.ts wasm webgpu webgpu:sparse`
 * (webgpu needs a WebGPU adapter: a GPU with Vulkan, or Mesa's llvmpipe). A
 * `:sparse` suffix trains with `embeddingUpdate: "sparse"` (AdamW on the
 * touched word-embedding rows only) instead of the default dense update of
 * all 119,547 rows, which runs in JS on every backend.
 * Writes one JSON line per backend to stdout.
 *
 * @module
 */

import { initBackend } from "../lib/model/backend.ts";
import type { PairBatch } from "../lib/model/encoder.ts";
import { createTransformer } from "../lib/model/transformer.ts";
import { sizeOnlyTokenizer } from "./_size_only_tokenizer.ts";

const V = 119_547;
const CONFIG = { numLayers: 4, hiddenSize: 256, numHeads: 4, intermediateSize: 1024 };
const ENCODE = { batches: 8, batch: 128, length: 64 };
const TRAIN = { steps: 10, warmup: 2, pairs: 64, length: 32 };

/** A stand-in for the mBERT tokenizer: only its size matters here. */
const tokenizer = sizeOnlyTokenizer(V);

function ids(seed: number, n: number, length: number): Int32Array[] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return Array.from({ length: n }, () => {
    const a = new Int32Array(length);
    a[0] = 101;
    for (let i = 1; i < length - 1; i++) a[i] = 1000 + Math.floor(next() * (V - 1000));
    a[length - 1] = 102;
    return a;
  });
}

async function measure(spec: string) {
  const [backend, update = "dense"] = spec.split(":");
  if (update !== "dense" && update !== "sparse") throw new Error(`unknown update "${update}"`);
  const info = await initBackend(backend);
  const model = await createTransformer(CONFIG, tokenizer, {
    seed: 1,
    maxLength: ENCODE.length,
    embeddingUpdate: update,
  });
  const batches: PairBatch[] = Array.from({ length: TRAIN.steps }, (_, i) => ({
    queries: ids(10 + i, TRAIN.pairs, TRAIN.length),
    passages: ids(1000 + i, TRAIN.pairs, TRAIN.length),
  }));
  const losses: number[] = [];
  let t = 0;
  for (let i = 0; i < TRAIN.steps; i++) {
    const t0 = performance.now();
    losses.push(await model.trainStepAsync(batches[i], { lr: 1e-4 }));
    if (i >= TRAIN.warmup) t += performance.now() - t0;
  }
  const trainPairsPerS = (TRAIN.pairs * (TRAIN.steps - TRAIN.warmup)) / (t / 1000);
  const texts = Array.from(
    { length: ENCODE.batches },
    (_, i) => ids(5000 + i, ENCODE.batch, ENCODE.length),
  );
  await model.embedIdsAsync(texts[0]); // warm-up: shader compilation, first allocations
  const e0 = performance.now();
  let check = 0;
  for (const seqs of texts) check += (await model.embedIdsAsync(seqs))[0];
  const encodeTextsPerS = (ENCODE.batches * ENCODE.batch) / ((performance.now() - e0) / 1000);
  model.dispose();
  return {
    backend: info.name,
    embedding_update: update,
    adapter: info.adapter ?? null,
    threads: info.threads,
    config: { ...CONFIG, vocab: V, encode: ENCODE, train: TRAIN },
    train_pairs_per_s: Math.round(trainPairsPerS),
    encode_texts_per_s: Math.round(encodeTextsPerS),
    first_losses: losses.slice(0, 3),
    first_embedding_sum: check,
  };
}

if (import.meta.main) {
  const backends = Deno.args.length ? Deno.args : ["wasm"];
  for (const b of backends) console.log(JSON.stringify(await measure(b)));
}
