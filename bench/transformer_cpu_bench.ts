/**
 * The real-checkpoint speed comparison of `deno task bench --only transformer`:
 * a BERT-base-shaped model (12 layers, width 768, 12 heads, FFN 3072) with
 * random weights, saved once by xlir in Hugging Face layout, then loaded and
 * run by both sides on the same token ids (batches of texts of 32–128 tokens):
 * xlir's `loadTransformer` + `sentenceEmbeddings` on its tfjs backend, and a
 * float32 PyTorch BERT (`bench/transformer_cpu_peer.py`) on the same threads.
 * Reports texts/s (the ratio), load seconds and peak RSS of each side.
 *
 * @module
 */

import { join } from "node:path";
import { createTransformer } from "../lib/model/transformer.ts";
import { loadTransformer } from "../lib/model/load_encoder.ts";
import { backendInfo } from "../lib/model/backend.ts";
import { compare, type Comparison } from "../lib/bench/comparison.ts";
import { PEER_PYTHON } from "../lib/bench/peer.ts";
import { sizeOnlyTokenizer } from "./_size_only_tokenizer.ts";

/** BERT-base's shape; the vocabulary is cut to 30,522 (BERT-base uncased) to keep the file small. */
export const BERT_BASE = {
  vocab: 30_522,
  config: {
    numLayers: 12,
    hiddenSize: 768,
    numHeads: 12,
    intermediateSize: 3072,
    maxPositions: 512,
  },
};

function idBatches(batch: number, batches: number): number[][][] {
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: batches }, () =>
    Array.from({ length: batch }, () => {
      const n = 32 + Math.floor(next() * 97); // 32..128 tokens
      return Array.from({ length: n }, (_, i) =>
        i === 0 ? 101 : i === n - 1 ? 102 : 1000 + Math.floor(next() * 29_000));
    }));
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

/**
 * Runs the comparison.
 *
 * @param options `batch` texts per forward pass, `batches` per repetition, `reps` repetitions,
 *   `threads` of the PyTorch side, `dir` a scratch folder, `log` progress lines.
 */
export async function benchTransformerCpu(options: {
  batch: number;
  batches: number;
  reps: number;
  threads: number;
  dir: string;
  /** A folder with a `tokenizer.json` (the mBERT vocabulary). */
  vocabDir: string;
  log: (line: string) => void;
}): Promise<Comparison> {
  const { batch, batches, reps, threads, dir, log } = options;
  const modelDir = join(dir, "bert-base");
  const tok = sizeOnlyTokenizer(BERT_BASE.vocab);
  {
    const m = await createTransformer(BERT_BASE.config, tok, { seed: 1 });
    await m.save(modelDir);
    m.dispose();
    // The ids are given directly; the folder only needs a loadable tokenizer.
    await Deno.copyFile(join(options.vocabDir, "tokenizer.json"), join(modelDir, "tokenizer.json"));
  }
  const size = (await Deno.stat(join(modelDir, "model.safetensors"))).size;
  const ids = idBatches(batch, batches);
  await Deno.writeTextFile(join(dir, "ids.json"), JSON.stringify(ids));
  log(
    `transformer: BERT-base shape, ${
      (size / 2 ** 20).toFixed(0)
    } MiB checkpoint, ${batches}×${batch} texts`,
  );

  const rss0 = Deno.memoryUsage().rss;
  let peakRss = rss0;
  const t0 = performance.now();
  const model = await loadTransformer(modelDir, { maxLength: 128 });
  const loadS = (performance.now() - t0) / 1000;
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  const seqs = ids.map((b) => b.map((s) => Int32Array.from(s)));
  model.sentenceEmbeddings(seqs[0]); // warm-up
  const ms: number[] = [];
  let check = 0;
  for (let r = 0; r < reps; r++) {
    for (const b of seqs) {
      const t = performance.now();
      check += model.sentenceEmbeddings(b)[0];
      ms.push(performance.now() - t);
      peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
    }
  }
  model.dispose();

  const out = await new Deno.Command(PEER_PYTHON, {
    args: [
      new URL("./transformer_cpu_peer.py", import.meta.url).pathname,
      modelDir,
      join(dir, "ids.json"),
      String(threads),
      String(reps),
    ],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("transformer_cpu_peer.py failed");
  const peer = JSON.parse(new TextDecoder().decode(out.stdout));
  const side = (name: string, times: number[]) => ({
    name,
    rounds: [times],
    medianMs: median(times),
    perSecond: batch / (median(times) / 1000),
  });
  const diff = Math.abs(check - peer.check) / Math.max(1, Math.abs(peer.check));
  return compare({
    name: "transformer_encode_per_s",
    unit: "texts/s",
    items: batch,
    xlir: side(`xlir-tfjs-${backendInfo()?.name ?? "?"}`, ms),
    peers: [side(`torch-${peer.threads}t`, peer.ms)],
    goal: 0.5,
    check: {
      passed: diff < 1e-3,
      summary: `sum of first coordinates: xlir ${check.toFixed(6)}, torch ${
        Number(peer.check).toFixed(6)
      } (relative difference ${diff.toExponential(1)})`,
    },
    details: {
      shape: { ...BERT_BASE, batch, batches, tokens: "32..128 per text" },
      checkpoint_bytes: size,
      load_s: { xlir: loadS, torch: peer.load_s, ratio: loadS / peer.load_s, goal: "<= 2" },
      peak_rss_bytes: {
        xlir: peakRss,
        torch: peer.peak_rss,
        xlir_over_checkpoint: peakRss / size,
        goal: "<= 2x the checkpoint",
      },
      torch: peer.torch,
    },
  });
}
