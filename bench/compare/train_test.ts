import assert from "node:assert/strict";
import { createStaticEncoder } from "../../lib/model/static_encoder.ts";
import { skipUnless } from "../../lib/util/testing.ts";
import { PEERS, PEERS_WHAT, stubTokenizer } from "./_test_peer.ts";
import { peerScript, startPeer } from "./peer.ts";
import { benchTrain } from "./train.ts";
import { uniformIdBatches, writeRaw } from "./workload.ts";

Deno.test({
  name: "benchTrain() matches PyTorch's loss before and after a step and times both variants",
  ignore: skipUnless(PEERS, PEERS_WHAT),
  async fn() {
    const dir = await Deno.makeTempDir();
    const encoder = createStaticEncoder({ tokenizer: stubTokenizer(300), dim: 16, seed: 3 });
    const weightsPath = `${dir}/w.f32`;
    await writeRaw(weightsPath, encoder.embeddings);
    const shape = { count: 3, batch: 8, length: 6 };
    const { peer } = await startPeer(peerScript("torch_peer.py"), { threads: 1, flags: new Set() });
    try {
      const c = await benchTrain({
        encoder,
        weightsPath,
        batches: uniformIdBatches(shape, 300, 5),
        shape,
        lr: 0.05,
        weightDecay: 0.01,
        temperature: 0.05,
        peer,
        threads: [1, 2],
        rounds: 2,
        warmup: 1,
        steps: 2,
        dir,
        pauseMs: 0,
      });
      assert.ok(c.check.passed, c.check.summary);
      assert.equal(c.name, "train_pairs_per_s");
      assert.deepEqual(c.peers.map((p) => p.name), [
        "torch-sparse@1t",
        "torch-sparse@2t",
        "torch-dense@1t",
        "torch-dense@2t",
      ]);
      for (const side of [c.xlir, ...c.peers]) {
        assert.equal(side.rounds.length, 2);
        assert.ok(side.rounds.every((r) => r.length === 2), `${side.name}: warm-up excluded`);
        assert.ok(side.perSecond > 0);
      }
      assert.equal(c.ratio, c.xlir.perSecond / Math.max(...c.peers.map((p) => p.perSecond)));
    } finally {
      await peer.close();
      encoder.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "benchTrain() fails its check when the peer starts from other weights",
  ignore: skipUnless(PEERS, PEERS_WHAT),
  async fn() {
    const dir = await Deno.makeTempDir();
    const encoder = createStaticEncoder({ tokenizer: stubTokenizer(200), dim: 8, seed: 1 });
    const other = createStaticEncoder({ tokenizer: stubTokenizer(200), dim: 8, seed: 2 });
    await writeRaw(`${dir}/w.f32`, other.embeddings);
    const shape = { count: 1, batch: 4, length: 5 };
    const { peer } = await startPeer(peerScript("torch_peer.py"), { threads: 1, flags: new Set() });
    try {
      const c = await benchTrain({
        encoder,
        weightsPath: `${dir}/w.f32`,
        batches: uniformIdBatches(shape, 200, 1),
        shape,
        lr: 0.05,
        weightDecay: 0.01,
        temperature: 0.05,
        peer,
        threads: [1],
        rounds: 1,
        warmup: 0,
        steps: 1,
        dir,
        pauseMs: 0,
      });
      assert.equal(c.check.passed, false);
    } finally {
      await peer.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
