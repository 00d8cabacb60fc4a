import assert from "node:assert/strict";
import {
  ensurePeers,
  openblasArchitecture,
  openblasCoretypeFor,
  PEER_PYTHON,
  peerEnv,
  PeerProcess,
  peersAvailable,
  peerScript,
  startPeer,
} from "./peer.ts";
import { exists, skipUnless } from "../../lib/util/testing.ts";
import { PEERS, PEERS_WHAT } from "./_test_peer.ts";

const AVX512 = new Set(["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]);
const AVX2 = new Set(["avx", "avx2", "fma"]);

Deno.test("peerEnv() drops the OpenBLAS overrides and keeps the rest", () => {
  const base = { HOME: "/root", OPENBLAS_CORETYPE: "Prescott", OPENBLAS_L2_SIZE: "1024" };
  assert.deepEqual(peerEnv(base), { HOME: "/root" });
  assert.deepEqual(peerEnv(base, "SkylakeX"), { HOME: "/root", OPENBLAS_CORETYPE: "SkylakeX" });
  assert.equal(base.OPENBLAS_CORETYPE, "Prescott", "the base is not changed");
});

Deno.test("openblasCoretypeFor() pins the best kernel only over a fallback", () => {
  assert.equal(openblasCoretypeFor(AVX512, "Prescott"), "SkylakeX");
  assert.equal(openblasCoretypeFor(AVX512, "Haswell"), "SkylakeX");
  assert.equal(openblasCoretypeFor(AVX512, "SkylakeX"), undefined);
  assert.equal(openblasCoretypeFor(AVX512, "SapphireRapids"), undefined);
  assert.equal(openblasCoretypeFor(AVX2, "Prescott"), "Haswell");
  assert.equal(openblasCoretypeFor(AVX2, "Zen"), undefined);
  assert.equal(openblasCoretypeFor(new Set(["sse4_2"]), "Prescott"), undefined);
});

Deno.test("openblasArchitecture() reads threadpoolctl's openblas entry", () => {
  const info = [
    { internal_api: "openmp", num_threads: 2 },
    { internal_api: "openblas", architecture: "Prescott" },
  ];
  assert.equal(openblasArchitecture(info), "Prescott");
  assert.equal(openblasArchitecture([{ internal_api: "mkl" }]), undefined);
  assert.equal(openblasArchitecture(undefined), undefined);
});

Deno.test("peerScript() points at the scripts in bench/", () => {
  assert.ok(exists(peerScript("torch_peer.py")));
  assert.ok(exists(peerScript("faiss_peer.py")));
});

const hasPython = exists(PEER_PYTHON);

Deno.test({
  name: "PeerProcess answers commands line by line and reports a peer's error",
  ignore: skipUnless(hasPython, PEER_PYTHON),
  async fn() {
    const dir = await Deno.makeTempDir();
    const script = `${dir}/echo.py`;
    await Deno.writeTextFile(
      script,
      [
        "import json, os, sys",
        "for line in sys.stdin:",
        "    c = json.loads(line)",
        "    if c['cmd'] == 'fail':",
        "        print(json.dumps({'error': 'boom'}), flush=True)",
        "    else:",
        "        print(json.dumps({'twice': 2 * c['x'], 'env': os.environ.get('OPENBLAS_CORETYPE')}), flush=True)",
      ].join("\n"),
    );
    const peer = PeerProcess.start(script, {
      env: peerEnv({ OPENBLAS_CORETYPE: "Prescott" }, "Haswell"),
    });
    try {
      assert.deepEqual(await peer.ask({ cmd: "x", x: 21 }), { twice: 42, env: "Haswell" });
      await assert.rejects(() => peer.ask({ cmd: "fail" }), /echo\.py failed on fail: boom/);
      assert.deepEqual(await peer.ask({ cmd: "x", x: 1 }), { twice: 2, env: "Haswell" });
    } finally {
      await peer.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "PeerProcess.ask() rejects when the peer exits without answering",
  ignore: skipUnless(hasPython, PEER_PYTHON),
  async fn() {
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(`${dir}/quit.py`, "import sys\nsys.exit(3)\n");
    const peer = PeerProcess.start(`${dir}/quit.py`);
    try {
      await assert.rejects(() => peer.ask({ cmd: "x" }), /exited \(code 3\)/);
    } finally {
      await peer.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const peers = await peersAvailable();

Deno.test({
  name: "startPeer() sets the faiss peer's threads and reports its OpenBLAS kernel",
  ignore: skipUnless(peers, "python3-torch, python3-faiss and python3-threadpoolctl"),
  async fn() {
    const { peer, setup, openblas } = await startPeer(peerScript("faiss_peer.py"), {
      threads: 1,
      flags: new Set(),
    });
    try {
      assert.equal(setup.threads, 1);
      assert.equal(typeof setup.faiss, "string");
      assert.equal(openblas.pinned, undefined, "no flags, nothing to pin");
    } finally {
      await peer.close();
    }
  },
});

Deno.test({
  name: "ensurePeers() installs nothing and logs nothing where the peers import",
  ignore: skipUnless(PEERS, PEERS_WHAT),
  async fn() {
    const lines: string[] = [];
    assert.equal(await ensurePeers({ log: (l) => lines.push(l) }), false);
    assert.deepEqual(lines, []);
  },
});
