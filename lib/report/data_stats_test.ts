import assert from "node:assert/strict";
import { resolveDataDir } from "../data/data_dir.ts";
import { LIBREOFFICE_HELP_DIR } from "../data/libreoffice_help.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { ictSourceTable, pairSourceTable } from "./data_stats.ts";

const dataDir = resolveDataDir();
const haveData = exists(`${dataDir}/parallel/tatoeba`) && exists("/usr/share/dictd") &&
  exists("/usr/share/locale/de/LC_MESSAGES");

Deno.test({
  name: "pairSourceTable() counts every source per language, and the cap keeps at most the cap",
  ignore: skipUnless(haveData, "the shared data, FreeDict and the gettext catalogs"),
  async fn() {
    const rows = await pairSourceTable("configs/base_aligned.json", dataDir);
    const available = rows.filter((r) => r.stage === "available");
    const capped = rows.filter((r) => r.stage === "after cap");
    assert.ok(available.some((r) => r.source === "tatoeba" && (r.de as number) > 1000));
    assert.ok(available.some((r) => r.source === "gettext" && (r.de as number) > 1000));
    for (const r of capped) {
      assert.equal(r.used, true);
      const before = available.find((a) => a.source === r.source)!;
      for (const l of ["ar", "de", "zh"]) {
        assert.ok((r[l] as number) <= (before[l] as number), `${r.source} ${l}`);
        // The cap is per source value and language pair: FreeDict's eng-X and X-eng are two.
        const values = r.source === "freedict" ? 2 : 1;
        if (r.cap !== null) {
          assert.ok((r[l] as number) <= values * (r.cap as number), `${r.source} ${l} cap`);
        }
      }
    }
  },
});

Deno.test({
  name: "ictSourceTable() lists NTREX-128 and FLORES-200 with every language on every example",
  ignore: skipUnless(
    exists(`${dataDir}/parallel/ntrex128`) && exists(LIBREOFFICE_HELP_DIR),
    "the shared data and the LibreOffice help packages",
  ),
  async fn() {
    const rows = await ictSourceTable("configs/p1_ict.json", dataDir);
    const ntrex = rows.find((r) => r.corpus === "ntrex")!;
    assert.ok((ntrex.examples as number) > 1000);
    for (const l of ["ar", "de", "zh"]) assert.equal(ntrex[l], ntrex.examples);
  },
});
