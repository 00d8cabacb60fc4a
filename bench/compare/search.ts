/**
 * `search_qps`: exact top-k by inner product over random unit vectors, xlir's
 * {@linkcode DenseIndex} against faiss `IndexFlatIP`, same vectors, same
 * queries, alternating rounds. Building the indexes is not timed (reported
 * apart for xlir).
 *
 * Checksum: per query, the share of top-k ids both return (ties and
 * last-bit differences from another summation order may swap ids at the
 * cut-off; at least 99.9 % must agree).
 *
 * @module
 */

import { join } from "node:path";
import { DenseIndex } from "../../lib/retrieval/dense_index.ts";
import { alternate, type Contender, sideTimings } from "./alternate.ts";
import { compare, type Comparison } from "./comparison.ts";
import { peerName, type PeerProcess } from "./peer.ts";
import { median } from "../../lib/util/stats.ts";
import { topkAgreement } from "./topk_agreement.ts";
import { randomUnitVectors, readRawInt32, writeRaw } from "./workload.ts";

/** Options of {@linkcode benchSearch}. */
export interface SearchBenchOptions {
  /** Corpus size. */
  n: number;
  /** Dimension. */
  dim: number;
  /** Number of queries. */
  queries: number;
  /** Hits per query. */
  k: number;
  /** Seed of the vectors (the queries use `seed + 1`). */
  seed: number;
  /** The faiss peer (`faiss_peer.py`), set up. */
  peer: PeerProcess;
  /** The peer's thread counts, each measured as its own contender. */
  threads: number[];
  /** Rounds of alternation. */
  rounds: number;
  /** Untimed searches (all queries) before round 1, each side. */
  warmup: number;
  /** Timed searches (all queries) per round, each side. */
  reps: number;
  /** A scratch folder. */
  dir: string;
  /** The least share of shared top-k ids. Default 0.999. */
  minShared?: number;
  /** Idle milliseconds before each contender's round. Default 250. */
  pauseMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

function idsOf(hits: { ids: string[] }[], k: number): Int32Array {
  const out = new Int32Array(hits.length * k).fill(-1);
  hits.forEach((h, q) => h.ids.forEach((id, i) => (out[q * k + i] = Number(id))));
  return out;
}

/**
 * Runs the search comparison.
 *
 * @param o The options.
 * @returns The comparison (`faiss` as the peer).
 *
 * It needs the faiss peer (`python3-faiss`, installed by `tasks/setup.sh`), so
 * there is no doc example: `search_test.ts` runs it on a small corpus (skipped
 * where the peer is absent, failing under CI).
 */
export async function benchSearch(o: SearchBenchOptions): Promise<Comparison> {
  const log = o.log ?? (() => {});
  const { dim, k } = o;
  const base = randomUnitVectors(o.n, dim, o.seed);
  const queries = randomUnitVectors(o.queries, dim, o.seed + 1);
  const basePath = join(o.dir, "search_base.f32");
  const queriesPath = join(o.dir, "search_queries.f32");
  const outPath = join(o.dir, "search_faiss_ids.i32");
  await writeRaw(basePath, base);
  await writeRaw(queriesPath, queries);
  await o.peer.ask({ cmd: "load", base: basePath, queries: queriesPath, dim });

  let t0 = performance.now();
  const index = await DenseIndex.create(dim);
  index.add(Array.from({ length: o.n }, (_, i) => String(i)), base);
  const buildMs = performance.now() - t0;

  // Checksum: one untimed search each.
  await o.peer.ask({ cmd: "search", k, warmup: 0, reps: 1, out: outPath, threads: o.threads[0] });
  const theirs = await readRawInt32(outPath);
  const ours = idsOf(index.search(queries, k), k);
  const agreement = topkAgreement(ours, theirs, k);
  const minShared = o.minShared ?? 0.999;
  const check = {
    passed: agreement.shared >= minShared,
    summary: `top-${k} ids of ${o.queries} queries: ${
      (100 * agreement.shared).toFixed(3)
    } % shared, ${
      (100 * agreement.samePosition).toFixed(3)
    } % in the same position, ${agreement.identicalQueries} identical lists (at least ${
      100 * minShared
    } % shared required)`,
    ...agreement,
    minShared,
  };
  log(`search check: ${check.summary}`);

  // Named, so that a CPU profile can be cut to the timed xlir work (`--profile`).
  const xlirRound = (r: number): number[] => {
    const skip = r === 0 ? o.warmup : 0;
    const ms: number[] = [];
    for (let i = 0; i < skip + o.reps; i++) {
      t0 = performance.now();
      index.search(queries, k);
      const dt = performance.now() - t0;
      if (i >= skip) ms.push(dt);
    }
    return ms;
  };
  const xlir: Contender = { name: "xlir", round: xlirRound };
  const faiss = (threads: number): Contender => ({
    name: peerName("faiss", threads, o.threads),
    async round(r) {
      const reply = await o.peer.ask<{ ms: number[] }>({
        cmd: "search",
        k,
        warmup: r === 0 ? o.warmup : 0,
        reps: o.reps,
        threads,
      });
      return reply.ms;
    },
  });
  const sides = [xlir, ...o.threads.map(faiss)];
  const rounds = await alternate(sides, o.rounds, {
    pauseMs: o.pauseMs ?? 250,
    onRound: (name, r, ms) => {
      log(`search round ${r + 1}/${o.rounds} ${name}: median ${median(ms).toFixed(0)} ms`);
    },
  });
  return compare({
    name: "search_qps",
    unit: "queries/s",
    items: o.queries,
    xlir: sideTimings("xlir", rounds[0], o.queries),
    peers: sides.slice(1).map((side, i) => sideTimings(side.name, rounds[i + 1], o.queries)),
    goal: 0.5,
    check,
    details: {
      n: o.n,
      dim,
      queries: o.queries,
      k,
      xlirKernel: index.kernel.name,
      xlirThreads: (index.kernel as { threads?: number }).threads ?? 1,
      xlirBuildMs: buildMs,
      faissIndex: "IndexFlatIP",
      warmupReps: o.warmup,
      repsPerRound: o.reps,
      rounds: o.rounds,
      peerThreads: o.threads,
      gflopPerRep: (2 * o.n * dim * o.queries) / 1e9,
    },
  });
}
