/**
 * The real-checkpoint speed comparison of `deno task bench --only transformer`:
 * a BERT-base-shaped model (12 layers, width 768, 12 heads, FFN 3072) with
 * random weights, saved once by xlir in Hugging Face layout, then loaded and
 * run by every side on the same token ids (batches of texts of 32–128 tokens),
 * each in a process of its own (`transformer_side.ts`): xlir's encode path on
 * ONNX Runtime (`ort_encoder.ts`, the ratio's xlir side), xlir's tfjs model on
 * tfjs-wasm (recorded beside it), and a float32 PyTorch BERT
 * (`bench/transformer_cpu_peer.py`) on the same threads. Reports texts/s,
 * load seconds and peak RSS (VmHWM / ru_maxrss) of each side.
 *
 * @module
 */

import { join } from "node:path";
import { createTransformer } from "../../lib/model/transformer.ts";
import { Rng } from "../../lib/sampling/rng.ts";
import { fromRoot } from "../../lib/util/root.ts";
import { median } from "../../lib/util/stats.ts";
import { sizeOnlyTokenizer } from "../_size_only_tokenizer.ts";
import { sideTimings } from "./alternate.ts";
import { compare, type Comparison } from "./comparison.ts";
import { PEER_PYTHON, peerScript } from "./peer.ts";

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
  const rng = new Rng(12345);
  const next = () => rng.float();
  return Array.from({ length: batches }, () =>
    Array.from({ length: batch }, () => {
      const n = 32 + Math.floor(next() * 97); // 32..128 tokens
      return Array.from({ length: n }, (_, i) =>
        i === 0 ? 101 : i === n - 1 ? 102 : 1000 + Math.floor(next() * 29_000));
    }));
}

/** One run of a side's process: load seconds, per-batch milliseconds, peak RSS, checksum. */
interface SideRun {
  load_s: number;
  ms: number[];
  peak_rss: number;
  check: number;
}

async function runSide(cmd: string, args: string[], what: string): Promise<SideRun> {
  const out = await new Deno.Command(cmd, { args, stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${what} failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines.at(-1)!);
}

/**
 * Runs the comparison: `rounds` rounds, each running every side once in a
 * process of its own, in turn (xlir on ONNX Runtime, xlir on tfjs-wasm,
 * PyTorch), so that the machine's load falls on all of them alike.
 *
 * @param options `batch` texts per forward pass, `batches` per round, `rounds`,
 *   `threads` of ONNX Runtime and PyTorch, `dir` a scratch folder, `log` progress lines.
 */
export async function benchTransformerCpu(options: {
  batch: number;
  batches: number;
  rounds: number;
  threads: number;
  dir: string;
  /** A folder with a `tokenizer.json` (the mBERT vocabulary). */
  vocabDir: string;
  log: (line: string) => void;
}): Promise<Comparison> {
  const { batch, batches, rounds, threads, dir, log } = options;
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
  const idsPath = join(dir, "ids.json");
  await Deno.writeTextFile(idsPath, JSON.stringify(ids));
  log(
    `transformer: BERT-base shape, ${
      (size / 2 ** 20).toFixed(0)
    } MiB checkpoint, ${batches}×${batch} texts, ${rounds} rounds, ${threads} threads`,
  );
  const side = fromRoot("bench", "transformer_side.ts");
  const peer = peerScript("transformer_cpu_peer.py");
  const sides = {
    "xlir-ort": (): Promise<SideRun> =>
      runSide(
        Deno.execPath(),
        ["run", "-A", side, "ort", modelDir, idsPath, String(threads)],
        "ort side",
      ),
    "xlir-tfjs-wasm": (): Promise<SideRun> =>
      runSide(
        Deno.execPath(),
        ["run", "-A", side, "tfjs", modelDir, idsPath, String(threads)],
        "tfjs side",
      ),
    [`torch-${threads}t`]: (): Promise<SideRun> =>
      runSide(
        PEER_PYTHON,
        [peer, modelDir, idsPath, String(threads), "1"],
        "transformer_cpu_peer.py",
      ),
  };
  const runs: Record<string, SideRun[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, go] of Object.entries(sides)) {
      (runs[name] ??= []).push(await go());
      log(`transformer round ${r + 1}/${rounds}: ${name} ${formatRun(runs[name].at(-1)!, batch)}`);
    }
  }
  const timing = (name: string) => sideTimings(name, runs[name].map((x) => x.ms), batch);
  const [ortName, tfjsName, torchName] = Object.keys(sides);
  const summary = (name: string) => ({
    load_s: median(runs[name].map((x) => x.load_s)),
    peak_rss_bytes: Math.max(...runs[name].map((x) => x.peak_rss)),
    check: runs[name][0].check,
  });
  const ort = summary(ortName), tfjs = summary(tfjsName), torch = summary(torchName);
  const rel = (a: number) => Math.abs(a - torch.check) / Math.max(1, Math.abs(torch.check));
  const ortT = timing(ortName), tfjsT = timing(tfjsName), torchT = timing(torchName);
  return compare({
    name: "transformer_encode_per_s",
    unit: "texts/s",
    items: batch,
    xlir: ortT,
    peers: [torchT],
    goal: 0.5,
    check: {
      passed: rel(ort.check) < 1e-3 && rel(tfjs.check) < 1e-3,
      summary: `sum of first coordinates: ort ${ort.check.toFixed(6)}, tfjs ${
        tfjs.check.toFixed(6)
      }, torch ${torch.check.toFixed(6)} (relative differences ${
        rel(ort.check).toExponential(1)
      }, ${rel(tfjs.check).toExponential(1)})`,
    },
    details: {
      shape: { ...BERT_BASE, batch, batches, rounds, threads, tokens: "32..128 per text" },
      checkpoint_bytes: size,
      engines: {
        [ortName]: { ...ort, per_s: ortT.perSecond, ratio: ortT.perSecond / torchT.perSecond },
        [tfjsName]: { ...tfjs, per_s: tfjsT.perSecond, ratio: tfjsT.perSecond / torchT.perSecond },
        [torchName]: { ...torch, per_s: torchT.perSecond },
      },
      load_s: {
        xlir: ort.load_s,
        torch: torch.load_s,
        ratio: ort.load_s / torch.load_s,
        goal: "<= 2",
      },
      peak_rss_bytes: {
        xlir: ort.peak_rss_bytes,
        torch: torch.peak_rss_bytes,
        xlir_over_checkpoint: ort.peak_rss_bytes / size,
        goal: "<= 2x the checkpoint",
      },
    },
  });
}

function formatRun(x: SideRun, batch: number): string {
  return `${(batch / (median(x.ms) / 1000)).toFixed(2)} texts/s, load ${x.load_s.toFixed(2)} s, ` +
    `peak RSS ${(x.peak_rss / 2 ** 20).toFixed(0)} MiB`;
}
