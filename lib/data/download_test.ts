import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { zipSync } from "fflate";
import {
  checkFile,
  downloadDataset,
  DownloadError,
  downloadFile,
  fileStatus,
  hashFile,
} from "./download.ts";
import type { DatasetSource } from "./sources.ts";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

/** 100 KB of varied bytes, so a wrong offset changes the hash. */
function payload(n = 100_000): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

interface Served {
  url: (path: string) => string;
  /** Range header of each request, `null` when absent. */
  ranges: (string | null)[];
  /** Bytes sent in response bodies. */
  sent: number;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A local server for `files`. `honourRange: false` answers every request with
 * the whole file (status 200); `corrupt` flips one byte of what it sends.
 */
function serve(
  files: Record<string, Uint8Array>,
  opts: { honourRange?: boolean; corrupt?: boolean } = {},
): Served {
  const state = { ranges: [] as (string | null)[], sent: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname.slice(1);
    const range = req.headers.get("range");
    state.ranges.push(range);
    let body = files[path];
    if (!body) return new Response("not found", { status: 404 });
    if (opts.corrupt) {
      body = body.slice();
      body[body.length >> 1] ^= 0xff;
    }
    const m = range?.match(/^bytes=(\d+)-$/);
    if (m && opts.honourRange !== false) {
      const start = Number(m[1]);
      if (start >= body.length) return new Response(null, { status: 416 });
      const part = body.subarray(start);
      state.sent += part.length;
      return new Response(part.slice(), {
        status: 206,
        headers: { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` },
      });
    }
    state.sent += body.length;
    return new Response(body.slice(), { status: 200 });
  });
  const port = (server.addr as Deno.NetAddr).port;
  return {
    url: (p) => `http://127.0.0.1:${port}/${p}`,
    get ranges() {
      return state.ranges;
    },
    get sent() {
      return state.sent;
    },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

const quiet = { quiet: true, log: () => {} };

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("downloadFile() fetches, verifies and renames into place without leftovers", async () => {
  const data = payload();
  await using srv = serve({ "a.bin": data });
  const dir = await Deno.makeTempDir();
  const res = await downloadFile(
    srv.url("a.bin"),
    `${dir}/sub/a.bin`,
    { sha256: sha256(data) },
    quiet,
  );
  assert.deepEqual(await Deno.readFile(`${dir}/sub/a.bin`), data);
  assert.equal(res.bytes, data.length);
  assert.equal(res.resumedFrom, 0);
  assert.deepEqual(await names(`${dir}/sub`), ["a.bin"]);
});

Deno.test("downloadFile() resumes a partial .part with a Range request", async () => {
  const data = payload();
  await using srv = serve({ "a.bin": data });
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/a.bin.part`, data.subarray(0, 40_000));
  const res = await downloadFile(srv.url("a.bin"), `${dir}/a.bin`, { sha256: sha256(data) }, quiet);
  assert.deepEqual(srv.ranges, ["bytes=40000-"]);
  assert.equal(srv.sent, 60_000);
  assert.equal(res.resumedFrom, 40_000);
  assert.deepEqual(await Deno.readFile(`${dir}/a.bin`), data);
  assert.deepEqual(await names(dir), ["a.bin"]);
});

Deno.test("downloadFile() starts from zero when the server ignores Range", async () => {
  const data = payload();
  await using srv = serve({ "a.bin": data }, { honourRange: false });
  const dir = await Deno.makeTempDir();
  // A stale part that does not even match the file: appending to it would fail the checksum.
  await Deno.writeFile(`${dir}/a.bin.part`, new Uint8Array(30_000).fill(7));
  const logs: string[] = [];
  const res = await downloadFile(srv.url("a.bin"), `${dir}/a.bin`, { sha256: sha256(data) }, {
    quiet: true,
    log: (l) => logs.push(l),
  });
  assert.deepEqual(srv.ranges, ["bytes=30000-"]);
  assert.equal(res.resumedFrom, 0);
  assert.deepEqual(await Deno.readFile(`${dir}/a.bin`), data);
  assert.ok(logs.some((l) => l.includes("ignored the range request")));
});

Deno.test("downloadFile() rejects a corrupted download and leaves nothing in place", async () => {
  const data = payload();
  await using srv = serve({ "a.bin": data }, { corrupt: true });
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => downloadFile(srv.url("a.bin"), `${dir}/a.bin`, { sha256: sha256(data) }, quiet),
    (err: Error) =>
      err instanceof DownloadError && /Corrupted download.*sha256 is/.test(err.message),
  );
  assert.deepEqual(await names(dir), []);
});

Deno.test("downloadFile() reports an HTTP 404 with the URL and writes nothing", async () => {
  await using srv = serve({});
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => downloadFile(srv.url("nope.zip"), `${dir}/sub/nope.zip`, { md5: "0".repeat(32) }, quiet),
    (err: Error) => err instanceof DownloadError && /HTTP 404.*|nope\.zip.*404/.test(err.message),
  );
  assert.deepEqual(await names(dir), []);
});

Deno.test("downloadFile() verifies md5 and warns, with the sha256, when no checksum exists", async () => {
  const data = payload(5000);
  await using srv = serve({ "a.bin": data });
  const dir = await Deno.makeTempDir();
  await downloadFile(srv.url("a.bin"), `${dir}/m.bin`, { md5: md5(data) }, quiet);
  assert.equal(await hashFile(`${dir}/m.bin`, "md5"), md5(data));
  const logs: string[] = [];
  await downloadFile(srv.url("a.bin"), `${dir}/n.bin`, { sha256: null, reason: "none published" }, {
    quiet: true,
    log: (l) => logs.push(l),
  });
  assert.equal(logs.length, 1);
  assert.match(logs[0], /warning: n\.bin is not verified \(none published\)/);
  assert.ok(logs[0].includes(sha256(data)));
});

Deno.test("downloadFile() finishes a .part that already holds the whole file (HTTP 416)", async () => {
  const data = payload(5000);
  await using srv = serve({ "a.bin": data });
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/a.bin.part`, data);
  await downloadFile(srv.url("a.bin"), `${dir}/a.bin`, { sha256: sha256(data) }, quiet);
  assert.equal(srv.sent, 0);
  assert.deepEqual(await Deno.readFile(`${dir}/a.bin`), data);
});

Deno.test("checkFile() tells verified, mismatch, present, partial and missing apart", async () => {
  const dir = await Deno.makeTempDir();
  const data = payload(100);
  await Deno.writeFile(`${dir}/f`, data);
  await Deno.writeFile(`${dir}/g.part`, data);
  assert.equal(await checkFile(`${dir}/f`, { sha256: sha256(data) }), "verified");
  assert.equal(await checkFile(`${dir}/f`, { md5: "0".repeat(32) }), "mismatch");
  assert.equal(await checkFile(`${dir}/f`, { sha256: null, reason: "-" }), "present");
  assert.equal(await checkFile(`${dir}/g`, { sha256: sha256(data) }), "partial");
  assert.equal(await checkFile(`${dir}/h`, { sha256: sha256(data) }), "missing");
});

function fixtureDataset(url: (p: string) => string, files: Record<string, Uint8Array>) {
  const zip = zipSync({
    "ds/corpus.jsonl": files.corpus,
    "ds/qrels/test.tsv": files.qrels,
    "other/skip.txt": new Uint8Array([1]),
  });
  const dataset: DatasetSource = {
    name: "fixture",
    description: "test",
    license: "-",
    homepage: "-",
    files: [
      { url: url("plain.txt"), path: "fx/plain.txt", checksum: { sha256: sha256(files.plain) } },
      {
        url: url("ds.zip"),
        path: "fx/ds.zip",
        checksum: { md5: md5(zip) },
        extract: [{ prefix: "ds/", dir: "fx/ds/" }],
      },
      {
        url: url("ds.zip"),
        path: "fx/again.zip",
        checksum: { sha256: null, reason: "test" },
        extract: [{
          member: "ds/corpus.jsonl",
          path: "fx/one.jsonl",
          sha256: sha256(files.corpus),
        }],
      },
    ],
  };
  return { zip, dataset };
}

Deno.test("downloadDataset() unpacks archives, deletes them, and skips what is present", async () => {
  const enc = new TextEncoder();
  const files = {
    plain: enc.encode("plain\n"),
    corpus: enc.encode('{"_id":"d1","text":"x"}\n'),
    qrels: enc.encode("query-id\tcorpus-id\tscore\nq1\td1\t1\n"),
  };
  const servedFiles: Record<string, Uint8Array> = { "plain.txt": files.plain };
  await using srv = serve(servedFiles);
  const { zip, dataset } = fixtureDataset(srv.url, files);
  servedFiles["ds.zip"] = zip;
  const dir = await Deno.makeTempDir();
  const first = await downloadDataset(dataset, dir, quiet);
  assert.deepEqual(first.map((o) => o.action), ["downloaded", "downloaded", "downloaded"]);
  assert.equal(
    await Deno.readTextFile(`${dir}/fx/ds/qrels/test.tsv`),
    "query-id\tcorpus-id\tscore\nq1\td1\t1\n",
  );
  assert.deepEqual(await Deno.readFile(`${dir}/fx/one.jsonl`), files.corpus);
  assert.deepEqual(await names(`${dir}/fx`), [
    "again.zip.extracted.json",
    "ds",
    "ds.zip.extracted.json",
    "one.jsonl",
    "plain.txt",
  ]);
  const status = (await Promise.all(dataset.files.map((f) => fileStatus(f, dir)))).flat();
  assert.deepEqual(status.map((s) => `${s.state} ${s.path}`), [
    "verified fx/plain.txt",
    "verified fx/ds/corpus.jsonl",
    "verified fx/ds/qrels/test.tsv",
    "verified fx/one.jsonl",
  ]);
  const requests = srv.ranges.length;
  const second = await downloadDataset(dataset, dir, quiet);
  assert.deepEqual(second.map((o) => o.action), ["skipped", "skipped", "skipped"]);
  assert.equal(srv.ranges.length, requests);
});

Deno.test("downloadDataset() rejects an extracted member whose sha256 differs", async () => {
  const enc = new TextEncoder();
  const zip = zipSync({ "m.txt": enc.encode("real") });
  await using srv = serve({ "m.zip": zip });
  const dir = await Deno.makeTempDir();
  const dataset: DatasetSource = {
    name: "m",
    description: "-",
    license: "-",
    homepage: "-",
    files: [{
      url: srv.url("m.zip"),
      path: "m.zip",
      checksum: { sha256: null, reason: "test" },
      extract: [{ member: "m.txt", path: "m.txt", sha256: sha256(enc.encode("expected")) }],
    }],
  };
  await assert.rejects(() => downloadDataset(dataset, dir, quiet), /extracted m\.txt has sha256/);
  assert.deepEqual(await names(dir), []);
});

Deno.test("downloadFile() keeps the .part of an interrupted transfer and resumes it next run", async () => {
  const data = payload();
  let first = true;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (first) {
      first = false;
      // Send 30,000 of the 100,000 bytes announced, then stop.
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(data.slice(0, 30_000));
          c.close();
        },
      });
      return new Response(body, { headers: { "content-length": String(data.length) } });
    }
    const start = Number(req.headers.get("range")?.match(/^bytes=(\d+)-$/)?.[1] ?? 0);
    return new Response(data.slice(start), {
      status: start > 0 ? 206 : 200,
      headers: start > 0
        ? { "content-range": `bytes ${start}-${data.length - 1}/${data.length}` }
        : {},
    });
  });
  try {
    const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/a.bin`;
    const dir = await Deno.makeTempDir();
    await assert.rejects(
      () => downloadFile(url, `${dir}/a.bin`, { sha256: sha256(data) }, quiet),
      (err: Error) => err instanceof DownloadError && /run it again to resume/.test(err.message),
    );
    assert.deepEqual(await names(dir), ["a.bin.part"]);
    assert.deepEqual(await Deno.readFile(`${dir}/a.bin.part`), data.slice(0, 30_000));
    const res = await downloadFile(url, `${dir}/a.bin`, { sha256: sha256(data) }, quiet);
    assert.equal(res.resumedFrom, 30_000);
    assert.deepEqual(await Deno.readFile(`${dir}/a.bin`), data);
    assert.deepEqual(await names(dir), ["a.bin"]);
  } finally {
    await server.shutdown();
  }
});
