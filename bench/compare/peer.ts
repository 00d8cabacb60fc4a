/**
 * The Python peers of the bench (PyTorch, faiss from Debian's packages):
 * installing them when missing, the environment they run in, and a peer
 * process that answers one JSON command per line on stdin with one JSON line
 * on stdout, so that rounds of xlir and of the peer can alternate.
 *
 * Fairness of the setup: `/usr/bin/python3` (the `python3` on the PATH may be
 * another interpreter without the packages); OpenBLAS (`libopenblas0-pthread`)
 * rather than Debian's reference BLAS; `OPENBLAS_CORETYPE` and
 * `OPENBLAS_L2_SIZE` removed from the peer's environment (set on some
 * machines for old OpenBLAS builds, they slow a current one several-fold);
 * and, when OpenBLAS then falls back to an old generic kernel on a CPU it does
 * not recognise (OpenBLAS 0.3.21 picks `Prescott` on recent Xeons), the
 * kernel the CPU's flags support is pinned instead (see
 * {@linkcode openblasCoretypeFor}).
 *
 * @module
 */

import { fromRoot } from "../../lib/util/root.ts";

/** The interpreter that has Debian's `python3-torch` and `python3-faiss`. */
export const PEER_PYTHON = "/usr/bin/python3";

/** The Debian packages the peers need. */
export const PEER_PACKAGES = [
  "python3-torch",
  "python3-faiss",
  "libopenblas0-pthread",
  "python3-threadpoolctl",
] as const;

/** Environment variables removed from the peers' environment. */
export const OPENBLAS_VARS = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"] as const;

/** Path of a peer script in the checkout's `bench/` folder. */
export function peerScript(
  name: "torch_peer.py" | "faiss_peer.py" | "transformer_cpu_peer.py",
): string {
  return fromRoot("bench", name);
}

/**
 * The peer's environment: `base` without {@linkcode OPENBLAS_VARS}, plus
 * `OPENBLAS_CORETYPE = coretype` when one is given.
 *
 * @param base The environment to start from (e.g. `Deno.env.toObject()`).
 * @param coretype An OpenBLAS kernel to pin, or undefined.
 * @returns A new environment object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { peerEnv } from "./peer.ts";
 * const env = peerEnv({ PATH: "/bin", OPENBLAS_CORETYPE: "Haswell", OPENBLAS_L2_SIZE: "1" });
 * assert(env.PATH === "/bin" && !("OPENBLAS_CORETYPE" in env) && !("OPENBLAS_L2_SIZE" in env));
 * ```
 */
export function peerEnv(base: Record<string, string>, coretype?: string): Record<string, string> {
  const env = { ...base };
  for (const name of OPENBLAS_VARS) delete env[name];
  if (coretype) env.OPENBLAS_CORETYPE = coretype;
  return env;
}

/** OpenBLAS kernels, slowest first, for telling a fallback from a good pick. */
const KERNEL_RANK: Record<string, number> = {
  generic: 0,
  katmai: 0,
  coppermine: 0,
  northwood: 0,
  prescott: 0,
  banias: 0,
  atom: 0,
  core2: 1,
  penryn: 1,
  dunnington: 1,
  nehalem: 1,
  sandybridge: 2,
  haswell: 3,
  zen: 3,
  skylakex: 4,
  cooperlake: 4,
  sapphirerapids: 4,
};

/**
 * The OpenBLAS kernel to pin for a CPU, given its `/proc/cpuinfo` flags and
 * the kernel OpenBLAS detected by itself: `SkylakeX` on AVX-512 (F, BW, DQ,
 * VL), `Haswell` on AVX2 + FMA, `undefined` when the detected kernel is
 * already at least that good (or the flags support nothing better).
 *
 * @param flags The CPU's flags.
 * @param detected The `architecture` OpenBLAS reported (threadpoolctl).
 * @returns The kernel to pin, or undefined to leave OpenBLAS's choice.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openblasCoretypeFor } from "./peer.ts";
 * const avx512 = new Set(["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]);
 * assert(openblasCoretypeFor(avx512, "Prescott") === "SkylakeX");
 * assert(openblasCoretypeFor(avx512, "Cooperlake") === undefined);
 * ```
 */
export function openblasCoretypeFor(
  flags: ReadonlySet<string>,
  detected: string | undefined,
): string | undefined {
  const has = (...f: string[]) => f.every((x) => flags.has(x));
  const best = has("avx512f", "avx512bw", "avx512dq", "avx512vl")
    ? "SkylakeX"
    : has("avx2", "fma")
    ? "Haswell"
    : undefined;
  if (best === undefined) return undefined;
  const rank = KERNEL_RANK[(detected ?? "").toLowerCase()] ?? -1;
  return rank >= KERNEL_RANK[best.toLowerCase()] ? undefined : best;
}

/**
 * Whether `python` imports torch and faiss.
 *
 * @param python The interpreter. Default {@linkcode PEER_PYTHON}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { peersAvailable } from "./peer.ts";
 * assert.equal(typeof await peersAvailable(), "boolean"); // /usr/bin/python3 with torch, faiss, threadpoolctl
 * assert.equal(await peersAvailable("/nonexistent/python3"), false);
 * ```
 */
export async function peersAvailable(python = PEER_PYTHON): Promise<boolean> {
  try {
    const out = await new Deno.Command(python, {
      args: ["-c", "import torch, faiss, threadpoolctl"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

async function apt(args: string[], log: (line: string) => void): Promise<boolean> {
  // sudo resets the environment, so the frontend goes on its command line.
  const full = ["DEBIAN_FRONTEND=noninteractive", "apt-get", ...args];
  const root = Deno.uid() === 0;
  log(`$ ${root ? "" : "sudo "}${full.join(" ")}`);
  const out = await new Deno.Command(root ? "env" : "sudo", {
    args: full,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return out.success;
}

/**
 * Installs {@linkcode PEER_PACKAGES} with apt (through sudo when not root)
 * when `python` cannot import torch and faiss; runs `apt-get update` first
 * when the install fails on stale package lists.
 *
 * @param options The interpreter, and where progress lines go.
 * @returns Whether anything was installed.
 * @throws {Error} when the packages cannot be installed or still do not import.
 *
 * No doc example: where the peers are missing it installs Debian packages
 * (root and a network); `peer_test.ts` calls it where they are present, so that
 * it returns false without installing anything.
 */
export async function ensurePeers(
  options: { python?: string; log?: (line: string) => void } = {},
): Promise<boolean> {
  const python = options.python ?? PEER_PYTHON;
  const log = options.log ?? ((line: string) => console.error(line));
  if (await peersAvailable(python)) return false;
  log(`${python} cannot import torch and faiss: installing ${PEER_PACKAGES.join(" ")}`);
  const install = ["install", "-y", "--no-install-recommends", ...PEER_PACKAGES];
  if (!(await apt(install, log))) {
    if (!(await apt(["update"], log)) || !(await apt(install, log))) {
      throw new Error(`Cannot install the peers: apt-get ${install.join(" ")} failed`);
    }
  }
  if (!(await peersAvailable(python))) {
    throw new Error(
      `${python} still cannot import torch, faiss and threadpoolctl after installing`,
    );
  }
  return true;
}

/** Reads a byte stream line by line. */
class LineReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #decoder = new TextDecoder();
  #buffer = "";

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** The next line without its newline, or null at the end of the stream. */
  async next(): Promise<string | null> {
    while (true) {
      const nl = this.#buffer.indexOf("\n");
      if (nl >= 0) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        return line;
      }
      const { value, done } = await this.#reader.read();
      if (done) {
        const rest = this.#buffer;
        this.#buffer = "";
        return rest.length > 0 ? rest : null;
      }
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  release(): void {
    this.#reader.releaseLock();
  }
}

/** Options of {@linkcode PeerProcess.start}. */
export interface PeerOptions {
  /** The interpreter. Default {@linkcode PEER_PYTHON}. */
  python?: string;
  /** The environment (whole; nothing is inherited). Default {@linkcode peerEnv} of this process's. */
  env?: Record<string, string>;
  /** A name for error messages. Default the script's file name. */
  name?: string;
}

/**
 * A running peer script: send a command object, get its reply object. A
 * reply with an `error` field is thrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerProcess } from "./peer.ts";
 * const script = `${await Deno.makeTempDir()}/echo_peer.py`;
 * // A peer answers one JSON line per command; this one echoes, and reports no BLAS on setup.
 * await Deno.writeTextFile(script, [
 *   "import json, sys",
 *   "for line in sys.stdin:",
 *   "    cmd = json.loads(line)",
 *   "    reply = {'threads': cmd['threads'], 'blas': []} if cmd['cmd'] == 'setup' else {'echo': cmd}",
 *   "    print(json.dumps(reply), flush=True)",
 * ].join("\n"));
 * const peer = PeerProcess.start(script, { python: "/usr/bin/python3" });
 * assert.deepEqual(await peer.ask({ cmd: "setup", threads: 2 }), { threads: 2, blas: [] });
 * assert.deepEqual(await peer.ask({ cmd: "ping" }), { echo: { cmd: "ping" } });
 * await peer.close();
 * ```
 */
export class PeerProcess {
  /** The name in error messages. */
  readonly name: string;
  #child: Deno.ChildProcess;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #lines: LineReader;
  #encoder = new TextEncoder();

  private constructor(name: string, child: Deno.ChildProcess) {
    this.name = name;
    this.#child = child;
    this.#stdin = child.stdin.getWriter();
    this.#lines = new LineReader(child.stdout);
  }

  /**
   * Starts `script` under the interpreter.
   *
   * @param script Path of the Python script.
   * @param options Interpreter, environment, name.
   * @returns The running peer.
   */
  static start(script: string, options: PeerOptions = {}): PeerProcess {
    const child = new Deno.Command(options.python ?? PEER_PYTHON, {
      args: ["-u", script],
      clearEnv: true,
      env: options.env ?? peerEnv(Deno.env.toObject()),
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    return new PeerProcess(options.name ?? script.split("/").pop()!, child);
  }

  /**
   * Sends one command and waits for its reply.
   *
   * @param command A JSON-able object with a `cmd` field.
   * @returns The reply object.
   * @throws {Error} when the peer replies with an error or exits.
   */
  async ask<T = Record<string, unknown>>(command: Record<string, unknown>): Promise<T> {
    await this.#stdin.write(this.#encoder.encode(JSON.stringify(command) + "\n"));
    const line = await this.#lines.next();
    if (line === null) {
      const status = await this.#child.status;
      throw new Error(`${this.name} exited (code ${status.code}) before answering ${command.cmd}`);
    }
    let reply: Record<string, unknown>;
    try {
      reply = JSON.parse(line);
    } catch {
      throw new Error(`${this.name} answered ${command.cmd} with a line that is not JSON: ${line}`);
    }
    if (typeof reply.error === "string") {
      throw new Error(`${this.name} failed on ${command.cmd}: ${reply.error}`);
    }
    return reply as T;
  }

  /** Closes the peer's stdin and waits for it to exit. */
  async close(): Promise<void> {
    try {
      await this.#stdin.close();
    } catch {
      // already closed
    }
    this.#lines.release();
    await this.#child.stdout.cancel().catch(() => {});
    await this.#child.status;
  }
}

/**
 * A peer contender's name: `base` alone when the peer is measured at one
 * thread count, `base@Nt` when at several.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { peerName } from "./peer.ts";
 * assert(peerName("faiss", 2, [2]) === "faiss" && peerName("faiss", 1, [2, 1]) === "faiss@1t");
 * ```
 */
export function peerName(base: string, threads: number, all: readonly number[]): string {
  return all.length > 1 ? `${base}@${threads}t` : base;
}

/** What {@linkcode startPeer} found out about the peer's OpenBLAS. */
export interface OpenblasChoice {
  /** The kernel OpenBLAS picked by itself (threadpoolctl's `architecture`), if it is loaded. */
  detected?: string;
  /** The kernel pinned through `OPENBLAS_CORETYPE`, when the detected one was a fallback. */
  pinned?: string;
  /** The kernel in use. */
  running?: string;
}

/** A started peer, its `setup` reply, and the OpenBLAS kernel it runs. */
export interface StartedPeer {
  peer: PeerProcess;
  setup: Record<string, unknown>;
  openblas: OpenblasChoice;
}

/**
 * The kernel OpenBLAS runs, from threadpoolctl's `threadpool_info()` list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openblasArchitecture } from "./peer.ts";
 * assert(openblasArchitecture([{ internal_api: "openblas", architecture: "Haswell" }]) === "Haswell");
 * assert(openblasArchitecture(null) === undefined);
 * ```
 */
export function openblasArchitecture(blas: unknown): string | undefined {
  if (!Array.isArray(blas)) return undefined;
  const lib = blas.find((x) => x?.internal_api === "openblas");
  return typeof lib?.architecture === "string" ? lib.architecture : undefined;
}

/**
 * Starts a peer, sets its threads, and restarts it with a pinned OpenBLAS
 * kernel when OpenBLAS fell back to a slower one than the CPU supports.
 *
 * @param script The peer script.
 * @param options Threads, the CPU's flags, the interpreter, the base environment.
 * @returns The peer ready for work.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startPeer } from "./peer.ts";
 * const script = `${await Deno.makeTempDir()}/echo_peer.py`;
 * // A peer answers one JSON line per command; this one echoes, and reports no BLAS on setup.
 * await Deno.writeTextFile(script, [
 *   "import json, sys",
 *   "for line in sys.stdin:",
 *   "    cmd = json.loads(line)",
 *   "    reply = {'threads': cmd['threads'], 'blas': []} if cmd['cmd'] == 'setup' else {'echo': cmd}",
 *   "    print(json.dumps(reply), flush=True)",
 * ].join("\n"));
 * const { peer, setup, openblas } = await startPeer(script, { threads: 2, flags: new Set(), python: "/usr/bin/python3" });
 * assert.equal(setup.threads, 2);
 * assert.deepEqual(openblas, { detected: undefined, running: undefined }); // no OpenBLAS: nothing to pin
 * await peer.close();
 * ```
 */
export async function startPeer(
  script: string,
  options: {
    threads: number;
    flags: ReadonlySet<string>;
    python?: string;
    env?: Record<string, string>;
  },
): Promise<StartedPeer> {
  const base = options.env ?? Deno.env.toObject();
  const launch = async (coretype?: string) => {
    const peer = PeerProcess.start(script, {
      python: options.python,
      env: peerEnv(base, coretype),
    });
    try {
      const setup = await peer.ask({ cmd: "setup", threads: options.threads });
      return { peer, setup };
    } catch (err) {
      await peer.close();
      throw err;
    }
  };
  const first = await launch();
  const detected = openblasArchitecture(first.setup.blas);
  const pinned = detected === undefined ? undefined : openblasCoretypeFor(options.flags, detected);
  if (pinned === undefined) {
    return { ...first, openblas: { detected, running: detected } };
  }
  await first.peer.close();
  const second = await launch(pinned);
  return {
    ...second,
    openblas: { detected, pinned, running: openblasArchitecture(second.setup.blas) },
  };
}
