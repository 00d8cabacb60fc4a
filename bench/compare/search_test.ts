import assert from "node:assert/strict";
import { skipUnless } from "../../lib/util/testing.ts";
import { PEERS, PEERS_WHAT } from "./_test_peer.ts";
import { peerScript, startPeer } from "./peer.ts";
import { benchSearch } from "./search.ts";

Deno.test({
  name: "benchSearch() returns faiss's top-k ids and times both",
  ignore: skipUnless(PEERS, PEERS_WHAT),
  async fn() {
    const dir = await Deno.makeTempDir();
    const { peer } = await startPeer(peerScript("faiss_peer.py"), { threads: 1, flags: new Set() });
    try {
      const c = await benchSearch({
        n: 3000,
        dim: 16,
        queries: 25,
        k: 10,
        seed: 7,
        peer,
        threads: [1, 2],
        rounds: 2,
        warmup: 1,
        reps: 2,
        dir,
        pauseMs: 0,
      });
      assert.ok(c.check.passed, c.check.summary);
      assert.ok((c.check.shared as number) >= 0.999);
      assert.equal(c.name, "search_qps");
      assert.deepEqual(c.peers.map((p) => p.name), ["faiss@1t", "faiss@2t"]);
      assert.deepEqual(c.xlir.rounds.map((r) => r.length), [2, 2]);
      assert.equal(typeof c.details.xlirKernel, "string");
    } finally {
      await peer.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
