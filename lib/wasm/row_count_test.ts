import assert from "node:assert/strict";
import { CountPass, LIST_CAP } from "./row_count.ts";

Deno.test("CountPass stops when the candidate list is full and resumes where it stopped", () => {
  const n = 3 * LIST_CAP + 17;
  const pass = CountPass.shared();
  const v = pass.prepare({ n, nCells: 2, nTable: 3, nU: 1, m: 1 });
  for (let j = 0; j < n; j++) v.scores[j] = (j % 7) / 7;
  v.keys.set(Int32Array.from({ length: n }, (_, j) => j));
  v.u.set([3 / 7]);
  v.groupStart.set([0, 1]);
  v.targetKey.set([3]);
  // one bucket (0) holds the target score: every column is compared exactly
  v.table.set([1, -1, 0]);
  const seen: number[] = [];
  let calls = 0;
  for (let j = 0; j < n; calls++) {
    const r = pass.run(v, j, n, 0, 0, 3 / 7, 1e-9, 1, -Infinity); // every column a candidate
    seen.push(...r.candidates);
    assert(r.candidates.length <= LIST_CAP);
    j = r.stop;
  }
  assert.equal(calls, 4);
  assert.deepEqual(seen, Array.from({ length: n }, (_, j) => j));
  const above = Array.from(v.scores).filter((s) => s > 3 / 7 + 1e-7).length;
  const ties = Array.from(v.scores).filter((s) => s === Math.fround(3 / 7)).length;
  assert.deepEqual([...v.cells], [above, n - above - ties]);
  assert.deepEqual([...v.tieCells], [ties, 0]);
  // ties with a key above 3: every column ≡ 3 (mod 7) after column 3
  assert.deepEqual([...v.before], [ties - 1]);
  assert.deepEqual([...v.localBefore], [ties - 1]);
});
