/**
 * One side of `deno task bench --only transformer`, in a process of its own
 * (so its load time and peak RSS are its own): loads a checkpoint folder
 * with one engine, encodes the batches of token ids once to warm up and once
 * timed, and prints one JSON line.
 *
 * ```sh
 * deno run -A bench/transformer_side.ts ort|tfjs DIR IDS.json THREADS
 * ```
 *
 * Output: `{engine, load_s, ms: [per batch], peak_rss (VmHWM), check}`, `check` the sum
 * of every embedding's first coordinate.
 *
 * @module
 */

import { initBackend } from "../lib/model/backend.ts";
import { type Engine, loadInferenceEncoder } from "../lib/model/load_inference.ts";

/** Peak resident set size of this process (`VmHWM` of /proc/self/status), bytes. */
export function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
  return m ? Number(m[1]) * 1024 : Deno.memoryUsage().rss;
}

if (import.meta.main) {
  const [engine, dir, idsPath, threads] = Deno.args;
  const batches: number[][][] = JSON.parse(await Deno.readTextFile(idsPath));
  const seqs = batches.map((b) => b.map((s) => Int32Array.from(s)));
  await initBackend("wasm");
  const t0 = performance.now();
  const enc = await loadInferenceEncoder(dir, {
    engine: engine as Engine,
    threads: Number(threads),
    batchSize: seqs[0].length,
    maxLength: 128,
  });
  const loadS = (performance.now() - t0) / 1000;
  const run = (b: Int32Array[]) => enc.sentenceEmbeddings?.(b) ?? enc.embedIds(b);
  run(seqs[0]); // warm-up
  const ms: number[] = [];
  let check = 0;
  for (const b of seqs) {
    const t = performance.now();
    const e = run(b);
    ms.push(performance.now() - t);
    for (let i = 0; i < b.length; i++) check += e[i * enc.dim];
  }
  enc.dispose();
  console.log(JSON.stringify({ engine, load_s: loadS, ms, peak_rss: peakRss(), check }));
}
