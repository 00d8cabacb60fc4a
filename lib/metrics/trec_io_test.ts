import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import {
  float32String,
  formatRun,
  parseQrels,
  parseRun,
  readQrels,
  readRun,
  writeRun,
} from "./trec_io.ts";
import { evaluate } from "./evaluate.ts";

Deno.test("parseQrels() skips '#' comment lines and keeps '#' inside docids", () => {
  const q = parseQrels(
    "# comment here\n301 0 CR93E-1 1\n  # indented comment\n301 0 CR#93E-2 0\n\n",
  );
  assert.deepEqual([...q.get("301")!], [["CR93E-1", 1], ["CR#93E-2", 0]]);
});

Deno.test("parseQrels() reads tabs, CRLF, negative and '1.0' relevance", () => {
  const q = parseQrels("q1\t0\td1\t1.0\r\nq1 Q0 d2 -1\r\n");
  assert.deepEqual([...q.get("q1")!], [["d1", 1], ["d2", -1]]);
});

Deno.test("parseQrels() names file, line and expected fields for a short line", () => {
  assert.throws(
    () => parseQrels("q 0 d 1\nq 0 d2\n", "qrels.tsv"),
    (e) =>
      e instanceof InputError &&
      e.message ===
        "Cannot read qrels: line 2 of qrels.tsv has 3 fields, expected 4 (qid iter docid rel)",
  );
  assert.throws(() => parseQrels("q 0 d 1 extra\n", "x"), /line 1 of x has more than 4 fields/);
  assert.throws(() => parseQrels("q 0 d rel\n", "x"), /relevance "rel", expected an integer/);
});

Deno.test("parseQrels() rejects a document judged twice for one query", () => {
  assert.throws(() => parseQrels("q 0 d 1\nq 0 d 0\n", "x"), /line 2 of x judges document d/);
});

Deno.test("parseRun() keeps file order, ignores extra fields, takes the last line's runid", () => {
  const { run, runid } = parseRun(
    "# header\n2 Q0 b 1 0.5 first\n1 Q0 a 1 2.5e0 x more junk\n2 Q0 c 2 -1 last\n",
  );
  assert.deepEqual([...run.keys()], ["2", "1"]);
  assert.deepEqual(run.get("2"), { docids: ["b", "c"], scores: [0.5, -1] });
  assert.equal(run.get("1")!.scores[0], 2.5);
  assert.equal(runid, "last");
});

Deno.test("parseRun() names file, line and expectation for bad lines", () => {
  assert.throws(
    () => parseRun("q Q0 d 1 1 r\nq Q0 d2 1 r\n", "run.txt"),
    (e) =>
      e instanceof InputError &&
      e.message ===
        "Cannot read run: line 2 of run.txt has 5 fields, expected 6 (qid Q0 docid rank score runid)",
  );
  assert.throws(
    () => parseRun("q Q0 d 1 high r\n", "r"),
    /line 1 of r has score "high", expected a number/,
  );
});

Deno.test("readRun() and readQrels() stream files, including a last line without newline", async () => {
  const dir = await Deno.makeTempDir();
  const lines = Array.from({ length: 30000 }, (_, i) => `q${i % 7} Q0 doc${i} ${i} ${i / 3} r`);
  await Deno.writeTextFile(`${dir}/run`, lines.join("\n"));
  await Deno.writeTextFile(`${dir}/qrels`, "q1 0 doc1 1\nq1 0 doc8 2");
  const { run, runid } = await readRun(`${dir}/run`);
  assert.equal(runid, "r");
  assert.equal([...run.values()].reduce((n, c) => n + c.docids.length, 0), 30000);
  assert.equal(run.get("q1")!.scores[1], 8 / 3);
  assert.deepEqual([...(await readQrels(`${dir}/qrels`)).get("q1")!], [["doc1", 1], ["doc8", 2]]);
});

Deno.test("readRun() reports the file's line number", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/run`, "q Q0 a 1 1 r\n\nq Q0 b 2\n");
  await assert.rejects(() => readRun(`${dir}/run`), /line 3 of .*run has 4 fields/);
});

Deno.test("formatRun() writes trec_eval's ranking with exact scores", () => {
  const text = formatRun(
    new Map([["q", [{ docid: "a", score: 0.1 + 0.2 }, { docid: "b", score: 0.3 }, {
      docid: "c",
      score: 0.3,
    }]]]),
    "dense",
  );
  assert.equal(
    text,
    "q Q0 a 1 0.30000000000000004 dense\nq Q0 c 2 0.3 dense\nq Q0 b 3 0.3 dense\n",
  );
  assert.throws(() => formatRun(new Map(), "two words"), InputError);
});

Deno.test("writeRun() round-trips through readRun() up to the depth", async () => {
  const dir = await Deno.makeTempDir();
  const run = new Map([["q1", { docids: ["a", "b", "c"], scores: [1e-300, 3, 2] }]]);
  await writeRun(`${dir}/run.txt`, run, "sys", { depth: 2 });
  const back = await readRun(`${dir}/run.txt`);
  assert.deepEqual(back.run.get("q1"), { docids: ["b", "c"], scores: [3, 2] });
  assert.equal(back.runid, "sys");
});

Deno.test("float32String: shortest decimal that rounds back to the float32, order and ties kept", () => {
  let seed = 7;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const xs: number[] = [0, -0.5, 1, Math.fround(1e-30), Math.fround(3e30), 2 ** -149];
  for (let i = 0; i < 5000; i++) {
    const x = Math.fround((rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 6));
    xs.push(x, x, Math.fround(x + x * 2 ** -23)); // ties and float32 neighbours
  }
  const parsed = xs.map((x) => Number(float32String(x)));
  for (let i = 0; i < xs.length; i++) {
    assert.equal(Math.fround(parsed[i]), xs[i], `${xs[i]} -> ${float32String(xs[i])}`);
    assert.ok(float32String(xs[i]).length <= String(xs[i]).length);
    for (const j of [i + 1, i + 2, (i * 7919) % xs.length]) {
      if (j >= xs.length) continue;
      assert.equal(
        Math.sign(parsed[i] - parsed[j]),
        Math.sign(xs[i] - xs[j]),
        `${xs[i]} vs ${xs[j]}`,
      );
    }
  }
  assert.equal(float32String(Math.fround(0.1)), "0.1");
  assert.equal(float32String(Infinity), "Infinity");
});

Deno.test("formatRun prints float32 scores short and double scores exactly; metrics unchanged", () => {
  const f = (x: number) => Math.fround(x);
  const run = new Map([
    ["q1", {
      docids: ["a", "b", "c", "d"],
      scores: [f(0.3794098), f(0.3794098), f(0.37940985), f(0.1)],
    }],
    ["q2", { docids: ["a", "b"], scores: [0.1, f(0.25)] }],
  ]);
  const text = formatRun(run, "r");
  assert.match(text, /^q1 Q0 c 1 0\.37940985 r$/m);
  assert.match(text, /^q1 Q0 d 4 0\.1 r$/m);
  assert.match(text, /^q2 Q0 a 2 0\.1 r$/m, "a double score keeps its double form");
  const qrels = new Map([["q1", new Map([["b", 1], ["d", 1]])], ["q2", new Map([["a", 1]])]]);
  const measures = ["map", "ndcg_cut_10", "recip_rank", "P_1"];
  assert.deepEqual(
    evaluate(qrels, parseRun(text, "run").run, measures).aggregate,
    evaluate(qrels, run, measures).aggregate,
  );
});

Deno.test("readRun() reads UTF-8 split across its 4 MiB chunks, and names the line of a bad byte", async () => {
  const dir = await Deno.makeTempDir();
  // Lines of 32 bytes with a 3-byte character: some straddle the 4 MiB read boundary.
  const line = "q1 Q0 d\u20ac000000 1 0.5 run_x\n";
  const enc = new TextEncoder();
  const one = enc.encode(line);
  const n = Math.ceil((1 << 22) / one.length) + 3;
  const lines = Array.from(
    { length: n },
    (_, i) => line.replace("000000", String(i).padStart(6, "0")),
  );
  await Deno.writeTextFile(`${dir}/run`, lines.join(""));
  const { run } = await readRun(`${dir}/run`);
  assert.equal(run.get("q1")!.docids.length, n);
  assert.equal(run.get("q1")!.docids[n - 1], `d\u20ac${String(n - 1).padStart(6, "0")}`);
  const bytes = enc.encode(lines.join(""));
  bytes[one.length * (n - 2) + 8] = 0xff; // inside the euro sign of line n - 1
  await Deno.writeFile(`${dir}/run`, bytes);
  await assert.rejects(
    () => readRun(`${dir}/run`),
    (e) =>
      e instanceof InputError &&
      e.message.startsWith(`Cannot read run: line ${n - 1} of ${dir}/run is not valid UTF-8`),
  );
});

Deno.test("readQrels() keeps a byte-order mark as data (as trec_eval) and reports it", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/qrels`, new TextEncoder().encode("\ufeffq1 0 d1 1\nq1 0 d2 0\n"));
  const warnings: string[] = [];
  const q = await readQrels(`${dir}/qrels`, { onWarning: (w) => warnings.push(w) });
  assert.deepEqual([...q.keys()], ["\ufeffq1", "q1"]); // two queries, as for trec_eval
  assert.match(warnings[0], /starts with a UTF-8 byte-order mark; .* is not "q1"/);
});

Deno.test("parseQrels() reads relevance as atol for whole numbers and refuses partial reads", () => {
  assert.deepEqual([...parseQrels("q 0 a 2.7\nq 0 b +3\nq 0 c -0\n").get("q")!.values()], [
    2,
    3,
    0,
  ]);
  assert.throws(
    () => parseQrels("q 0 a 0x10\n", "x"),
    /"0x10", expected an integer \(trec_eval's atol would read only its first part, 0\)/,
  );
  assert.throws(() => parseQrels("q 0 a 1000001\n", "x"), /expected an integer ≤ 1000000/);
});

Deno.test("parseRun() reads scores as atof: decimals, inf and nan spellings; refuses the rest", () => {
  const { run } = parseRun(
    "q Q0 a 1 -Infinity r\nq Q0 b 2 NAN r\nq Q0 c 3 1. r\nq Q0 d 4 .5e1 r\n",
  );
  const s = run.get("q")!.scores;
  assert.equal(s[0], -Infinity);
  assert.ok(Number.isNaN(s[1]));
  assert.deepEqual([s[2], s[3]], [1, 5]);
  for (const bad of ["0x1p3", "1.5abc", "0b1", "1_0", "infinit"]) {
    assert.throws(() => parseRun(`q Q0 a 1 ${bad} r\n`, "r"), /expected a number/, bad);
  }
});
