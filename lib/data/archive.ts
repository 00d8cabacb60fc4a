/**
 * Reading downloaded archives and compressed text without loading them whole:
 * zip members (read through the central directory, stored or deflated, zip64
 * aware, CRC-checked) and line-by-line reading of plain or gzipped text.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { tempPath } from "../util/atomic.ts";
import { InputError } from "../util/errors.ts";

/** One member of a zip archive, from its central directory. */
export interface ZipEntry {
  /** Path inside the archive (`/`-separated). */
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  /** Bytes as stored in the archive. */
  compressedSize: number;
  /** Bytes once extracted. */
  size: number;
  /** CRC-32 of the extracted bytes. */
  crc32: number;
  /** Byte offset of the member's local header. */
  localHeaderOffset: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * Updates a running CRC-32 (zip/gzip polynomial) with `data`.
 *
 * @param crc The CRC so far (0 to start).
 * @param data The next bytes.
 * @returns The updated CRC, as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crc32 } from "./archive.ts";
 * assert(crc32(0, new TextEncoder().encode("123456789")) === 0xcbf43926);
 * ```
 */
export function crc32(crc: number, data: Uint8Array): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  await file.seek(offset, Deno.SeekMode.Start);
  let got = 0;
  while (got < length) {
    const n = await file.read(buf.subarray(got));
    if (n === null) break;
    got += n;
  }
  return buf.subarray(0, got);
}

function u64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
}

/**
 * Lists the members of a zip file from its central directory (zip64 aware).
 *
 * @param path The zip file.
 * @returns Its members, in central-directory order.
 * @throws {InputError} When the file is not a readable zip archive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zipSync } from "fflate";
 * import { listZip } from "./archive.ts";
 * const path = await Deno.makeTempFile({ suffix: ".zip" });
 * await Deno.writeFile(path, zipSync({ "a/b.txt": new TextEncoder().encode("hi") }));
 * assert((await listZip(path))[0].name === "a/b.txt");
 * ```
 */
export async function listZip(path: string): Promise<ZipEntry[]> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const tailLen = Math.min(size, 22 + 65535);
  const tail = await readAt(file, size - tailLen, tailLen);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new InputError(`${path} is not a zip archive (no end-of-central-directory record)`);
  }
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || tv.getUint32(loc, true) !== 0x07064b50) {
      throw new InputError(`${path}: zip64 archive without a zip64 locator`);
    }
    const z64 = await readAt(file, u64(tv, loc + 8), 56);
    const zv = new DataView(z64.buffer, z64.byteOffset, z64.byteLength);
    if (z64.length < 56 || zv.getUint32(0, true) !== 0x06064b50) {
      throw new InputError(`${path}: bad zip64 end-of-central-directory record`);
    }
    count = u64(zv, 32);
    cdSize = u64(zv, 40);
    cdOffset = u64(zv, 48);
  }
  const cd = await readAt(file, cdOffset, cdSize);
  if (cd.length < cdSize) throw new InputError(`${path}: central directory is truncated`);
  const v = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const utf8 = new TextDecoder();
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== 0x02014b50) {
      throw new InputError(`${path}: central directory entry ${i} is malformed`);
    }
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    let localHeaderOffset = v.getUint32(p + 42, true);
    const name = utf8.decode(cd.subarray(p + 46, p + 46 + nameLen));
    // zip64 extra field: present values replace the 0xFFFFFFFF placeholders, in this order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) (size = u64(v, q)), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(v, q)), (q += 8);
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(v, q);
      }
      e += 4 + len;
    }
    entries.push({
      name,
      method: v.getUint16(p + 10, true),
      compressedSize,
      size,
      crc32: v.getUint32(p + 16, true),
      localHeaderOffset,
    });
    p = extraEnd + commentLen;
  }
  return entries;
}

/** What {@linkcode extractZipEntry} wrote. */
export interface ExtractResult {
  /** Bytes written. */
  bytes: number;
  /** sha256 of the written bytes (hex). */
  sha256: string;
}

/**
 * Extracts one zip member to `dest`, streaming (constant memory), through a
 * temporary file renamed into place only when the size and CRC-32 match.
 *
 * @param zipPath The zip file.
 * @param entry The member, from {@linkcode listZip}.
 * @param dest Where to write it (parents are created).
 * @returns Bytes written and their sha256.
 * @throws {InputError} On an unsupported method or a size/CRC mismatch (nothing is left at `dest`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zipSync } from "fflate";
 * import { extractZipEntry, listZip } from "./archive.ts";
 * const path = await Deno.makeTempFile({ suffix: ".zip" });
 * await Deno.writeFile(path, zipSync({ "x.txt": new TextEncoder().encode("hello") }));
 * const [entry] = await listZip(path);
 * const out = `${await Deno.makeTempDir()}/x.txt`;
 * await extractZipEntry(path, entry, out);
 * assert(await Deno.readTextFile(out) === "hello");
 * ```
 */
export async function extractZipEntry(
  zipPath: string,
  entry: ZipEntry,
  dest: string,
): Promise<ExtractResult> {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new InputError(
      `${zipPath}: member ${entry.name} uses compression method ${entry.method}, expected 0 (stored) or 8 (deflate)`,
    );
  }
  using file = await Deno.open(zipPath, { read: true });
  const header = await readAt(file, entry.localHeaderOffset, 30);
  const hv = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.length < 30 || hv.getUint32(0, true) !== 0x04034b50) {
    throw new InputError(`${zipPath}: local header of ${entry.name} is malformed`);
  }
  const start = entry.localHeaderOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  await file.seek(start, Deno.SeekMode.Start);
  let left = entry.compressedSize;
  const raw = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (left <= 0) return controller.close();
      const buf = new Uint8Array(Math.min(left, 1 << 20));
      const n = await file.read(buf);
      if (n === null) {
        return controller.error(
          new InputError(`${zipPath}: member ${entry.name} is truncated`),
        );
      }
      left -= n;
      controller.enqueue(buf.subarray(0, n));
    },
  });
  const data = entry.method === 8
    ? raw.pipeThrough(
      new DecompressionStream("deflate-raw") as TransformStream<Uint8Array, Uint8Array>,
    )
    : raw;
  await Deno.mkdir(dirname(dest), { recursive: true });
  const tmp = tempPath(dest);
  const hash = createHash("sha256");
  let crc = 0;
  let bytes = 0;
  try {
    {
      using out = await Deno.open(tmp, { write: true, create: true, truncate: true });
      for await (const chunk of data) {
        crc = crc32(crc, chunk);
        hash.update(chunk);
        bytes += chunk.length;
        let off = 0;
        while (off < chunk.length) off += await out.write(chunk.subarray(off));
      }
    }
    if (bytes !== entry.size || crc !== entry.crc32) {
      throw new InputError(
        `${zipPath}: member ${entry.name} is corrupt (got ${bytes} bytes, CRC ${
          crc.toString(16)
        }; expected ${entry.size} bytes, CRC ${entry.crc32.toString(16)})`,
      );
    }
    await Deno.rename(tmp, dest);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    if (err instanceof InputError) throw err;
    throw new InputError(
      `${zipPath}: cannot extract ${entry.name}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { bytes, sha256: hash.digest("hex") };
}

/**
 * Reads a text file line by line, streaming, decompressing it first when its
 * name ends in `.gz`. Lines come without their `\n` (or `\r\n`); a final
 * line without a newline is yielded too, an empty last line is not.
 *
 * @param path A UTF-8 text file, optionally gzipped.
 * @returns The lines, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLines } from "./archive.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "a\r\nb\nc");
 * const lines = [];
 * for await (const line of readLines(path)) lines.push(line);
 * assert(lines.join(",") === "a,b,c");
 * ```
 */
export async function* readLines(path: string): AsyncGenerator<string> {
  using file = await Deno.open(path, { read: true });
  let bytes: ReadableStream<Uint8Array> = file.readable;
  if (path.endsWith(".gz")) {
    bytes = bytes.pipeThrough(
      new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
    );
  }
  let rest = "";
  for await (const text of bytes.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + text).split("\n");
    rest = parts.pop()!;
    for (const part of parts) yield part.endsWith("\r") ? part.slice(0, -1) : part;
  }
  if (rest.length > 0) yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}
