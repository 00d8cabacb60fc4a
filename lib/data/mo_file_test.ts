import assert from "node:assert/strict";
import { InputError } from "../util/errors.ts";
import { encodeMo, parseMo, parseMoHeader, readMo } from "./mo_file.ts";

const MESSAGES = [
  { msgid: "File", msgstr: ["Datei"] },
  { context: "menu|open", msgid: "_Open", msgstr: ["Ö_ffnen"] },
  { msgid: "%d file", msgidPlural: "%d files", msgstr: ["%d Datei", "%d Dateien"] },
];

Deno.test("parseMo() reads back what encodeMo() wrote: contexts, plurals, the header", () => {
  const header = {
    "Content-Type": "text/plain; charset=UTF-8",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
  };
  const catalog = parseMo(encodeMo(MESSAGES, { header }));
  assert.deepEqual(catalog.header, header);
  assert.equal(catalog.charset, "utf-8");
  // msgfmt's order: sorted by the original string ("%d file" < "File" < "menu|open\x04_Open").
  assert.deepEqual(catalog.messages, [MESSAGES[2], MESSAGES[0], MESSAGES[1]]);
});

Deno.test("parseMo() reads big-endian files", () => {
  const catalog = parseMo(encodeMo(MESSAGES, { bigEndian: true }));
  assert.equal(catalog.messages.length, 3);
  assert.deepEqual(catalog.messages[1], MESSAGES[0]);
});

Deno.test("parseMo() decodes the charset the header names", () => {
  const bytes = encodeMo([{ msgid: "alpha", msgstr: ["X"] }], {
    header: { "Content-Type": "text/plain; charset=ISO-8859-7" },
  });
  // Replace the one-byte translation "X" by 0xE1, Greek small alpha in ISO-8859-7.
  const at = bytes.lastIndexOf("X".charCodeAt(0));
  bytes[at] = 0xe1;
  const catalog = parseMo(bytes);
  assert.equal(catalog.charset, "iso-8859-7");
  assert.equal(catalog.messages[0].msgstr[0], "α");
});

Deno.test("parseMo() rejects a wrong magic number, truncated tables and unknown charsets", () => {
  assert.throws(
    () => parseMo(new Uint8Array(28), "x.mo"),
    (e: unknown) => e instanceof InputError && /x\.mo: magic number 0x0/.test(e.message),
  );
  assert.throws(() => parseMo(new Uint8Array(4), "x.mo"), /28/);
  const bytes = encodeMo(MESSAGES);
  assert.throws(
    () => parseMo(bytes.subarray(0, 40), "short.mo"),
    (e: unknown) => e instanceof InputError && /short\.mo: the original table/.test(e.message),
  );
  const cut = bytes.slice(0, bytes.length - 5);
  assert.throws(() => parseMo(cut, "cut.mo"), /cut\.mo: string \d+ .* runs past the end/);
  const odd = encodeMo(MESSAGES, { header: { "Content-Type": "text/plain; charset=KOI-Z9" } });
  assert.throws(() => parseMo(odd, "odd.mo"), /charset "KOI-Z9"/);
});

Deno.test("parseMoHeader() keeps colons inside values", () => {
  assert.deepEqual(parseMoHeader("POT-Creation-Date: 2024-01-01 10:00+0000\nbad line\n"), {
    "POT-Creation-Date": "2024-01-01 10:00+0000",
  });
});

Deno.test("readMo() names a missing file", async () => {
  await assert.rejects(
    () => readMo("/nonexistent/de.mo"),
    (e: unknown) => e instanceof InputError && /\/nonexistent\/de\.mo/.test(e.message),
  );
});
