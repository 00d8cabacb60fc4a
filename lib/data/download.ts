/**
 * Downloading datasets: resumable HTTP downloads (Range requests on a `.part`
 * file), checksum verification (a mismatch deletes the partial file), atomic
 * rename into place, archive extraction, and a status check of what is
 * already in the data directory.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { basename, dirname, join, normalize } from "node:path";
import { InputError } from "../util/errors.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { Progress } from "../util/progress.ts";
import { extractZipEntry, listZip } from "./archive.ts";
import type { Checksum, DatasetSource, MemberExtraction, SourceFile } from "./sources.ts";

/** A download that failed: HTTP error, network error, corrupted or truncated file. */
export class DownloadError extends InputError {
  /**
   * @param message What failed, naming the URL and what to do.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DownloadError";
  }
}

/** Options of the download functions. */
export interface DownloadOptions {
  /** No progress bar (default: `XLIR_QUIET=1`). */
  quiet?: boolean;
  /** Where notes and warnings go (default: `console.error`). */
  log?: (line: string) => void;
}

/** What {@linkcode downloadFile} did. */
export interface DownloadResult {
  /** Size of the file now in place. */
  bytes: number;
  /** Bytes kept from an earlier partial download (0 when none). */
  resumedFrom: number;
  /** sha256 (or md5, when that is the checksum) of the file, hex. */
  digest: string;
}

type Algo = "sha256" | "md5";

function algoOf(checksum: Checksum): Algo {
  return "md5" in checksum ? "md5" : "sha256";
}

function expectedOf(checksum: Checksum): string | null {
  return "md5" in checksum ? checksum.md5 : checksum.sha256;
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await Deno.stat(path)).size;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/**
 * Hashes a file, streamed.
 *
 * @param path The file.
 * @param algo `"sha256"` or `"md5"`.
 * @returns The lowercase hex digest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hashFile } from "./download.ts";
 * const p = await Deno.makeTempFile();
 * assert(await hashFile(p, "md5") === "d41d8cd98f00b204e9800998ecf8427e");
 * ```
 */
export async function hashFile(path: string, algo: Algo): Promise<string> {
  const hash = createHash(algo);
  using file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

/** The state of one expected file in the data directory. */
export type FileState =
  /** Present and its checksum matches. */
  | "verified"
  /** Present; no checksum to check it against. */
  | "present"
  /** Present but its checksum differs. */
  | "mismatch"
  /** Absent, with a `.part` file from an interrupted download. */
  | "partial"
  /** Absent. */
  | "missing";

/**
 * Checks a file against a checksum.
 *
 * @param path The file.
 * @param checksum What it should hash to.
 * @returns Its {@linkcode FileState}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFile } from "./download.ts";
 * const p = await Deno.makeTempFile();
 * assert(await checkFile(p, { md5: "d41d8cd98f00b204e9800998ecf8427e" }) === "verified");
 * ```
 */
export async function checkFile(path: string, checksum: Checksum): Promise<FileState> {
  if ((await sizeOf(path)) === null) {
    return (await sizeOf(`${path}.part`)) === null ? "missing" : "partial";
  }
  const expected = expectedOf(checksum);
  if (expected === null) return "present";
  return (await hashFile(path, algoOf(checksum))) === expected.toLowerCase()
    ? "verified"
    : "mismatch";
}

function contentRangeStart(header: string | null): number | null {
  const m = header?.match(/^bytes (\d+)-\d+\/(\d+|\*)$/);
  return m ? Number(m[1]) : null;
}

async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await file.write(data.subarray(off));
}

/**
 * Downloads `url` to `dest`, resumably and verified. Bytes go to
 * `dest + ".part"`; when that file exists from an interrupted run the
 * download resumes with an HTTP Range request (a server that ignores it makes
 * the download start again from zero). The finished file is checked against
 * `checksum`: on a match it is renamed onto `dest` (atomic), on a mismatch
 * the `.part` file is deleted and a {@linkcode DownloadError} is thrown. With
 * no checksum (`sha256: null`) a warning is logged with the reason.
 *
 * @param url Where to fetch from.
 * @param dest Final path (parents are created).
 * @param checksum Expected sha256/md5, or `sha256: null` with a reason.
 * @param options See {@linkcode DownloadOptions}.
 * @returns Size, resumed bytes and digest.
 * @throws {DownloadError} On an HTTP error, a network error (the `.part` file
 * is kept to resume), a truncated body, or a checksum mismatch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createHash } from "node:crypto";
 * import { downloadFile } from "./download.ts";
 * // A local server stands in for the dataset's host (e.g. BEIR's scifact.zip with its md5).
 * const body = new TextEncoder().encode("the cat sat on the mat.\n");
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Response(body));
 * const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/scifact.zip`;
 * const dir = await Deno.makeTempDir();
 * const md5 = createHash("md5").update(body).digest("hex");
 * const got = await downloadFile(url, `${dir}/beir/scifact.zip`, { md5 }, { quiet: true });
 * assert.deepEqual(got, { bytes: body.length, resumedFrom: 0, digest: md5 });
 * await server.shutdown();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function downloadFile(
  url: string,
  dest: string,
  checksum: Checksum,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const quiet = options.quiet ?? Deno.env.get("XLIR_QUIET") === "1";
  const part = `${dest}.part`;
  const algo = algoOf(checksum);
  const expected = expectedOf(checksum)?.toLowerCase() ?? null;

  const finish = async (digest: string, resumedFrom: number): Promise<DownloadResult> => {
    if (expected !== null && digest !== expected) {
      await Deno.remove(part).catch(() => {});
      throw new DownloadError(
        `Corrupted download of ${url}: ${algo} is ${digest}, expected ${expected}. ` +
          `The partial file was deleted; run the download again.`,
      );
    }
    if (expected === null) {
      log(
        `warning: ${basename(dest)} is not verified (${
          (checksum as { reason: string }).reason
        }); its sha256 is ${digest}`,
      );
    }
    await Deno.rename(part, dest);
    return { bytes: (await sizeOf(dest)) ?? 0, resumedFrom, digest };
  };

  let offset = (await sizeOf(part)) ?? 0;
  for (let attempt = 0;; attempt++) {
    const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    let res: Response;
    try {
      res = await fetch(url, { headers });
    } catch (err) {
      throw new DownloadError(`Cannot download ${url}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (res.status === 416 && offset > 0 && attempt === 0) {
      // Range not satisfiable: the part may already hold the whole file.
      await res.body?.cancel();
      const digest = await hashFile(part, algo);
      if (expected !== null && digest === expected) return await finish(digest, offset);
      await Deno.remove(part);
      offset = 0;
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new DownloadError(`Cannot download ${url}: HTTP ${res.status} ${res.statusText}`);
    }
    let append = false;
    if (offset > 0) {
      if (res.status === 206 && contentRangeStart(res.headers.get("content-range")) === offset) {
        append = true;
        log(`resuming ${basename(dest)} at byte ${offset}`);
      } else if (res.status === 206) {
        // A range we did not ask for: drop everything and ask for the whole file.
        await res.body?.cancel();
        await Deno.remove(part).catch(() => {});
        offset = 0;
        if (attempt > 0) throw new DownloadError(`Cannot download ${url}: bad range response`);
        continue;
      } else {
        log(`the server ignored the range request for ${basename(dest)}; starting from zero`);
        offset = 0;
      }
    }
    await Deno.mkdir(dirname(dest), { recursive: true });
    const hash = createHash(algo);
    if (append) {
      using old = await Deno.open(part, { read: true });
      for await (const chunk of old.readable) hash.update(chunk);
    }
    const length = Number(res.headers.get("content-length") ?? NaN);
    const bar = new Progress(basename(dest), Number.isFinite(length) ? length : 0, {
      unit: "B",
      quiet,
    });
    let received = 0;
    {
      using out = await Deno.open(
        part,
        append ? { append: true } : {
          write: true,
          create: true,
          truncate: true,
        },
      );
      try {
        for await (const chunk of res.body ?? new ReadableStream<Uint8Array>()) {
          await writeAll(out, chunk);
          hash.update(chunk);
          received += chunk.length;
          bar.tick(chunk.length);
        }
      } catch (err) {
        throw new DownloadError(
          `Download of ${url} was interrupted after ${offset + received} bytes ` +
            `(${(err as Error).message}); run it again to resume.`,
          { cause: err },
        );
      }
    }
    bar.done();
    if (Number.isFinite(length) && received !== length) {
      throw new DownloadError(
        `Download of ${url} was cut short: got ${received} of ${length} bytes; ` +
          `run it again to resume.`,
      );
    }
    return await finish(hash.digest("hex"), append ? offset : 0);
  }
}

/** One output of a dataset file and its state. */
export interface OutputStatus {
  /** Path relative to the data directory. */
  path: string;
  /** See {@linkcode FileState}. */
  state: FileState;
}

function isMember(x: unknown): x is MemberExtraction {
  return typeof (x as MemberExtraction).member === "string";
}

function markerPath(file: SourceFile, dataDir: string): string {
  return join(dataDir, `${file.path}.extracted.json`);
}

interface Marker {
  url: string;
  checksum: Checksum;
  files: string[];
}

async function readMarker(path: string): Promise<Marker | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as Marker;
  } catch {
    return null;
  }
}

async function dirHasFiles(path: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(path)) return true;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return false;
}

/**
 * The state of what a dataset file puts in the data directory: the file
 * itself, or for an archive the files it is unpacked to (checked against
 * their sha256 when known; an archive unpacked by prefix counts as verified
 * when the record written at extraction lists its files).
 *
 * @param file A {@linkcode SourceFile}.
 * @param dataDir The data directory.
 * @returns One status per output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileStatus } from "./download.ts";
 * const dir = await Deno.makeTempDir();
 * const [s] = await fileStatus({ url: "x", path: "a.txt", checksum: { sha256: null, reason: "-" } }, dir);
 * assert(s.state === "missing");
 * ```
 */
export async function fileStatus(file: SourceFile, dataDir: string): Promise<OutputStatus[]> {
  if (!file.extract) {
    return [{ path: file.path, state: await checkFile(join(dataDir, file.path), file.checksum) }];
  }
  const out: OutputStatus[] = [];
  const marker = await readMarker(markerPath(file, dataDir));
  for (const rule of file.extract) {
    if (isMember(rule)) {
      const checksum: Checksum = rule.sha256
        ? { sha256: rule.sha256 }
        : { sha256: null, reason: "extracted member" };
      out.push({ path: rule.path, state: await checkFile(join(dataDir, rule.path), checksum) });
      continue;
    }
    const listed = marker?.files.filter((f) => f.startsWith(rule.dir));
    if (listed && listed.length > 0) {
      for (const f of listed) {
        const there = (await sizeOf(join(dataDir, f))) !== null;
        out.push({ path: f, state: there ? "verified" : "missing" });
      }
    } else {
      const there = await dirHasFiles(join(dataDir, rule.dir));
      const partial = (await sizeOf(join(dataDir, `${file.path}.part`))) !== null;
      out.push({ path: rule.dir, state: there ? "present" : partial ? "partial" : "missing" });
    }
  }
  return out;
}

const OK_STATES: ReadonlySet<FileState> = new Set(["verified", "present"]);

function safeRelative(name: string): boolean {
  if (name.startsWith("/") || name.includes("\\")) return false;
  return !normalize(name).split("/").includes("..");
}

async function extractArchive(
  file: SourceFile,
  dataDir: string,
  log: (line: string) => void,
): Promise<string[]> {
  const archive = join(dataDir, file.path);
  const entries = await listZip(archive);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const written: string[] = [];
  for (const rule of file.extract ?? []) {
    if (isMember(rule)) {
      const entry = byName.get(rule.member);
      if (!entry) {
        const near = entries.filter((e) => e.name.endsWith(basename(rule.member))).map((e) =>
          e.name
        );
        throw new DownloadError(
          `${file.url}: archive has no member ${rule.member}` +
            (near.length ? ` (similar: ${near.slice(0, 3).join(", ")})` : ""),
        );
      }
      const dest = join(dataDir, rule.path);
      const { sha256 } = await extractZipEntry(archive, entry, dest);
      if (rule.sha256 && sha256 !== rule.sha256) {
        await Deno.remove(dest).catch(() => {});
        throw new DownloadError(
          `${file.url}: extracted ${rule.member} has sha256 ${sha256}, expected ${rule.sha256}`,
        );
      }
      written.push(rule.path);
      continue;
    }
    let n = 0;
    for (const entry of entries) {
      if (!entry.name.startsWith(rule.prefix) || entry.name.endsWith("/")) continue;
      const rest = entry.name.slice(rule.prefix.length);
      if (!safeRelative(rest)) {
        throw new DownloadError(
          `${file.url}: refusing archive member with unsafe path ${entry.name}`,
        );
      }
      const rel = join(rule.dir, rest);
      await extractZipEntry(archive, entry, join(dataDir, rel));
      written.push(rel);
      n++;
    }
    if (n === 0) {
      throw new DownloadError(`${file.url}: archive has no members under ${rule.prefix}`);
    }
  }
  log(`extracted ${written.length} files from ${basename(file.path)}`);
  return written;
}

/** What happened to one dataset file in {@linkcode downloadDataset}. */
export interface FileOutcome {
  /** The file's destination (relative). */
  path: string;
  /** `"skipped"`: already present; `"downloaded"`: fetched (and unpacked). */
  action: "skipped" | "downloaded";
}

/**
 * Downloads every file of a dataset into `dataDir`, skipping files already
 * present with the right checksum, unpacking archives (then deleting them).
 *
 * @param dataset A {@linkcode DatasetSource}.
 * @param dataDir The data directory.
 * @param options See {@linkcode DownloadOptions}.
 * @returns What was done per file.
 * @throws {DownloadError} On the first file that fails (files already done stay in place).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createHash } from "node:crypto";
 * import { downloadDataset } from "./download.ts";
 * import type { DatasetSource } from "./sources.ts";
 * // A local server stands in for the host of a registry entry such as SOURCES["xquad-r"].
 * const body = new TextEncoder().encode('{"version": "1.0", "data": []}');
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Response(body));
 * const dataset: DatasetSource = {
 *   name: "toy", description: "one file", license: "-", homepage: "-",
 *   files: [{
 *     url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/en.json`,
 *     path: "toy/en.json",
 *     checksum: { sha256: createHash("sha256").update(body).digest("hex") },
 *   }],
 * };
 * const dataDir = await Deno.makeTempDir();
 * const log = () => {};
 * assert.deepEqual(await downloadDataset(dataset, dataDir, { quiet: true, log }), [
 *   { path: "toy/en.json", action: "downloaded" },
 * ]);
 * // Present with the right checksum: skipped.
 * assert.equal((await downloadDataset(dataset, dataDir, { quiet: true, log }))[0].action, "skipped");
 * await server.shutdown();
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function downloadDataset(
  dataset: DatasetSource,
  dataDir: string,
  options: DownloadOptions = {},
): Promise<FileOutcome[]> {
  const log = options.log ?? ((line: string) => console.error(line));
  const outcomes: FileOutcome[] = [];
  for (const file of dataset.files) {
    const status = await fileStatus(file, dataDir);
    if (status.every((s) => OK_STATES.has(s.state))) {
      outcomes.push({ path: file.path, action: "skipped" });
      continue;
    }
    const bad = status.find((s) => s.state === "mismatch");
    if (bad) log(`${bad.path} does not match its checksum; downloading it again`);
    const dest = join(dataDir, file.path);
    log(`download ${file.url}\n      -> ${dest}`);
    if (!file.extract) {
      await downloadFile(file.url, dest, file.checksum, options);
    } else {
      const have = await checkFile(dest, file.checksum);
      if (have !== "verified" && have !== "present") {
        await downloadFile(file.url, dest, file.checksum, options);
      }
      let files: string[];
      try {
        files = await extractArchive(file, dataDir, log);
      } catch (err) {
        // An archive that cannot be verified is not kept: the next run fetches it again.
        if (expectedOf(file.checksum) === null) await Deno.remove(dest).catch(() => {});
        throw err;
      }
      await writeJsonAtomic(
        markerPath(file, dataDir),
        {
          url: file.url,
          checksum: file.checksum,
          files,
        } satisfies Marker,
      );
      await Deno.remove(dest);
    }
    outcomes.push({ path: file.path, action: "downloaded" });
  }
  return outcomes;
}
