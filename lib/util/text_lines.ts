/**
 * Reading text files line by line, strictly: the bytes must be UTF-8 (a bad
 * byte is an `InputError` naming the file and the line, never a silent
 * U+FFFD that could merge two distinct ids), and a missing file, a directory
 * or an unreadable file is an `InputError` naming it. Streamed in 4 MiB
 * chunks (a 15k-query × 1000-document run never sits in memory as one
 * string); `.gz` files are decompressed on the fly.
 *
 * @module
 */

import { InputError } from "./errors.ts";

/** Options of {@linkcode forEachLine}. */
export interface LineOptions {
  /**
   * Keep a leading byte-order mark as data (U+FEFF at the start of line 1),
   * as C tools that read bytes do; default false: it is dropped.
   */
  keepBom?: boolean;
  /** Called with the first line (BOM removed) when the file starts with a byte-order mark. */
  onBom?: (firstLine: string) => void;
  /** Drop a `\r` before each `\n` (default false). */
  stripCR?: boolean;
}

/** Index of the first byte of `bytes` that is not part of valid UTF-8 (`-1`: none). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const len = b < 0x80
      ? 1
      : b >= 0xc2 && b < 0xe0
      ? 2
      : b >= 0xe0 && b < 0xf0
      ? 3
      : b >= 0xf0 && b < 0xf5
      ? 4
      : 0;
    if (len === 0 || i + len > bytes.length) return i;
    for (let k = 1; k < len; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    const c1 = bytes[i + 1];
    if ((b === 0xe0 && c1 < 0xa0) || (b === 0xed && c1 >= 0xa0)) return i; // overlong, surrogate
    if ((b === 0xf0 && c1 < 0x90) || (b === 0xf4 && c1 >= 0x90)) return i; // overlong, > U+10FFFF
    i += len;
  }
  return -1;
}

/** Bytes of `bytes` up to the last complete UTF-8 sequence (the rest waits for more). */
function completeLength(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return len > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

function readError(err: unknown, path: string, what: string): InputError {
  const reason = err instanceof Deno.errors.NotFound
    ? "does not exist"
    : err instanceof Deno.errors.IsADirectory
    ? "is a directory, expected a file"
    : err instanceof Deno.errors.PermissionDenied
    ? "cannot be read (permission denied)"
    : `cannot be read (${(err as Error).message})`;
  return new InputError(`Cannot read ${what}: ${path} ${reason}`, { cause: err });
}

async function openChunks(path: string, what: string): Promise<ReadableStream<Uint8Array>> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
    if ((await file.stat()).isDirectory) {
      file.close();
      throw new Deno.errors.IsADirectory("is a directory");
    }
  } catch (err) {
    throw readError(err, path, what);
  }
  let bytes: ReadableStream<Uint8Array> = file.readable;
  if (path.endsWith(".gz")) {
    bytes = bytes.pipeThrough(
      new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
    );
  }
  return bytes;
}

/**
 * Calls `fn` with each line of a UTF-8 text file (without its `\n`), in
 * order, numbered from 1; a last line without a newline counts, an empty
 * last line does not.
 *
 * @param path The file (`.gz`: gzipped).
 * @param what What it is, for messages (`"run"`, `"BEIR corpus"`).
 * @param fn Receives each line and its number.
 * @param options Byte-order mark and CR handling.
 * @throws {InputError} naming the file (and the line) when it is missing, a
 *   directory, unreadable or not UTF-8; or what `fn` throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forEachLine } from "./text_lines.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array([0x61, 0x0a, 0x62, 0xff, 0x0a]));
 * await assert.rejects(
 *   () => forEachLine(path, "test file", () => {}),
 *   /line 2 of .* is not valid UTF-8 \(byte 0xff\)/,
 * );
 * ```
 */
export async function forEachLine(
  path: string,
  what: string,
  fn: (line: string, lineNo: number) => void,
  options: LineOptions = {},
): Promise<void> {
  const stream = await openChunks(path, what);
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let carry = new Uint8Array(0);
  let rest = "";
  let lineNo = 0;
  const decode = (bytes: Uint8Array): string => {
    try {
      return decoder.decode(bytes);
    } catch {
      const at = Math.max(0, firstInvalidUtf8(bytes));
      let line = lineNo + 1;
      for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
      throw new InputError(
        `Cannot read ${what}: line ${line} of ${path} is not valid UTF-8 (byte 0x${
          (bytes[at] ?? 0).toString(16).padStart(2, "0")
        }); expected UTF-8 text`,
      );
    }
  };
  const emit = (line: string) =>
    fn(options.stripCR && line.endsWith("\r") ? line.slice(0, -1) : line, ++lineNo);
  let first = true;
  try {
    for await (const chunk of stream) {
      const bytes = new Uint8Array(carry.length + chunk.length);
      bytes.set(carry);
      bytes.set(chunk, carry.length);
      const cut = completeLength(bytes);
      carry = bytes.slice(cut);
      let text = rest + decode(bytes.subarray(0, cut));
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) {
          options.onBom?.(text.slice(1, (text.indexOf("\n") + 1 || text.length + 1) - 1));
          if (!options.keepBom) text = text.slice(1);
        }
      }
      let start = 0;
      for (;;) {
        const nl = text.indexOf("\n", start);
        if (nl < 0) break;
        emit(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (err instanceof Error && err.name === "TypeError" && path.endsWith(".gz")) {
      throw new InputError(`Cannot read ${what}: ${path} is not valid gzip (${err.message})`);
    }
    throw readError(err, path, what);
  }
  if (carry.length > 0) rest += decode(carry);
  if (rest.length > 0) emit(rest);
}
