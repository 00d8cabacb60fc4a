import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { main } from "./download.ts";
import type { DatasetSource } from "../lib/data/sources.ts";
import { exists, skipUnless } from "../lib/util/testing.ts";

const SHARED = Deno.env.get("XLIR_DATA") ?? "";
const HAS_SHARED = SHARED !== "" && exists(join(SHARED, "xquad-r/en.json"));

Deno.test({
  name: "download --list reports the shared XQuAD-R and MIRACL copies as verified",
  ignore: skipUnless(HAS_SHARED, "the shared data (XLIR_DATA)"),
  async fn() {
    const lines: string[] = [];
    await main(["--list", "--data", SHARED, "xquad-r", "miracl", "miracl-corpus-yo"], {
      print: (l) => lines.push(l),
    });
    const text = lines.join("\n");
    assert.match(text, /^xquad-r {2}\(13\/13 present\)/m);
    assert.match(text, /^ {2}verified {2}xquad-r\/en\.json$/m);
    assert.match(text, /^miracl {2}\(36\/36 present\)/m);
    assert.match(text, /^miracl-corpus-yo {2}\(0\/1 present\)/m);
    assert.match(
      text,
      /^ {2}missing {3}miracl\/corpus\/miracl-corpus-v1\.0-yo\/docs-0\.jsonl\.gz$/m,
    );
    assert.ok(!text.includes("mismatch"));
  },
});

Deno.test("download fetches a dataset from a local server, then --list shows it verified", async () => {
  const body = new TextEncoder().encode("hello\n");
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) =>
      new URL(req.url).pathname === "/h.txt"
        ? new Response(body.slice())
        : new Response("no", { status: 404 }),
  );
  const base = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  const sources: Record<string, DatasetSource> = {
    fx: {
      name: "fx",
      description: "fixture",
      license: "-",
      homepage: "-",
      files: [{
        url: `${base}/h.txt`,
        path: "fx/h.txt",
        checksum: { sha256: createHash("sha256").update(body).digest("hex") },
      }],
    },
    broken: {
      name: "broken",
      description: "404",
      license: "-",
      homepage: "-",
      files: [{ url: `${base}/gone`, path: "b/gone", checksum: { md5: "0".repeat(32) } }],
    },
  };
  try {
    const dir = await Deno.makeTempDir();
    const logs: string[] = [];
    const io = { sources, quiet: true, log: (l: string) => logs.push(l) };
    await main(["fx", "--data", dir], io);
    assert.equal(await Deno.readTextFile(join(dir, "fx/h.txt")), "hello\n");
    await main(["fx", "--data", dir], io);
    assert.ok(logs.includes("== fx: 0 downloaded, 1 already present"));
    const lines: string[] = [];
    await main(["--list", "--data", dir], { sources, print: (l) => lines.push(l) });
    assert.ok(lines.includes("  verified  fx/h.txt"));
    assert.ok(lines.includes("  missing   b/gone"));
    await assert.rejects(
      () => main(["broken", "fx", "--data", dir], io),
      /1 dataset\(s\) failed:\n {2}broken: Cannot download .*\/gone: HTTP 404/,
    );
    await assert.rejects(() => main(["nope", "--data", dir], io), /Unknown dataset "nope"/);
    await assert.rejects(() => main(["--data", dir], io), /name at least one dataset/);
  } finally {
    await server.shutdown();
  }
});
