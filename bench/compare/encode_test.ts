import assert from "node:assert/strict";
import { createStaticEncoder } from "../../lib/model/static_encoder.ts";
import { Rng } from "../../lib/sampling/rng.ts";
import { skipUnless } from "../../lib/util/testing.ts";
import { PEERS, PEERS_WHAT, stubTokenizer } from "./_test_peer.ts";
import { benchEncode } from "./encode.ts";
import { peerScript, startPeer } from "./peer.ts";
import { writeRaw } from "./workload.ts";

Deno.test({
  name: "benchEncode() gets PyTorch's embeddings for texts of any length and times both",
  ignore: skipUnless(PEERS, PEERS_WHAT),
  async fn() {
    const dir = await Deno.makeTempDir();
    const encoder = createStaticEncoder({ tokenizer: stubTokenizer(500), dim: 12, seed: 4 });
    await writeRaw(`${dir}/w.f32`, encoder.embeddings);
    const rng = new Rng(1);
    const seqs = Array.from(
      { length: 40 },
      () => Int32Array.from({ length: 1 + rng.int(20) }, () => rng.int(500)),
    );
    const { peer } = await startPeer(peerScript("torch_peer.py"), { threads: 1, flags: new Set() });
    try {
      const c = await benchEncode({
        encoder,
        weightsPath: `${dir}/w.f32`,
        seqs,
        peer,
        threads: [1],
        rounds: 2,
        warmup: 1,
        reps: 3,
        dir,
        pauseMs: 0,
      });
      assert.ok(c.check.passed, c.check.summary);
      assert.ok((c.check.maxAbsDiff as number) < 1e-6);
      assert.equal(c.items, 40);
      assert.deepEqual(c.peers.map((p) => p.name), ["torch"]);
      assert.deepEqual(c.xlir.rounds.map((r) => r.length), [3, 3]);
      assert.deepEqual(c.peers[0].rounds.map((r) => r.length), [3, 3]);
    } finally {
      await peer.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
