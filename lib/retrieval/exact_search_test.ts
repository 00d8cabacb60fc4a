import assert from "node:assert/strict";
import { type DenseRows, rankRows, searchRows } from "./exact_search.ts";
import { jsKernel } from "./js_kernel.ts";
import type { QueryBlock, ScoreKernel } from "./score_kernel.ts";
import { randomUnitRows, seededRandom } from "./_test_fixtures.ts";

/** A kernel whose scores depend on the block's row count (breaking pointwise determinism). */
function blockDependentKernel(perCall = 0): ScoreKernel {
  let calls = 0;
  return {
    name: "block-dependent",
    prepare(queries, nQueries, dim): QueryBlock {
      const inner = jsKernel.prepare(queries, nQueries, dim);
      return {
        nQueries,
        score(docs, nDocs) {
          const out = inner.score(docs, nDocs);
          calls++;
          for (let i = 0; i < out.length; i++) out[i] += nDocs * 1e-3 + calls * perCall;
          return out;
        },
        dispose: () => inner.dispose(),
      };
    },
  };
}

function corpus(n: number, dim: number, blockRows: number): DenseRows {
  const v = randomUnitRows(n, dim, seededRandom(9));
  const blocks: Float32Array[] = [];
  for (let s = 0; s < n; s += blockRows) {
    blocks.push(v.subarray(s * dim, Math.min(n, s + blockRows) * dim));
  }
  const keys = Int32Array.from({ length: n }, (_, i) => (i * 13) % n);
  return { dim, size: n, blocks, keys };
}

Deno.test("rankRows() matches searchRows() even when the kernel is not pointwise deterministic", () => {
  const rows = corpus(23, 6, 10); // 13 is coprime with 23, so keys are distinct
  const queries = randomUnitRows(4, 6, seededRandom(10));
  const kernel = blockDependentKernel();
  const full = searchRows(rows, queries, 0, { kernel, queryBlock: 3 });
  const targets = full.map((_, q) => Int32Array.from([q, 22 - q, 10, -1]));
  const ranks = rankRows(rows, queries, targets, { kernel, queryBlock: 3 });
  ranks.forEach((r, q) => {
    const want = [...targets[q]].map((row) => (row < 0 ? Infinity : full[q].rows.indexOf(row) + 1));
    assert.deepEqual([...r], want);
  });
});

Deno.test("rankRows() fails loudly when a kernel's scores change from call to call", () => {
  const rows = corpus(12, 4, 5);
  const queries = randomUnitRows(2, 4, seededRandom(1));
  assert.throws(
    () =>
      rankRows(rows, queries, [Int32Array.of(1), Int32Array.of(2)], {
        kernel: blockDependentKernel(1),
      }),
    /not deterministic/,
  );
});

Deno.test("searchRows() returns min(k, size) hits and the whole corpus for k = 0", () => {
  const rows = corpus(17, 5, 4);
  const queries = randomUnitRows(3, 5, seededRandom(2));
  for (const [k, want] of [[1, 1], [16, 16], [17, 17], [18, 17], [0, 17]]) {
    for (const hits of searchRows(rows, queries, k, { kernel: jsKernel })) {
      assert.equal(hits.rows.length, want);
      assert.equal(new Set(hits.rows).size, want);
      for (let i = 1; i < want; i++) assert.ok(hits.scores[i - 1] >= hits.scores[i]);
    }
  }
});
