/**
 * Composite objects: a completed multipart upload stays on disk as its part files plus a
 * manifest, in a directory at the object's address, so completing an upload costs a rename
 * instead of a second copy of the bytes. Part files are named `<NNNNN>.<md5>` and never written
 * to once in place (every write goes temp → rename), so copies can hard-link them. Manifest
 * entries must be bare part-file names: a read never leaves the object's directory, and never
 * follows a symlink.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, openSync } from "node:fs";
import { link, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  commitFile,
  fileRangeStream,
  hashFile,
  readFullySync,
  renameDurably,
  writeTempFile,
} from "./files.js";

/** The manifest's name inside a composite object's directory. */
export const MANIFEST_FILE = "manifest.json";

const MANIFEST_VERSION = 1;
/** Far more than 10,000 parts need; a bogus huge manifest is refused before it is read. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const PART_FILE = /^(\d{5})\.([0-9a-f]{32})$/;
const READ_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;

/** A composite object's manifest or parts are missing or inconsistent (the store answers 410). */
export class CorruptComposite extends Error {}

export interface CompositePart {
  /** File name inside the object's directory: `<5-digit part number>.<md5 hex>`. */
  readonly name: string;
  readonly size: number;
}

export interface Manifest {
  /** Total bytes: the sum of the part sizes. */
  readonly size: number;
  /** The multipart ETag: MD5 of the binary part MD5s + `-<count>`. */
  readonly etag: string;
  /** In object order (ascending part numbers). */
  readonly parts: readonly CompositePart[];
}

/** `<5-digit part number>.`: every stored version of a part number starts with it. */
export const partFilePrefix = (partNumber: number) => `${String(partNumber).padStart(5, "0")}.`;

/** The file name a part with these bytes is stored under. */
export const partFileName = (partNumber: number, md5: string) => partFilePrefix(partNumber) + md5;

/** S3's multipart ETag: MD5 of the concatenated binary part MD5s, then `-<part count>`. */
export function multipartEtag(partMd5s: readonly string[]): string {
  const digests = Buffer.concat(partMd5s.map((md5) => Buffer.from(md5, "hex")));
  return `${createHash("md5").update(digests).digest("hex")}-${partMd5s.length}`;
}

/** The manifest of an object made of `parts`, in order. */
export function manifestOf(parts: readonly CompositePart[]): Manifest {
  return {
    size: parts.reduce((total, part) => total + part.size, 0),
    etag: multipartEtag(parts.map((part) => part.name.slice(-32))),
    parts,
  };
}

/** Writes `manifest` into `dir` durably (temp file, fsync, rename, directory fsync). */
export async function writeManifest(
  dir: string,
  manifest: Manifest,
  tmpDir: string,
): Promise<void> {
  const text = JSON.stringify({ version: MANIFEST_VERSION, ...manifest });
  const written = await writeTempFile(tmpDir, Readable.from([Buffer.from(text)]));
  await commitFile(written.path, join(dir, MANIFEST_FILE));
}

/** One part's share of a byte range: part index and inclusive offsets inside that part. */
interface PartSpan {
  readonly index: number;
  readonly from: number;
  readonly to: number;
}

/** A composite object on disk, read through its validated manifest. */
export class CompositeObject {
  /** Offset of each part's first byte within the object. */
  private readonly offsets: number[] = [];

  private constructor(
    /** The object's directory, symlinks already resolved. */
    readonly dir: string,
    readonly manifest: Manifest,
  ) {
    let offset = 0;
    for (const part of manifest.parts) {
      this.offsets.push(offset);
      offset += part.size;
    }
  }

  /** Reads and validates the manifest in `dir`; throws `CorruptComposite` when it is unusable. */
  static load(dir: string): CompositeObject {
    const fd = openNoFollow(join(dir, MANIFEST_FILE), "manifest");
    try {
      const { size } = fstatSync(fd);
      if (size > MAX_MANIFEST_BYTES) throw new CorruptComposite("manifest is too large");
      const bytes = Buffer.allocUnsafe(size);
      const text = bytes.toString("utf8", 0, readFullySync(fd, bytes, 0, size, 0));
      return new CompositeObject(dir, parseManifest(text));
    } finally {
      closeSync(fd);
    }
  }

  get size(): number {
    return this.manifest.size;
  }

  /** Checks that every part is a regular file of its recorded size (`CorruptComposite` if not). */
  verify(): void {
    for (const part of this.manifest.parts) checkPart(this.dir, part);
  }

  /** Bytes `start..end` (inclusive) in one buffer, read synchronously (for small reads). */
  read(start: number, end: number): Buffer {
    const bytes = Buffer.allocUnsafe(Math.max(0, end - start + 1));
    let filled = 0;
    for (const span of this.spans(start, end)) {
      const fd = this.openPart(span.index);
      try {
        const length = span.to - span.from + 1;
        if (readFullySync(fd, bytes, filled, length, span.from) !== length) {
          throw new CorruptComposite(`part ${this.manifest.parts[span.index]!.name} is truncated`);
        }
        filled += length;
      } finally {
        closeSync(fd);
      }
    }
    return bytes;
  }

  /**
   * Streams bytes `start..end` (inclusive), opening each part only when the stream reaches it
   * and closing it when done or destroyed. The parts are verified before the stream is made.
   */
  stream(start: number, end: number): Readable {
    const spans = [...this.spans(start, end)];
    for (const { index } of spans) checkPart(this.dir, this.manifest.parts[index]!);
    return Readable.from(this.chunks(spans), { objectMode: false });
  }

  /** Nothing stays open between reads: parts are opened per read. */
  close(): void {}

  /**
   * Puts a copy of this object at `dest`: hard links to the parts (they are never rewritten) and
   * a new manifest, assembled in a directory under `tmpDir`, then renamed into place durably.
   */
  async copyTo(dest: string, tmpDir: string): Promise<void> {
    this.verify();
    const staging = join(tmpDir, randomBytes(16).toString("hex"));
    await mkdir(staging);
    try {
      for (const { name } of this.manifest.parts) {
        await link(join(this.dir, name), join(staging, name));
      }
      await writeManifest(staging, this.manifest, tmpDir);
      await renameDurably(staging, dest);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      throw code === "ENOENT" ? new CorruptComposite("a part disappeared while copying") : err;
    }
  }

  /** Re-reads every part and lists what is wrong with it (empty when intact); for `fsck`. */
  async damagedParts(): Promise<string[]> {
    const problems: string[] = [];
    for (const part of this.manifest.parts) {
      try {
        checkPart(this.dir, part);
      } catch (err) {
        problems.push((err as Error).message);
        continue;
      }
      const { md5 } = await hashFile(join(this.dir, part.name));
      if (md5 !== part.name.slice(-32)) problems.push(`part ${part.name} has MD5 ${md5}`);
    }
    return problems;
  }

  /** The parts overlapping `start..end`, in order, skipping empty ones. */
  private *spans(start: number, end: number): Generator<PartSpan> {
    const { parts } = this.manifest;
    for (
      let index = this.partAt(start), offset = start;
      offset <= end && index < parts.length;
      index++
    ) {
      const partStart = this.offsets[index]!;
      const partEnd = partStart + parts[index]!.size - 1;
      if (partEnd < offset) continue;
      const to = Math.min(end, partEnd);
      yield { index, from: offset - partStart, to: to - partStart };
      offset = to + 1;
    }
  }

  /** Index of the last part starting at or before `offset` (binary search). */
  private partAt(offset: number): number {
    let low = 0;
    let high = this.offsets.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.offsets[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  private async *chunks(spans: readonly PartSpan[]): AsyncGenerator<Buffer> {
    for (const { index, from, to } of spans) {
      const part = fileRangeStream(this.openPart(index), from, to);
      try {
        for await (const chunk of part) yield chunk as Buffer;
      } finally {
        part.destroy();
      }
    }
  }

  /** Opens a part read-only, checking it is still a regular file of its recorded size. */
  private openPart(index: number): number {
    const { name, size } = this.manifest.parts[index]!;
    const fd = openNoFollow(join(this.dir, name), `part ${name}`);
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size !== size) {
      closeSync(fd);
      throw new CorruptComposite(`part ${name} is not a file of ${size} bytes`);
    }
    return fd;
  }
}

/** Throws `CorruptComposite` unless the part is a regular file (not a symlink) of its size. */
function checkPart(dir: string, { name, size }: CompositePart): void {
  const stat = lstatSync(join(dir, name), { throwIfNoEntry: false });
  if (stat === undefined) throw new CorruptComposite(`part ${name} is missing`);
  if (!stat.isFile() || stat.size !== size) {
    throw new CorruptComposite(`part ${name} is not a file of ${size} bytes`);
  }
}

/** Opens `path` read-only without following a final symlink; `CorruptComposite` on failure. */
function openNoFollow(path: string, what: string): number {
  try {
    return openSync(path, READ_NO_FOLLOW);
  } catch (err) {
    throw new CorruptComposite(`${what} cannot be opened (${(err as NodeJS.ErrnoException).code})`);
  }
}

/** Parses a manifest, refusing anything but ascending bare part names with consistent totals. */
function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CorruptComposite("manifest is not valid JSON");
  }
  const record = isRecord(raw) ? raw : {};
  if (record.version !== MANIFEST_VERSION || !Array.isArray(record.parts)) {
    throw new CorruptComposite(`manifest is not a version ${MANIFEST_VERSION} manifest`);
  }
  if (record.parts.length === 0) throw new CorruptComposite("manifest lists no parts");
  let previous = "";
  const parts = record.parts.map((part: unknown, i: number): CompositePart => {
    const name = isRecord(part) ? part.name : undefined;
    const size = isRecord(part) ? part.size : undefined;
    if (typeof name !== "string" || !PART_FILE.test(name)) {
      throw new CorruptComposite(`manifest part ${i + 1}: not a part file name`);
    }
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
      throw new CorruptComposite(`manifest part ${i + 1}: bad size`);
    }
    const partNumber = name.slice(0, 5);
    if (partNumber <= previous) {
      throw new CorruptComposite("manifest parts are not in ascending order");
    }
    previous = partNumber;
    return { name, size };
  });
  const manifest = manifestOf(parts);
  if (record.size !== manifest.size || record.etag !== manifest.etag) {
    throw new CorruptComposite("manifest size or ETag does not match its parts");
  }
  return manifest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
