import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { InputError } from "../util/errors.ts";
import { loadPaper, PAPER, paperEffect, paperValue } from "./paper.ts";

Deno.test("paperEffect() gives the effect sizes the review copy states", () => {
  // "X-Y costs .037 mono vs X-X; hybrid gains .031 cross and .046 multi over X-X;
  // hybrid vs X-Y multi: +.000 (LaBSE +.003)" (XLM-R, XQuAD-R)
  assert.equal(paperEffect("unaligned", "xquad-r", "X-Y", "X-X", "mono"), -0.037);
  assert.equal(paperEffect("unaligned", "xquad-r", "hybrid", "X-X", "cross"), 0.031);
  assert.equal(paperEffect("unaligned", "xquad-r", "hybrid", "X-X", "multi"), 0.046);
  assert.equal(paperEffect("unaligned", "xquad-r", "hybrid", "X-Y", "multi"), 0);
  assert.equal(paperEffect("aligned", "xquad-r", "hybrid", "X-Y", "multi"), 0.003);
  assert.equal(paperEffect("aligned", "mlqa-r", "hybrid", "X-X", "bias"), -30);
  assert.equal(paperEffect("aligned", "mlqa-r", "hybrid", "no fine-tuning", "mono"), null);
});

Deno.test("paperValue() maps the stand-ins to the paper's bases and knows nothing else", () => {
  assert.equal(paperValue("aligned", "xquad-r", "hybrid", "multi"), 0.682);
  assert.equal(paperValue("unaligned", "mlqa-r", "X-X", "bias"), 288);
  assert.equal(paperValue("—", "xquad-r", "hybrid", "multi"), null);
});

Deno.test("Table 3's means round to Table 1's values, except the X-X multi the note names", () => {
  const off: string[] = [];
  for (const r of PAPER.table3.rows) {
    for (const s of ["mono", "cross", "multi"] as const) {
      const t1 = paperValue("unaligned", "xquad-r", r.strategy, s)!;
      if (Math.abs(r[`map_${s}`] - t1) > 0.0005 + 1e-12) off.push(`${r.strategy} ${s}`);
    }
  }
  assert.deepEqual(off, ["X-X multi"]);
});

Deno.test("loadPaper() names the field of a malformed table", () => {
  const broken = structuredClone(PAPER) as unknown as {
    table1: { rows: Record<string, unknown>[] };
  };
  broken.table1.rows[3].cross = "n/a";
  assert.throws(
    () => loadPaper(broken, "paper.json"),
    (e: unknown) =>
      e instanceof InputError &&
      /paper\.json: table1\.rows\[3\]\.cross is "n\/a", expected a number/.test(e.message),
  );
  const missing = structuredClone(PAPER) as unknown as { table2: { rows: unknown[] } };
  missing.table2.rows.pop();
  assert.throws(
    () => loadPaper(missing, "paper.json"),
    /LaBSE hybrid mlqa-r is 0, expected exactly one/,
  );
});

/** The review copy's tables as the shared folder has them, when it is beside the checkout. */
async function reviewCopy(): Promise<string | null> {
  const path = fileURLToPath(new URL("../../../shared/paper/TABLES.md", import.meta.url));
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

Deno.test("the committed numbers are those of the review copy's Tables 1 and 2", async (t) => {
  const text = await reviewCopy();
  if (text === null) {
    t.step({ name: "shared/paper/TABLES.md is not beside this checkout", ignore: true, fn() {} });
    return;
  }
  const lines = text.split("\n").filter((l) => /^\| (XLM-R|LaBSE) /.test(l));
  const cells = lines.map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  const t1 = cells.filter((c) => c.length === 8);
  const t2 = cells.filter((c) => c.length === 4);
  assert.equal(t1.length, 6);
  assert.equal(t2.length, 6);
  for (const [base, strategy, ...v] of t1) {
    const standIn = base === "XLM-R" ? "unaligned" : "aligned";
    const nums = v.map(Number);
    assert.deepEqual(
      [
        ...(["mono", "cross", "multi"] as const).map((s) =>
          paperValue(standIn, "xquad-r", strategy, s)
        ),
        ...(["mono", "cross", "multi"] as const).map((s) =>
          paperValue(standIn, "mlqa-r", strategy, s)
        ),
      ],
      nums,
      `${base} ${strategy}`,
    );
  }
  for (const [base, strategy, xq, ml] of t2) {
    const standIn = base === "XLM-R" ? "unaligned" : "aligned";
    assert.equal(paperValue(standIn, "xquad-r", strategy, "bias"), Number(xq));
    assert.equal(paperValue(standIn, "mlqa-r", strategy, "bias"), Number(ml));
  }
});
