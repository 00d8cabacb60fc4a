import assert from "node:assert/strict";
import { join } from "node:path";
import { exists, skipUnless } from "../util/testing.ts";
import { DPKG_INFO_DIR, dpkgOwners } from "./dpkg_owners.ts";

Deno.test("dpkgOwners() drops the architecture suffix and keeps the first owner", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "a:amd64.list"), "/usr/share/locale/de/LC_MESSAGES/x.mo\n");
  await Deno.writeTextFile(join(dir, "b.list"), "/usr/share/locale/de/LC_MESSAGES/x.mo\n/etc/b\n");
  await Deno.writeTextFile(join(dir, "b.md5sums"), "/usr/share/locale/zz\n");
  const owners = await dpkgOwners("/usr/share/locale/", dir);
  assert.deepEqual([...owners], [["/usr/share/locale/de/LC_MESSAGES/x.mo", "a"]]);
});

Deno.test("dpkgOwners() is empty without a dpkg database", async () => {
  assert.equal((await dpkgOwners("/", "/nonexistent/dpkg/info")).size, 0);
});

Deno.test({
  name: "dpkgOwners() finds the package of an installed catalog",
  ignore: skipUnless(exists(join(DPKG_INFO_DIR, "coreutils.list")), "a Debian dpkg database"),
  async fn() {
    const owners = await dpkgOwners("/bin/");
    assert.equal(owners.get("/bin/ls"), "coreutils");
  },
});
