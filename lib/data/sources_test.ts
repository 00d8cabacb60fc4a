import assert from "node:assert/strict";
import { join } from "node:path";
import { checkFile } from "./download.ts";
import { BEIR_MD5, getSource, MIRACL_CORPUS_SHARDS, SOURCES } from "./sources.ts";
import { exists, skipUnless } from "../util/testing.ts";

const SHARED = Deno.env.get("XLIR_DATA") ?? "";
const HAS_SHARED = SHARED !== "" && exists(join(SHARED, "xquad-r/en.json"));

Deno.test("SOURCES lists every dataset the project reads", () => {
  for (
    const name of [
      "xquad-r",
      "mlqa-r",
      "mlqa",
      "beir/scifact",
      "miracl",
      "miracl-corpus-ar",
      "ntrex128",
      "flores200",
      "tatoeba",
      "vocab/bert-base-multilingual-cased",
    ]
  ) assert.ok(SOURCES[name], name);
  assert.equal(getSource("xquad-r").files.length, 13);
  assert.equal(getSource("mlqa").files[0].extract?.length, 49);
  assert.equal(getSource("miracl").files.length, 36);
  assert.equal(getSource("miracl-corpus-en").files.length, MIRACL_CORPUS_SHARDS.en);
  assert.equal(getSource("tatoeba").files.length, 44);
  assert.deepEqual(getSource("beir/scifact").files[0].checksum, { md5: BEIR_MD5.scifact });
});

Deno.test("every source file has an https URL, a safe relative path and a checksum or a reason", () => {
  const paths = new Set<string>();
  for (const [name, ds] of Object.entries(SOURCES)) {
    assert.equal(ds.name, name);
    for (const f of ds.files) {
      assert.match(f.url, /^https:\/\/[a-z.-]+\//, f.url);
      assert.ok(!f.path.startsWith("/") && !f.path.includes(".."), f.path);
      assert.ok(!paths.has(f.path), `duplicate destination ${f.path}`);
      paths.add(f.path);
      const c = f.checksum as Record<string, unknown>;
      if ("md5" in c) assert.match(String(c.md5), /^[0-9a-f]{32}$/);
      else if (c.sha256 === null) {
        assert.ok(String(c.reason).length > 10, `${f.path} needs a reason`);
      } else assert.match(String(c.sha256), /^[0-9a-f]{64}$/, f.path);
    }
  }
});

Deno.test("raw GitHub URLs are pinned to a commit, never a branch", () => {
  for (const ds of Object.values(SOURCES)) {
    for (const f of ds.files) {
      const m = f.url.match(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/([^/]+)\//);
      if (m) assert.match(m[1], /^[0-9a-f]{7,40}$/, f.url);
    }
  }
});

Deno.test("getSource() names the known datasets when the name is unknown", () => {
  assert.throws(() => getSource("xquad"), /Unknown dataset "xquad", expected one of: xquad-r, /);
});

Deno.test({
  name: "the shared data copies verify against the recorded checksums",
  ignore: skipUnless(HAS_SHARED, "the shared data (XLIR_DATA)"),
  async fn() {
    let n = 0;
    for (const name of ["xquad-r", "mlqa-r", "miracl", "ntrex128", "flores200", "tatoeba"]) {
      for (const f of getSource(name).files) {
        assert.equal(await checkFile(join(SHARED, f.path), f.checksum), "verified", f.path);
        n++;
      }
    }
    for (const m of getSource("mlqa").files[0].extract ?? []) {
      if (!("member" in m)) continue;
      assert.equal(await checkFile(join(SHARED, m.path), { sha256: m.sha256! }), "verified");
      n++;
    }
    assert.equal(n, 13 + 7 + 36 + 15 + 13 + 44 + 49);
  },
});
