/**
 * GNU gettext `.mo` catalogs (the compiled form of `.po` files that Debian
 * packages install under `/usr/share/locale/{lang}/LC_MESSAGES/`), read into
 * their messages, and written (for tests and fixtures).
 *
 * The format (GNU gettext manual, "The Format of GNU MO Files"): a 28-byte
 * header — magic `0x950412de` in the file's byte order, revision (major 0 or
 * 1), the number of strings N, the offsets of the original-string table and
 * of the translation table, and of a hash table readers may ignore — then two
 * tables of N (length, offset) pairs of 32-bit integers pointing at
 * NUL-terminated strings. An original string is `msgctxt EOT msgid`, the
 * context and the EOT (`\x04`) only when the message has one, and
 * `msgid NUL msgid_plural` for a plural message; its translation holds the
 * plural forms separated by NUL. The entry with the empty msgid is the
 * header (`Content-Type: text/plain; charset=UTF-8`, `Plural-Forms: …`).
 * `msgfmt` leaves fuzzy and untranslated entries out of the file unless told
 * otherwise (`--use-fuzzy`), so a `.mo` carries no fuzzy flag to read.
 *
 * @module
 */

import { InputError } from "../util/errors.ts";

/** One message of a catalog. */
export interface MoMessage {
  /** The `msgctxt`, when the message has one. */
  context?: string;
  /** The source text (English for the catalogs read here). */
  msgid: string;
  /** The plural source text, for a plural message. */
  msgidPlural?: string;
  /** The translation; for a plural message one string per plural form. */
  msgstr: string[];
}

/** A parsed catalog. */
export interface MoCatalog {
  /** The header entry's fields (`Content-Type`, `Plural-Forms`, `Language`, …). */
  header: Record<string, string>;
  /** The charset the strings were decoded with (from `Content-Type`, default UTF-8). */
  charset: string;
  /** Every message except the header, in file order (sorted by msgid, as msgfmt writes them). */
  messages: MoMessage[];
}

const MAGIC = 0x950412de;

/**
 * Parses the header entry (`Name: value` lines).
 *
 * @param text The translation of the empty msgid.
 * @returns The fields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMoHeader } from "./mo_file.ts";
 * const h = parseMoHeader("Language: de\nPlural-Forms: nplurals=2; plural=(n != 1);\n");
 * assert(h["Plural-Forms"] === "nplurals=2; plural=(n != 1);");
 * ```
 */
export function parseMoHeader(text: string): Record<string, string> {
  const header: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    header[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return header;
}

/**
 * Reads a `.mo` catalog from its bytes.
 *
 * @param bytes The file's contents.
 * @param name The file, named in errors.
 * @returns The header, charset and messages.
 * @throws {InputError} On a wrong magic number, an unknown revision, a table
 * or string past the end of the file, or a charset this runtime cannot decode.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMo, parseMo } from "./mo_file.ts";
 * const bytes = encodeMo([{ msgid: "File", msgstr: ["Datei"] }]);
 * assert(parseMo(bytes).messages[0].msgstr[0] === "Datei");
 * ```
 */
export function parseMo(bytes: Uint8Array, name = "catalog"): MoCatalog {
  if (bytes.length < 28) {
    throw new InputError(`Cannot read ${name}: ${bytes.length} bytes, expected a .mo header (28)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little: boolean;
  if (view.getUint32(0, true) === MAGIC) little = true;
  else if (view.getUint32(0, false) === MAGIC) little = false;
  else {
    throw new InputError(
      `Cannot read ${name}: magic number 0x${
        view.getUint32(0, true).toString(16)
      }, expected 0x950412de (a GNU .mo file)`,
    );
  }
  const u32 = (at: number) => view.getUint32(at, little);
  const major = u32(4) >>> 16;
  if (major > 1) {
    throw new InputError(`Cannot read ${name}: .mo revision ${major}, expected 0 or 1`);
  }
  const n = u32(8), origins = u32(12), translations = u32(16);
  for (const [table, what] of [[origins, "original"], [translations, "translation"]] as const) {
    if (table + 8 * n > bytes.length) {
      throw new InputError(
        `Cannot read ${name}: the ${what} table (${n} entries at byte ${table}) runs past the end (${bytes.length} bytes)`,
      );
    }
  }
  const raw = (table: number, i: number): Uint8Array => {
    const length = u32(table + 8 * i), offset = u32(table + 8 * i + 4);
    if (offset + length > bytes.length) {
      throw new InputError(
        `Cannot read ${name}: string ${i} (${length} bytes at ${offset}) runs past the end (${bytes.length} bytes)`,
      );
    }
    return bytes.subarray(offset, offset + length);
  };
  // The header (empty msgid) comes first in msgfmt's sorted order; read it to learn the charset.
  let header: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    if (raw(origins, i).length === 0) {
      header = parseMoHeader(new TextDecoder("utf-8").decode(raw(translations, i)));
      break;
    }
  }
  const charset = /charset=([^\s;]+)/i.exec(header["Content-Type"] ?? "")?.[1] ?? "UTF-8";
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset.toLowerCase() === "charset" ? "utf-8" : charset);
  } catch (error) {
    throw new InputError(
      `Cannot read ${name}: charset "${charset}" in its header is not one this runtime decodes`,
      { cause: error },
    );
  }
  const messages: MoMessage[] = [];
  for (let i = 0; i < n; i++) {
    const original = decoder.decode(raw(origins, i));
    if (original === "") continue;
    const eot = original.indexOf("\x04");
    const context = eot >= 0 ? original.slice(0, eot) : undefined;
    const [msgid, msgidPlural] = (eot >= 0 ? original.slice(eot + 1) : original).split("\0");
    const message: MoMessage = { msgid, msgstr: decoder.decode(raw(translations, i)).split("\0") };
    if (context !== undefined) message.context = context;
    if (msgidPlural !== undefined) message.msgidPlural = msgidPlural;
    messages.push(message);
  }
  return { header, charset: decoder.encoding, messages };
}

/**
 * Reads a `.mo` file.
 *
 * @param path The file.
 * @returns The catalog.
 * @throws {InputError} When the file is missing or malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMo, readMo } from "./mo_file.ts";
 * const path = await Deno.makeTempFile({ suffix: ".mo" });
 * await Deno.writeFile(path, encodeMo([{ msgid: "Open", msgstr: ["Öffnen"] }]));
 * assert((await readMo(path)).messages.length === 1);
 * ```
 */
export async function readMo(path: string): Promise<MoCatalog> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new InputError(`Cannot read ${path}: the file does not exist`, { cause: error });
    }
    throw error;
  }
  return parseMo(bytes, path);
}

/** Options of {@linkcode encodeMo}. */
export interface EncodeMoOptions {
  /** Header fields (default: UTF-8 `Content-Type` only). */
  header?: Record<string, string>;
  /** Write big-endian (default little-endian). */
  bigEndian?: boolean;
}

/**
 * Writes messages as a `.mo` file (UTF-8, sorted by original string as msgfmt
 * does, no hash table).
 *
 * @param messages The messages.
 * @param options Header fields, byte order.
 * @returns The file's bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeMo, parseMo } from "./mo_file.ts";
 * const mo = encodeMo([{ msgid: "%d file", msgidPlural: "%d files", msgstr: ["%d Datei", "%d Dateien"] }]);
 * assert(parseMo(mo).messages[0].msgstr[1] === "%d Dateien");
 * ```
 */
export function encodeMo(
  messages: readonly MoMessage[],
  options: EncodeMoOptions = {},
): Uint8Array {
  const header = options.header ?? { "Content-Type": "text/plain; charset=UTF-8" };
  const headerText = Object.entries(header).map(([k, v]) => `${k}: ${v}\n`).join("");
  const encoder = new TextEncoder();
  const entries: [Uint8Array, Uint8Array][] = [[new Uint8Array(0), encoder.encode(headerText)]];
  for (const m of messages) {
    const original = (m.context !== undefined ? `${m.context}\x04` : "") + m.msgid +
      (m.msgidPlural !== undefined ? `\0${m.msgidPlural}` : "");
    entries.push([encoder.encode(original), encoder.encode(m.msgstr.join("\0"))]);
  }
  const compare = (a: Uint8Array, b: Uint8Array) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  };
  entries.sort((a, b) => compare(a[0], b[0]));
  const n = entries.length;
  const origins = 28, translations = origins + 8 * n;
  let size = translations + 8 * n;
  const offsets: number[][] = entries.map(([o, t]) => {
    const at = [size, size + o.length + 1];
    size += o.length + 1 + t.length + 1;
    return at;
  });
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const little = !options.bigEndian;
  const put = (at: number, v: number) => view.setUint32(at, v, little);
  put(0, MAGIC);
  put(4, 0);
  put(8, n);
  put(12, origins);
  put(16, translations);
  put(20, 0);
  put(24, translations + 8 * n);
  entries.forEach(([o, t], i) => {
    put(origins + 8 * i, o.length);
    put(origins + 8 * i + 4, offsets[i][0]);
    put(translations + 8 * i, t.length);
    put(translations + 8 * i + 4, offsets[i][1]);
    bytes.set(o, offsets[i][0]);
    bytes.set(t, offsets[i][1]);
  });
  return bytes;
}
