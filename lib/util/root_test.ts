import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { fromRoot, ROOT, rootOf } from "./root.ts";

Deno.test("ROOT is the folder holding deno.json and lib/util/root.ts", () => {
  assert.ok(Deno.statSync(join(ROOT, "deno.json")).isFile);
  assert.ok(Deno.statSync(join(ROOT, "lib", "util", "root.ts")).isFile);
  assert.ok(!ROOT.endsWith("/"));
});

Deno.test("rootOf() decodes escaped characters (spaces, %, non-ASCII) of the module's URL", () => {
  for (const dir of ["/tmp/with space", "/tmp/100% sure", "/tmp/naïve dir"]) {
    const url = pathToFileURL(join(dir, "lib", "util", "root.ts"));
    assert.equal(rootOf(url, 2), dir);
    assert.equal(rootOf(url.href, 2), dir);
  }
  assert.throws(() => rootOf("https://example.org/lib/util/root.ts", 2), TypeError);
});

Deno.test("a checkout under a path with a space finds its root and its files", async () => {
  const base = await Deno.makeTempDir({ prefix: "xlir root " });
  try {
    const checkout = join(base, "my checkout");
    await Deno.mkdir(join(checkout, "lib", "util"), { recursive: true });
    await Deno.copyFile(join(ROOT, "lib/util/root.ts"), join(checkout, "lib/util/root.ts"));
    await Deno.writeTextFile(join(checkout, "deno.json"), "{}");
    const copy = await import(pathToFileURL(join(checkout, "lib/util/root.ts")).href);
    assert.equal(copy.ROOT, checkout);
    assert.equal(copy.fromRoot("deno.json"), join(checkout, "deno.json"));
    assert.ok(Deno.statSync(copy.fromRoot("deno.json")).isFile);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("fromRoot() keeps absolute paths and joins segments", () => {
  assert.equal(fromRoot("/abs/path"), "/abs/path");
  assert.equal(fromRoot("a", "b/c.json"), join(ROOT, "a/b/c.json"));
});
