import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { exists, skipUnless } from "../util/testing.ts";
import { catalogTexts, GETTEXT_LOCALES, loadGettextPairs, LOCALE_DIR } from "./gettext.ts";
import { encodeMo, type MoMessage } from "./mo_file.ts";

/** Writes `{root}/{locale}/LC_MESSAGES/{domain}.mo` files and a dpkg info folder owning them. */
async function fixture(
  catalogs: [string, string, MoMessage[], Record<string, string>?][],
): Promise<{ root: string; info: string }> {
  const root = await Deno.makeTempDir();
  const info = await Deno.makeTempDir();
  const owned: string[] = [];
  for (const [locale, domain, messages, header] of catalogs) {
    const dir = join(root, locale, "LC_MESSAGES");
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeFile(join(dir, `${domain}.mo`), encodeMo(messages, { header }));
    owned.push(join(dir, `${domain}.mo`));
  }
  await Deno.writeTextFile(join(info, "coreutils:amd64.list"), owned.join("\n") + "\n");
  return { root, info };
}

const RU_PLURALS = {
  "Content-Type": "text/plain; charset=UTF-8",
  "Plural-Forms":
    "nplurals=3; plural=n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2;",
};

Deno.test("catalogTexts() pairs the singular with the n=1 form and the plural with the n=5 form", () => {
  const ar = {
    header: {
      "Plural-Forms":
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;",
    },
    charset: "utf-8",
    messages: [{
      msgid: "%d day",
      msgidPlural: "%d days",
      msgstr: ["z", "one", "two", "few", "many", "other"],
    }],
  };
  assert.deepEqual(catalogTexts(ar), [["%d day", "one"], ["%d days", "few"]]);
  const zh = {
    header: { "Plural-Forms": "nplurals=1; plural=0;" },
    charset: "utf-8",
    messages: [{ msgid: "%d day", msgidPlural: "%d days", msgstr: ["%d 天"] }, {
      msgid: "x",
      msgstr: [""],
    }],
  };
  assert.deepEqual(catalogTexts(zh), [["%d day", "%d 天"], ["%d days", "%d 天"]]);
});

Deno.test("loadGettextPairs() cleans, deduplicates and records the package and file", async () => {
  const { root, info } = await fixture([
    ["ru", "coreutils", [
      { msgid: "_Open", msgstr: ["_Открыть"] },
      { context: "verb", msgid: "Print", msgstr: ["Печать"] },
      { msgid: "cannot open %s", msgstr: ["не удаётся открыть %s"] },
      { msgid: "Untranslated", msgstr: ["Untranslated"] },
      { msgid: "OK", msgstr: ["ОК"] },
      { msgid: "%d file", msgidPlural: "%d files", msgstr: ["%d файл", "%d файла", "%d файлов"] },
    ], RU_PLURALS],
    ["ru", "sed", [{ msgid: "_Open", msgstr: ["Открыть"] }]],
    ["zh_CN", "sed", [{ msgid: "_Open", msgstr: ["打开(_O)"] }]],
    ["zh_TW", "sed", [{ msgid: "_Open", msgstr: ["開啟(_O)"] }]],
  ]);
  const pairs = await loadGettextPairs({
    localeDir: root,
    languages: ["ru", "zh"],
    dpkgInfoDir: info,
  });
  // Catalog order (msgfmt sorts by msgctxt + msgid bytes: "%" < "_" < "c" < "verb\x04…"), catalogs by name.
  assert.deepEqual(pairs.map((p) => `${p.tgtLang}:${p.src}|${p.tgt}`), [
    "ru:file|файл",
    "ru:files|файлов",
    "ru:Open|Открыть",
    "ru:cannot open|не удаётся открыть",
    "ru:Print|Печать",
    "zh:Open|打开",
  ]);
  assert.equal(pairs[0].package, "coreutils");
  assert.equal(pairs[0].file, join(root, "ru", "LC_MESSAGES", "coreutils.mo"));
  assert.equal(pairs.at(-1)!.package, "coreutils");
  assert.ok(pairs.every((p) => p.srcLang === "en" && p.source === "gettext"));
});

Deno.test("loadGettextPairs() skips the obscure-name ISO catalogs unless told otherwise", async () => {
  const { root, info } = await fixture([
    ["de", "iso_639-3", [{ msgid: "Huba", msgstr: ["Kilba"] }]],
    ["de", "iso_3166-1", [{ msgid: "Germany", msgstr: ["Deutschland"] }]],
  ]);
  const pairs = await loadGettextPairs({ localeDir: root, languages: ["de"], dpkgInfoDir: info });
  assert.deepEqual(pairs.map((p) => p.tgt), ["Deutschland"]);
  const all = await loadGettextPairs({
    localeDir: root,
    languages: ["de"],
    skipDomains: [],
    dpkgInfoDir: info,
  });
  assert.equal(all.length, 2);
});

Deno.test("loadGettextPairs() names a missing locale folder and an unknown language", async () => {
  const root = await Deno.makeTempDir();
  await assert.rejects(
    () => loadGettextPairs({ localeDir: root, languages: ["de"] }),
    (e: unknown) => e instanceof InputError && e.message.includes(join(root, "de", "LC_MESSAGES")),
  );
  await assert.rejects(
    () => loadGettextPairs({ localeDir: root, languages: ["xx"] }),
    (e: unknown) =>
      e instanceof InputError && /No gettext locale for language "xx"/.test(e.message),
  );
});

const HAS_LOCALES = Object.values(GETTEXT_LOCALES).every((l) =>
  exists(join(LOCALE_DIR, l, "LC_MESSAGES"))
);

Deno.test({
  name: "loadGettextPairs() reads the image's catalogs in all ten languages",
  ignore: skipUnless(HAS_LOCALES, "gettext catalogs in /usr/share/locale for the ten languages"),
  async fn() {
    const pairs = await loadGettextPairs();
    const by: Record<string, number> = {};
    for (const p of pairs) by[p.tgtLang] = (by[p.tgtLang] ?? 0) + 1;
    // Lower bounds, about 80% of the counts on the Debian 12 image this was written on
    // (ar 5.9k, de 40.7k, el 15.0k, es 45.5k, hi 4.8k, ru 42.9k, th 5.1k, tr 29.9k, vi 26.7k, zh 37.8k).
    const min: Record<string, number> = {
      ar: 4500,
      de: 32000,
      el: 12000,
      es: 36000,
      hi: 3800,
      ru: 34000,
      th: 4000,
      tr: 24000,
      vi: 21000,
      zh: 30000,
    };
    for (const [lang, n] of Object.entries(min)) {
      assert.ok(by[lang] >= n, `${lang}: ${by[lang]} < ${n}`);
    }
    assert.ok(
      pairs.some((p) => p.tgtLang === "de" && p.src === "Germany" && p.tgt === "Deutschland"),
    );
    for (const p of pairs) {
      assert.doesNotMatch(
        `${p.src}\t${p.tgt}`,
        /%[sd]\b|<\/?(b|i|span|a)[\s>]|\n/,
        `${p.file}: ${p.src}`,
      );
      assert.notEqual(p.src.toLowerCase(), p.tgt.toLowerCase());
    }
    assert.ok(pairs.filter((p) => p.package !== undefined).length > 0.95 * pairs.length);
  },
});
