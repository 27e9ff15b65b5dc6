/**
 * Object bytes on the local filesystem, confined to one root directory (`<dataDir>/block`).
 * Storage namespace `local://a/b` is the directory `<root>/a/b`; objects live at unique addresses
 * `data/<partition>/<id>` inside it. Every write goes to `<root>/.tmp` first and is renamed into
 * place only once complete and fsynced, so readers never see partial objects. A completed
 * multipart upload is a composite object: a directory of parts plus a manifest (`composite.ts`).
 */

import { randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readdirSync, rmSync, statSync } from "node:fs";
import { copyFile, open, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { mkdirDurableSync } from "../core/durable.js";
import type { Entry } from "../core/entry.js";
import { badRequest, EngineError } from "../core/errors.js";
import { AddressAllocator } from "./address.js";
import { CompositeObject, CorruptComposite } from "./composite.js";
import {
  commitFile,
  fileRangeStream,
  readFullySync,
  type WriteOptions,
  writeTempFile,
} from "./files.js";
import { type ImportSourceCheck, type ImportSourceType, resolveImportSource } from "./import.js";
import { importEntries } from "./import-walk.js";
import {
  type CompleteOptions,
  MultipartUploads,
  type StoredPart,
  type UploadDescription,
} from "./multipart.js";
import {
  assertResolvesInside,
  isInside,
  MAX_ABSOLUTE_PATH_BYTES,
  realpathOrSelf,
  safeSegments,
} from "./paths.js";

export const LOCAL_SCHEME = "local://";

/** Temp files older than this at startup are leftovers of interrupted writes. */
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;
/** Reads up to this size are served from one buffer instead of a file stream. */
const SMALL_READ_BYTES = 64 * 1024;

export interface BlockStoreOptions {
  /** Absolute directories imports may read from (and full addresses may point into). */
  readonly importRoots?: readonly string[];
}

export interface PutOptions extends WriteOptions {
  /** Write to this address (e.g. one handed out for a presigned PUT) instead of a new one. */
  readonly address?: string | undefined;
}

export interface StoredObject {
  /** Relative to the namespace directory. */
  readonly address: string;
  readonly size: number;
  /** Lowercase hex MD5 (multipart: MD5 of the part MD5s + `-<count>`). */
  readonly etag: string;
}

/** Where an entry's bytes are: only these two fields matter to the block store. */
export interface CompleteMultipartOptions extends CompleteOptions {
  /** When given, an upload of another namespace or address is refused (400). */
  readonly owner?: UploadOwner | undefined;
}

/** Who may complete a multipart upload: its namespace and, when the caller names one, its address. */
export interface UploadOwner {
  readonly nsDir: string;
  /** Relative address the caller claims the upload writes (checked when given). */
  readonly address?: string | undefined;
}

export type EntryLocation = Pick<Entry, "address" | "addressType">;

/** Inclusive byte range; `end` past the object is clamped, omitted means "to the end". */
export interface ByteRange {
  readonly start: number;
  readonly end?: number | undefined;
}

/** An object's bytes, open for reading: a regular file or a composite object. */
interface ObjectBytes {
  readonly size: number;
  /** Bytes `start..end` (inclusive) in one buffer. */
  read(start: number, end: number): Buffer;
  /** Streams bytes `start..end` (inclusive); the stream owns what it reads from. */
  stream(start: number, end: number): Readable;
  /** Releases what is held open, unless `stream` took it over. */
  close(): void;
}

export class LocalBlockStore {
  readonly root: string;
  private readonly realRoot: string;
  private readonly tmpDir: string;
  private readonly importRoots: readonly string[];
  private readonly addresses = new AddressAllocator();
  private readonly multipart: MultipartUploads;

  constructor(root: string, options: BlockStoreOptions = {}) {
    this.root = resolve(root);
    this.tmpDir = join(this.root, ".tmp");
    mkdirDurableSync(this.tmpDir); // and the block root, which holds every namespace
    this.realRoot = realpathOrSelf(this.root);
    this.importRoots = realPaths(options.importRoots ?? []);
    this.multipart = new MultipartUploads(join(this.root, ".multipart"), this.tmpDir);
    removeStaleTempFiles(this.tmpDir);
  }

  /**
   * Maps a storage namespace `local://<relative path>` to its directory under the root. Anything
   * else (other schemes, absolute paths, `..`, NUL, backslashes, symlinks leading out, over-long
   * names, the store's own `.`-prefixed directories) is a 400.
   */
  namespaceDir(namespace: string): string {
    if (!namespace.startsWith(LOCAL_SCHEME)) {
      throw badRequest(`storage namespace ${JSON.stringify(namespace)}: expected local://<path>`);
    }
    const what = "storage namespace";
    // Clients build namespaces as `${default_namespace_prefix}/${name}`, i.e. `local:///name`:
    // as in lakeFS, that path is relative to the block root too, never the filesystem root.
    const path = namespace.slice(LOCAL_SCHEME.length).replace(/^\/+/, "");
    const segments = safeSegments(path, what);
    if (segments[0]!.startsWith(".")) {
      throw badRequest(`${what}: names starting with "." are reserved`);
    }
    const dir = join(this.root, ...segments);
    assertResolvesInside(dir, this.realRoot, what);
    return dir;
  }

  /** Marks a namespace as used by a repository (`_lakefs/dummy`). */
  async writeDummy(nsDir: string): Promise<void> {
    await this.writeNamespaceFile(nsDir, "_lakefs/dummy", "dummy\n");
  }

  /**
   * Durably writes a small file the server generates (e.g. symlink manifests) at `path` in the
   * namespace, replacing an earlier one. `path` is confined like any address (else 400).
   */
  async writeNamespaceFile(
    nsDir: string,
    path: string,
    content: string | Uint8Array,
  ): Promise<void> {
    const dest = join(nsDir, ...safeSegments(path, "path", MAX_ABSOLUTE_PATH_BYTES));
    assertResolvesInside(dest, this.realRoot, "path");
    const bytes = typeof content === "string" ? Buffer.from(content) : content;
    const written = await writeTempFile(this.tmpDir, Readable.from([bytes]));
    await commitFile(written.path, dest);
  }

  /** True when a repository already uses this namespace. */
  async hasDummy(nsDir: string): Promise<boolean> {
    try {
      return (await stat(join(nsDir, "_lakefs", "dummy"))).isFile();
    } catch {
      return false;
    }
  }

  /** A fresh unique address (relative to a namespace) for a later `put` with `{ address }`. */
  newAddress(): string {
    return this.addresses.next();
  }

  /**
   * Streams `source` durably to a new unique address in the namespace (or `options.address`,
   * which must lie under `data/`). On abort or error nothing becomes visible and the temp file
   * is removed.
   */
  async put(
    nsDir: string,
    source: AsyncIterable<Uint8Array>,
    options: PutOptions = {},
  ): Promise<StoredObject> {
    const address = options.address ?? this.addresses.next();
    // Only object data may be written this way, never the repository's own `_lakefs` files.
    if (!address.startsWith("data/")) throw badRequest("physical address: must be under data/");
    const dest = this.relativePath(nsDir, address);
    const written = await writeTempFile(this.tmpDir, source, options);
    await commitFile(written.path, dest);
    return { address, size: written.size, etag: written.md5 };
  }

  /**
   * Opens an object's bytes (optionally a range). `size` is the whole object's size. Missing
   * data → 410 `No data`; a range starting past the end → 416. The caller must consume or
   * destroy the stream. Small reads also come as `bytes` (the same content, already read).
   */
  async open(
    nsDir: string,
    entry: EntryLocation,
    range?: ByteRange,
  ): Promise<{ stream: Readable; bytes?: Buffer; size: number }> {
    // Synchronous open/stat/read: a few microseconds on local disk, where each async call would
    // cost a thread-pool round trip — the bulk of a small object's read latency.
    const object = this.openObject(nsDir, entry);
    let streaming = false;
    try {
      const { size } = object;
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? size - 1, size - 1);
      const wellFormed = Number.isSafeInteger(start) && start >= 0 && Number.isSafeInteger(end);
      if (range !== undefined && (!wellFormed || start > end)) {
        throw new EngineError("range_not_satisfiable", "Requested Range Not Satisfiable");
      }
      if (end - start + 1 > SMALL_READ_BYTES) {
        const stream = object.stream(start, end);
        streaming = true;
        return { stream, size };
      }
      const bytes = object.read(start, end);
      return { stream: Readable.from([bytes]), bytes, size };
    } catch (err) {
      throw err instanceof CorruptComposite ? noData() : err;
    } finally {
      if (!streaming) object.close();
    }
  }

  /** The object's current size in bytes (410 `No data` when missing). */
  async size(nsDir: string, entry: EntryLocation): Promise<number> {
    const object = this.openObject(nsDir, entry);
    try {
      if (object instanceof CompositeObject) object.verify();
      return object.size;
    } catch (err) {
      throw err instanceof CorruptComposite ? noData() : err;
    } finally {
      object.close();
    }
  }

  /**
   * Copies an object's bytes to a new unique address in the namespace. A composite object's
   * copy hard-links its parts rather than copying them.
   */
  async copy(nsDir: string, entry: EntryLocation): Promise<{ address: string }> {
    const source = this.readablePath(nsDir, entry);
    const address = this.addresses.next();
    const dest = this.relativePath(nsDir, address);
    if (statSync(source, { throwIfNoEntry: false })?.isDirectory()) {
      try {
        await this.composite(source).copyTo(dest, this.tmpDir);
      } catch (err) {
        throw err instanceof CorruptComposite ? noData() : err;
      }
      return { address };
    }
    const tmp = join(this.tmpDir, randomBytes(16).toString("hex"));
    try {
      await copyFile(source, tmp, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL);
      const handle = await open(tmp, "r+");
      await handle.sync().finally(() => handle.close());
    } catch (err) {
      await rm(tmp, { force: true });
      throw isMissing(err) ? noData() : err;
    }
    await commitFile(tmp, dest);
    return { address };
  }

  /** How the HTTP API shows an address: `local://<absolute path>`. */
  physicalAddress(nsDir: string, entry: EntryLocation): string {
    return entry.addressType === "full"
      ? entry.address
      : LOCAL_SCHEME + this.entryPath(nsDir, entry);
  }

  /**
   * Parses an address a client asks to link: `local://<absolute path>` inside the namespace
   * becomes relative, one under an import root stays full, a bare relative path is checked;
   * anything else is a 400.
   */
  linkableAddress(nsDir: string, physicalAddress: string): EntryLocation {
    if (!physicalAddress.startsWith(LOCAL_SCHEME)) {
      return {
        address: safeSegments(physicalAddress, "physical address").join("/"),
        addressType: "relative",
      };
    }
    const path = parseLocalPath(physicalAddress);
    if (isInside(path, nsDir) && path !== nsDir) {
      return { address: path.slice(nsDir.length + 1), addressType: "relative" };
    }
    if (isInside(path, this.root)) {
      throw badRequest("physical address: outside the repository's storage namespace");
    }
    this.assertImportable(path);
    return { address: LOCAL_SCHEME + path, addressType: "full" };
  }

  // --- multipart (presigned multipart upload) ---

  /**
   * Starts a multipart upload of a new object in the namespace, recording the caller's `info`
   * with it. Survives restarts.
   */
  async createMultipart(
    nsDir: string,
    info?: Readonly<Record<string, unknown>>,
  ): Promise<{ uploadId: string; address: string }> {
    const address = this.addresses.next();
    this.relativePath(nsDir, address); // validates nsDir before anything is recorded
    const uploadId = await this.multipart.create(nsDir.slice(this.root.length + 1), address, info);
    return { uploadId, address };
  }

  /** An upload's creation time and recorded info (404 when unknown). */
  describeMultipart(uploadId: string): Promise<UploadDescription> {
    return this.multipart.describe(uploadId);
  }

  /** An upload's stored parts by part number (404 when unknown). */
  multipartParts(uploadId: string): Promise<StoredPart[]> {
    return this.multipart.parts(uploadId);
  }

  /** In-progress uploads whose recorded info satisfies `filter`. */
  listMultipart(
    filter: (info: Readonly<Record<string, unknown>>) => boolean,
  ): Promise<UploadDescription[]> {
    return this.multipart.list(filter);
  }

  /** Stores one part (1..10000; re-uploading a part replaces it). */
  putPart(
    uploadId: string,
    partNumber: number,
    source: AsyncIterable<Uint8Array>,
    options: WriteOptions = {},
  ): Promise<{ etag: string }> {
    return this.multipart.putPart(uploadId, partNumber, source, options);
  }

  /**
   * Makes the listed parts (ascending part numbers, ETags as returned by `putPart`) the object
   * at the upload's address, as a composite object: no bytes are copied. ETag = MD5 of the
   * binary part MD5s + `-<count>`. With `owner`, an upload of another namespace or address is a
   * 400 before anything changes.
   */
  async completeMultipart(
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
    options: CompleteMultipartOptions = {},
  ): Promise<StoredObject> {
    const { owner, ...completeOptions } = options;
    const target = (namespace: string, address: string) => {
      const nsDir = this.namespaceDir(LOCAL_SCHEME + namespace);
      // Runs before the upload is touched: a mismatch leaves the upload as it was.
      if (owner && (owner.nsDir !== nsDir || (owner.address ?? address) !== address)) {
        throw badRequest("physical_address does not belong to this upload");
      }
      return this.relativePath(nsDir, address);
    };
    return this.multipart.complete(uploadId, parts, target, completeOptions);
  }

  /** Discards an upload and its parts (404 when unknown). */
  abortMultipart(uploadId: string): Promise<void> {
    return this.multipart.abort(uploadId);
  }

  // --- import ---

  /**
   * Validates an import source `local:///<absolute path>` and returns its resolved path: 403 when
   * no import roots are configured, 400 `invalid import source` outside them or overlapping the
   * storage this server writes (see `resolveImportSource`).
   */
  importSourceDir(
    uri: string,
    roots: readonly string[] = this.importRoots,
    check: ImportSourceCheck = {},
  ): string {
    const namespaceDir =
      check.namespaceDir === undefined ? undefined : realpathOrSelf(check.namespaceDir);
    return resolveImportSource(uri, realPaths(roots), this.realRoot, { ...check, namespaceDir });
  }

  /**
   * The files under an import source resolved by `importSourceDir` (or that single file), in
   * byte order of `relPath`, as full-address entries with MD5 ETags. Symlinks leading outside the
   * import roots are skipped.
   */
  walkImport(
    source: string,
    roots: readonly string[] = this.importRoots,
  ): AsyncIterable<{ relPath: string; entry: Entry }> {
    return importEntries(source, realPaths(roots));
  }

  /**
   * Walks an import source as the engine's `ImportWalker` needs it: resolved and checked like
   * `importSourceDir`, and required to be a file (`object`) or a directory (`common_prefix`).
   */
  walkImportSource(spec: {
    readonly type: ImportSourceType;
    readonly path: string;
  }): AsyncIterable<{ relPath: string; entry: Entry }> {
    return importEntries(this.importSourceDir(spec.path), this.importRoots, spec.type);
  }

  // --- internals ---

  /** Absolute path of an address relative to `nsDir`, lexically confined to it. */
  private relativePath(nsDir: string, address: string): string {
    if (!isInside(nsDir, this.root)) throw badRequest("storage namespace outside the storage root");
    return join(nsDir, ...safeSegments(address, "physical address"));
  }

  private entryPath(nsDir: string, entry: EntryLocation): string {
    if (entry.addressType === "relative") return this.relativePath(nsDir, entry.address);
    const path = parseLocalPath(entry.address);
    if (!isInside(path, this.root)) this.assertImportable(path);
    return path;
  }

  /** Throws 403 unless `path` resolves (through symlinks) under an import root. */
  private assertImportable(path: string): void {
    const real = realpathOrSelf(path);
    if (!this.importRoots.some((r) => isInside(real, r))) throw outsideAllowed();
  }

  /** The entry's file with symlinks resolved; 403 if they lead outside the allowed roots. */
  private readablePath(nsDir: string, entry: EntryLocation): string {
    const real = realpathOrSelf(this.entryPath(nsDir, entry));
    if (!isInside(real, this.realRoot) && !this.importRoots.some((r) => isInside(real, r))) {
      throw outsideAllowed();
    }
    return real;
  }

  /**
   * Opens the entry's bytes: its regular file, or the composite object its directory holds.
   * Anything else, or a composite with a bad manifest, is 410 `No data`.
   */
  private openObject(nsDir: string, entry: EntryLocation): ObjectBytes {
    const real = this.readablePath(nsDir, entry);
    let fd: number;
    try {
      fd = openSync(real, "r");
    } catch (err) {
      throw isMissing(err) ? noData() : err;
    }
    const stat = fstatSync(fd);
    if (stat.isFile()) return fileBytes(fd, stat.size);
    closeSync(fd);
    if (!stat.isDirectory()) throw noData();
    return this.composite(real);
  }

  /**
   * The composite object in directory `real` (a resolved path); 410 `No data` when its manifest
   * is unusable. Only the block store's own directories hold composites, never import sources.
   */
  private composite(real: string): CompositeObject {
    if (!isInside(real, this.realRoot)) throw noData();
    try {
      return CompositeObject.load(real);
    } catch (err) {
      throw err instanceof CorruptComposite ? noData() : err;
    }
  }
}

/** A regular file's bytes through its open descriptor (which `stream` hands to the stream). */
function fileBytes(fd: number, size: number): ObjectBytes {
  return {
    size,
    read(start, end) {
      const bytes = Buffer.allocUnsafe(Math.max(0, end - start + 1));
      return bytes.subarray(0, readFullySync(fd, bytes, 0, bytes.length, start));
    },
    stream: (start, end) => fileRangeStream(fd, start, end),
    close: () => closeSync(fd),
  };
}

const noData = () => new EngineError("gone", "No data");
const outsideAllowed = () =>
  new EngineError("forbidden", "physical address outside the allowed storage locations");

/** `local://<absolute path>` → the normalised path (400 for anything else). */
function parseLocalPath(address: string): string {
  if (!address.startsWith(LOCAL_SCHEME)) throw badRequest("physical address: expected local://");
  const rest = address.slice(LOCAL_SCHEME.length);
  if (!rest.startsWith("/")) throw badRequest("physical address: expected an absolute path");
  return `/${safeSegments(rest.slice(1), "physical address", MAX_ABSOLUTE_PATH_BYTES).join("/")}`;
}

function realPaths(paths: readonly string[]): string[] {
  return paths.map((p) => realpathOrSelf(resolve(p)));
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Removes temp files that no write can still be using (left by a crash). */
function removeStaleTempFiles(tmpDir: string): void {
  const cutoff = Date.now() - STALE_TEMP_MS;
  for (const name of readdirSync(tmpDir)) {
    const path = join(tmpDir, name);
    try {
      // Directories are copies of composite objects being assembled.
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { recursive: true, force: true });
    } catch {
      // Raced with a concurrent writer finishing; nothing to clean.
    }
  }
}
