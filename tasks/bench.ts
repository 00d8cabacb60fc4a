/**
 * `deno task bench`: xlir against the tools a user would pick instead,
 * measured alternately on the same machine and identical work — PyTorch
 * (the static encoder's training step and encoding) and faiss (exact
 * top-k). Installs the peers (Debian packages) when missing, prints one line
 * per comparison, `ratio NAME = R` with R = xlir throughput / the fastest
 * peer's, and writes every raw timing to `results/bench/bench.json` (a
 * `--quick` or `--only` run: `out/bench/bench.json`).
 * See bench/README.md.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { loadXquadR } from "../lib/data/xquad_r.ts";
import { loadMbertTokenizer, MBERT_VOCAB } from "../lib/data/tokenizer.ts";
import { datasetPath, resolveDataDir } from "../lib/data/data_dir.ts";
import { PASSAGE_PREFIX, QUERY_PREFIX, tokenizeWithPrefix } from "../lib/model/encoder.ts";
import { createStaticEncoder, startStaticThreads } from "../lib/model/static_encoder.ts";
import { threadCount } from "../lib/wasm/thread_pool.ts";
import { DEFAULTS } from "../lib/train/config.ts";
import { writeJsonAtomic } from "../lib/util/atomic.ts";
import { intFlag, parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { gitRevision } from "../lib/util/git.ts";
import { type Comparison, formatComparison } from "../lib/bench/comparison.ts";
import { type CpuProfile, formatProfile, summarizeCpuProfile } from "../lib/bench/cpu_profile.ts";
import { benchEncode } from "../lib/bench/encode_bench.ts";
import { machineInfo } from "../lib/bench/machine.ts";
import {
  ensurePeers,
  PEER_PYTHON,
  peersAvailable,
  peerScript,
  type StartedPeer,
  startPeer,
} from "../lib/bench/peer.ts";
import { benchSearch } from "../lib/bench/search_bench.ts";
import { prefixWrap, textIdStream } from "../lib/bench/text_ids.ts";
import { benchTrain } from "../lib/bench/train_bench.ts";
import { uniformIdBatches, windowIdBatches, writeRaw } from "../lib/bench/workload.ts";
import { benchTransformerCpu } from "../bench/transformer_cpu_bench.ts";
import { initBackend } from "../lib/model/backend.ts";

const USAGE = `deno task bench [--quick] [--only train,encode,search] [--out FILE]
                [--threads N,M] [--ids text|uniform] [--data DIR] [--no-install] [--profile]

  --quick       fewer rounds and repetitions
  --only        comparisons to run (default all: train, encode, search, transformer)
  --out         where to write the results (default results/bench/bench.json for
                the full plan; out/bench/bench.json for --quick or --only, so a
                partial run never replaces the record the README is made from)
  --threads     the peers' thread counts, each measured as its own contender
                (default: this machine's cores, and 1), e.g. --threads 2
  --ids         training token ids: windows over tokenized XQuAD-R text in 11
                languages (text, default) or uniform over the vocabulary (uniform)
  --data        data directory (default XLIR_DATA, else data/)
  --no-install  fail instead of installing the peers with apt
  --profile     run under \`deno run --cpu-prof\` and print where the xlir side's
                timed rounds spend their time (also written to the results)`;

const COMPARISONS = ["train", "encode", "search", "transformer"] as const;
type Which = typeof COMPARISONS[number];

/** Tokens per text in the training comparison (the shape). */
const SEQ_LENGTH = 32;
/** Batches cycled through by both sides of the training comparison. */
const TRAIN_BATCHES = 16;
/** The search comparison's shape. */
const SEARCH = { n: 100_000, dim: 256, queries: 1000, k: 100 };

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string" },
    threads: { type: "string" },
    ids: { type: "string", default: "text" },
    data: { type: "string" },
    "no-install": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
  }, USAGE);
  const out = values.out ?? defaultOut(values.quick || values.only !== undefined);
  if (values.profile) return await profiled(out);
  const only = new Set<Which>();
  for (const name of (values.only ?? COMPARISONS.join(",")).split(",").map((s) => s.trim())) {
    if (!(COMPARISONS as readonly string[]).includes(name)) {
      throw new InputError(
        `--only: unknown comparison "${name}", expected ${COMPARISONS.join(", ")}`,
      );
    }
    only.add(name as Which);
  }
  if (values.ids !== "text" && values.ids !== "uniform") {
    throw new InputError(`--ids is "${values.ids}", expected text or uniform`);
  }
  const { machine, flags } = machineInfo();
  const threads = values.threads === undefined
    ? [...new Set([machine.cores, 1])]
    : [...new Set(values.threads.split(",").map((t) => intFlag(t.trim(), "--threads", 1)))];
  const quick = values.quick;
  // Many short rounds: a busy spell of other processes then falls on every side alike.
  const plan = {
    rounds: quick ? 3 : 10,
    train: { warmup: TRAIN_BATCHES, steps: quick ? 3 : 5 },
    encode: { warmup: 3, reps: quick ? 3 : 5 },
    search: { warmup: 1, reps: 1 },
  };
  const log = (line: string) => console.error(line);

  if (values["no-install"]) {
    if (!(await peersAvailable())) {
      throw new InputError(
        `the peers are missing (--no-install): ${PEER_PYTHON} cannot import torch, faiss and threadpoolctl`,
      );
    }
  } else {
    await ensurePeers({ log });
  }
  if (machine.loadavg[0] > 0.5 * machine.cores) {
    log(
      `warning: load average ${machine.loadavg[0]} on ${machine.cores} cores — other processes ` +
        `are running; timings will be noisy (both sides alike, since rounds alternate)`,
    );
  }

  if (flags.size === 0) {
    log(
      "warning: the CPU's flags are unknown (no /proc/cpuinfo): the peers' OpenBLAS kernel is not checked",
    );
  }
  const dataDir = resolveDataDir(values.data);
  const dir = await Deno.makeTempDir({ prefix: "xlir-bench-" });
  const comparisons: Comparison[] = [];
  const peers: Record<string, unknown> = {};
  const versions: Record<string, unknown> = {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
  };
  const report = (c: Comparison) => {
    comparisons.push(c);
    console.log(formatComparison(c));
    console.log(`  check ${c.check.passed ? "ok" : "FAILED"}: ${c.check.summary}`);
  };
  const peerRecord = (p: StartedPeer) => ({
    setup: p.setup,
    openblas: p.openblas,
  });
  try {
    if (only.has("train") || only.has("encode")) {
      // Encoding large batches is shared with worker threads (XLIR_THREADS, default the cores).
      await startStaticThreads();
      const tokenizer = await loadMbertTokenizer(dataDir);
      const encoder = createStaticEncoder({
        tokenizer,
        dim: DEFAULTS.model.dim,
        seed: DEFAULTS.seed,
        loss: {
          temperature: DEFAULTS.optim.temperature,
          symmetricWeight: DEFAULTS.optim.symmetric,
        },
        optimizer: { weightDecay: DEFAULTS.optim.weightDecay },
      });
      const weightsPath = join(dir, "weights.f32");
      await writeRaw(weightsPath, encoder.embeddings);
      const torch = await startPeer(peerScript("torch_peer.py"), { threads: threads[0], flags });
      peers.torch = peerRecord(torch);
      versions.torch = torch.setup.torch;
      versions.numpy = torch.setup.numpy;
      log(
        `torch peer: ${JSON.stringify(torch.setup.torch)}, ${torch.setup.threads} threads, ` +
          `OpenBLAS ${describeOpenblas(torch.openblas)}`,
      );
      try {
        const needsText = only.has("encode") || values.ids === "text";
        const xquad = needsText ? await loadXquadR({ dataDir }) : undefined;
        if (only.has("encode")) {
          // XQuAD-R English candidates, tokenized as the model sees passages (not timed).
          const texts = xquad!.byLang.en.candidates.map((c) => c.text);
          const seqs = tokenizeWithPrefix(tokenizer, texts, "passage", DEFAULTS.model.maxLength);
          report(
            await benchEncode({
              encoder,
              weightsPath,
              seqs,
              peer: torch.peer,
              threads,
              rounds: plan.rounds,
              ...plan.encode,
              dir,
              log,
            }),
          );
          comparisons.at(-1)!.details.data = 'XQuAD-R en candidates, "Passage: " prefix';
          comparisons.at(-1)!.details.maxLength = DEFAULTS.model.maxLength;
        }
        if (only.has("train")) {
          const shape = {
            count: TRAIN_BATCHES,
            batch: DEFAULTS.sampling.batchSize,
            length: SEQ_LENGTH,
          };
          let source: string;
          let batches;
          if (values.ids === "text") {
            const sentences = Object.values(xquad!.byLang).flatMap((l) =>
              l.candidates.map((c) => c.text)
            );
            const need = 4 * shape.count * 2 * shape.batch * SEQ_LENGTH;
            const stream = textIdStream(tokenizer, sentences, need, DEFAULTS.seed);
            batches = windowIdBatches(
              shape,
              stream.ids,
              prefixWrap(tokenizer, QUERY_PREFIX),
              prefixWrap(tokenizer, PASSAGE_PREFIX),
              DEFAULTS.seed,
            );
            source = `windows over ${stream.ids.length} ids of ${stream.sentences} XQuAD-R ` +
              `sentences (11 languages), "Query: "/"Passage: " prefixes`;
          } else {
            batches = uniformIdBatches(shape, encoder.vocabSize, DEFAULTS.seed);
            source = "uniform over the vocabulary";
          }
          report(
            await benchTrain({
              encoder,
              weightsPath,
              batches,
              shape,
              lr: DEFAULTS.optim.lr,
              weightDecay: DEFAULTS.optim.weightDecay,
              temperature: DEFAULTS.optim.temperature,
              peer: torch.peer,
              threads,
              rounds: plan.rounds,
              ...plan.train,
              dir,
              log,
            }),
          );
          comparisons.at(-1)!.details.ids = source;
        }
      } finally {
        await torch.peer.close();
        encoder.dispose();
      }
    }
    if (only.has("transformer")) {
      // A BERT-base-shaped checkpoint loaded and run by xlir (tfjs wasm) and PyTorch.
      await initBackend("wasm");
      report(
        await benchTransformerCpu({
          batch: 8,
          batches: quick ? 1 : 4,
          reps: quick ? 1 : 3,
          threads: threads[0],
          dir,
          vocabDir: datasetPath(MBERT_VOCAB, dataDir),
          log,
        }),
      );
    }
    if (only.has("search")) {
      const faiss = await startPeer(peerScript("faiss_peer.py"), { threads: threads[0], flags });
      peers.faiss = peerRecord(faiss);
      versions.faiss = faiss.setup.faiss;
      versions.numpy = faiss.setup.numpy;
      log(
        `faiss peer: ${faiss.setup.faiss}, ${faiss.setup.threads} threads, ` +
          `OpenBLAS ${describeOpenblas(faiss.openblas)}`,
      );
      try {
        report(
          await benchSearch({
            ...SEARCH,
            seed: DEFAULTS.seed,
            peer: faiss.peer,
            threads,
            rounds: plan.rounds,
            ...plan.search,
            dir,
            log,
          }),
        );
      } finally {
        await faiss.peer.close();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }

  await writeJsonAtomic(out, {
    date: new Date().toISOString(),
    revision: await gitRevision(),
    machine,
    versions,
    threads: {
      peers: threads,
      peerSettings: "torch.set_num_threads / faiss.omp_set_num_threads, and threadpoolctl's " +
        "threadpool_limits for the BLAS, per round",
      xlir: {
        threads: threadCount(),
        setting: "XLIR_THREADS, default navigator.hardwareConcurrency",
        train: "1 (the calling thread; WebAssembly SIMD kernels)",
        encode: "the threads, for batches of 8192 tokens or more (WebAssembly SIMD kernels)",
        search: "the threads (the wasm score kernel's worker pool, chunks of 96 documents)",
      },
    },
    peers,
    loadavgEnd: Deno.loadavg().map((x) => Math.round(x * 100) / 100),
    plan: { quick, ...plan },
    comparisons,
  });
  log(`wrote ${out}`);
  if (comparisons.some((c) => !c.check.passed)) {
    console.error("error: a checksum failed: the two sides did not compute the same thing");
    Deno.exit(1);
  }
}

/**
 * Where results go without `--out`: the committed record for the full plan,
 * `out/` (not tracked) for a quick or partial run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultOut } from "./bench.ts";
 * assert(defaultOut(false) === "results/bench/bench.json");
 * assert(defaultOut(true) === "out/bench/bench.json");
 * ```
 */
export function defaultOut(partial: boolean): string {
  return partial ? "out/bench/bench.json" : "results/bench/bench.json";
}

/** The permissions the bench runs with (also those of the deno.json task). */
const PERMISSIONS = ["--allow-read", "--allow-write", "--allow-run", "--allow-env", "--allow-sys"];

/**
 * Runs the bench again under `--cpu-prof`, then prints and records the self
 * time of the functions called inside each comparison's timed xlir rounds.
 */
async function profiled(out: string): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "xlir-prof-" });
  try {
    const args = Deno.args.filter((a) => a !== "--profile");
    const child = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...PERMISSIONS,
        "--cpu-prof",
        `--cpu-prof-dir=${dir}`,
        fromFileUrl(import.meta.url),
        ...args,
      ],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    const files = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".cpuprofile"));
    if (files.length !== 1) {
      throw new Error(`expected one CPU profile in ${dir}, found ${files.length}`);
    }
    const profile = JSON.parse(await Deno.readTextFile(join(dir, files[0].name))) as CpuProfile;
    const profiles: Record<string, unknown> = {};
    for (const which of COMPARISONS) {
      const summary = summarizeCpuProfile(profile, {
        top: 12,
        within: (f) => f.functionName === "xlirRound" && f.url.endsWith(`/${which}_bench.ts`),
      });
      if (summary.busyMs === 0) continue;
      profiles[which] = summary;
      console.log(`\nCPU profile of xlir's timed ${which} rounds: ${formatProfile(summary)}`);
    }
    if (child.success) {
      const results = JSON.parse(await Deno.readTextFile(out));
      await writeJsonAtomic(out, { ...results, profiles });
    }
    if (!child.success) Deno.exit(child.code);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function describeOpenblas(o: StartedPeer["openblas"]): string {
  if (o.running === undefined) return "not loaded";
  return o.pinned ? `${o.running} (pinned; it detected ${o.detected})` : o.running;
}

if (import.meta.main) await runMain(main);
