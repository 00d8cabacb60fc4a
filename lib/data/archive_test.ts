import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { crc32, extractZipEntry, listZip, readLines } from "./archive.ts";
import { InputError } from "../util/errors.ts";

const enc = new TextEncoder();

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const x of it) out.push(x);
  return out;
}

Deno.test("crc32() matches the standard check value", () => {
  assert.equal(crc32(0, enc.encode("123456789")), 0xcbf43926);
  // Running updates equal one call over the whole input.
  assert.equal(crc32(crc32(0, enc.encode("1234")), enc.encode("56789")), 0xcbf43926);
});

Deno.test("listZip() and extractZipEntry() read stored and deflated members", async () => {
  const big = enc.encode("line of text\n".repeat(20_000));
  const path = await Deno.makeTempFile({ suffix: ".zip" });
  await Deno.writeFile(
    path,
    zipSync({
      "d/big.txt": [big, { level: 9 }],
      "d/raw.bin": [new Uint8Array([0, 1, 2, 255]), { level: 0 }],
      "d/ü.txt": enc.encode("unicode name"),
    }),
  );
  const entries = await listZip(path);
  assert.deepEqual(entries.map((e) => [e.name, e.method, e.size]), [
    ["d/big.txt", 8, big.length],
    ["d/raw.bin", 0, 4],
    ["d/ü.txt", 8, 12],
  ]);
  const dir = await Deno.makeTempDir();
  const res = await extractZipEntry(path, entries[0], `${dir}/x/big.txt`);
  assert.equal(res.bytes, big.length);
  assert.deepEqual(await Deno.readFile(`${dir}/x/big.txt`), big);
  await extractZipEntry(path, entries[1], `${dir}/raw.bin`);
  assert.deepEqual(await Deno.readFile(`${dir}/raw.bin`), new Uint8Array([0, 1, 2, 255]));
});

Deno.test("extractZipEntry() rejects a member whose bytes fail the CRC, leaving no file", async () => {
  const path = await Deno.makeTempFile({ suffix: ".zip" });
  const zip = zipSync({ "a.txt": [enc.encode("abcdefgh"), { level: 0 }] });
  // Stored data begins after the 30-byte local header and the 5-byte name.
  zip[30 + 5 + 2] ^= 0x20;
  await Deno.writeFile(path, zip);
  const [entry] = await listZip(path);
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => extractZipEntry(path, entry, `${dir}/a.txt`),
    (err: Error) => err instanceof InputError && /a\.txt is corrupt/.test(err.message),
  );
  assert.deepEqual([...Deno.readDirSync(dir)], []);
});

Deno.test("listZip() names the file that is not a zip archive", async () => {
  const path = await Deno.makeTempFile({ suffix: ".zip" });
  await Deno.writeTextFile(path, "<html>not found</html>");
  await assert.rejects(() => listZip(path), new RegExp(`${path} is not a zip archive`));
});

Deno.test("readLines() streams plain and gzipped text, CRLF or LF, last line unterminated", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.txt`, "one\r\ntwo\n\nthree");
  await Deno.writeFile(`${dir}/a.txt.gz`, gzipSync(enc.encode("α\nβ\n")));
  assert.deepEqual(await collect(readLines(`${dir}/a.txt`)), ["one", "two", "", "three"]);
  assert.deepEqual(await collect(readLines(`${dir}/a.txt.gz`)), ["α", "β"]);
});

Deno.test("readLines() keeps multi-byte characters split across chunks intact", async () => {
  const dir = await Deno.makeTempDir();
  const line = "日本語のテキスト".repeat(20_000);
  await Deno.writeTextFile(`${dir}/big.txt`, `${line}\n${line}\n`);
  const lines = await collect(readLines(`${dir}/big.txt`));
  assert.equal(lines.length, 2);
  assert.equal(lines[1], line);
});
