import assert from "node:assert/strict";
import { csrFromRows, csrTimesDense, csrTransposeTimesDense, ppmiInPlace } from "./sparse.ts";

Deno.test("csrTimesDense() and csrTransposeTimesDense() match the dense products", () => {
  const dense = [[1, 0, 2], [0, 0, 0], [3, 4, 0]];
  const a = csrFromRows(3, 3, dense.map((r) => new Map(r.flatMap((v, c) => v ? [[c, v]] : []))));
  const x = new Float64Array([1, 2, 3, 4, 5, 6]); // 3 × 2
  const ax = csrTimesDense(a, x, 2);
  const atx = csrTransposeTimesDense(a, x, 2);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 2; j++) {
      let s = 0, t = 0;
      for (let k = 0; k < 3; k++) {
        s += dense[i][k] * x[k * 2 + j];
        t += dense[k][i] * x[k * 2 + j];
      }
      assert.equal(ax[i * 2 + j], s);
      assert.equal(atx[i * 2 + j], t);
    }
  }
});

Deno.test("ppmiInPlace() follows the smoothed PMI formula and clips negatives to 0", () => {
  const counts = [[4, 1], [1, 0], [0, 2]];
  const a = csrFromRows(3, 2, counts.map((r) => new Map(r.flatMap((v, c) => v ? [[c, v]] : []))));
  ppmiInPlace(a, { alpha: 0.75 });
  const total = 8, col = [5, 3], row = [5, 1, 2];
  const ca = col.map((c) => c ** 0.75), z = ca[0] + ca[1];
  let k = 0;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 2; c++) {
      if (!counts[r][c]) continue;
      const pmi = Math.log((counts[r][c] / total) / ((row[r] / total) * (ca[c] / z)));
      assert.ok(Math.abs(a.val[k++] - Math.max(0, pmi)) < 1e-12, `(${r},${c})`);
    }
  }
  assert.ok(a.val.some((v) => v === 0)); // the (0,1) cell is below independence
});

Deno.test("csrFromRows() refuses a column outside the matrix", () => {
  assert.throws(() => csrFromRows(1, 2, [new Map([[2, 1]])]), /column 2 outside 0\.\.1/);
});
