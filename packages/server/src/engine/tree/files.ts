/**
 * Range and metarange files in one directory, named by the hex SHA-256 of their bytes, behind an
 * LRU of decoded files. Files are immutable, so cached decodings are never invalidated.
 *
 * Durability: by default each file is synced as it is written. With `deferSync` (the tree
 * worker), a build only writes temp files and `settle()` then syncs them a few at a time, renames
 * them into place and syncs the directory: a commit writes hundreds of ranges, and on ext4 each
 * lone fdatasync of a new file waits for its own journal commit, while concurrent ones share.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { fsyncDirSync, mkdirDurableSync, unsafeSkipFsync } from "../../core/durable.js";
import { FormatError } from "./bytes.js";
import {
  decodeMetarange,
  decodeRange,
  isTreeFileOf,
  type LoadedRange,
  type RangeRef,
} from "./format.js";
import { LruCache } from "./lru.js";

const ID_PATTERN = /^[0-9a-f]{64}$/;
const METARANGE_CACHE_SIZE = 32;
/**
 * Deferred syncs in flight at once. They run on libuv's thread pool (4 threads per process),
 * which the HTTP thread's file reads share: leave them threads.
 */
const SYNC_CONCURRENCY = 2;

/** A file written with deferred sync: its temp name until `settle()` renames it. */
interface PendingFile {
  readonly temp: string;
  readonly path: string;
}

export class TreeFiles {
  private readonly ranges: LruCache<string, LoadedRange>;
  private readonly metaranges = new LruCache<string, readonly RangeRef[]>(METARANGE_CACHE_SIZE);
  private dirReady = false;
  private unsyncedRenames = false;
  private readonly pending = new Map<string, PendingFile>();

  constructor(
    readonly dir: string,
    cacheRanges: number,
    private readonly deferSync = false,
  ) {
    this.ranges = new LruCache(cacheRanges);
  }

  /** The decoded range `id`. */
  range(id: string): LoadedRange {
    let range = this.ranges.get(id);
    if (range === undefined) {
      range = this.load(id, "range", decodeRange);
      this.ranges.set(id, range);
    }
    return range;
  }

  /** The ranges of metarange `id` in key order; "" is the empty tree. */
  metarange(id: string): readonly RangeRef[] {
    if (id === "") return [];
    let refs = this.metaranges.get(id);
    if (refs === undefined) {
      refs = this.load(id, "metarange", decodeMetarange);
      this.metaranges.set(id, refs);
    }
    return refs;
  }

  /**
   * The bytes of range or metarange `id`, checked against the id, or undefined when no such
   * file of that kind exists (`GET …/metadata/object/…`).
   */
  raw(kind: "range" | "metarange", id: string): Buffer | undefined {
    const buf = this.blob(id);
    return buf && isTreeFileOf(buf, kind) ? buf : undefined;
  }

  /**
   * The bytes stored under `id` (by `write`), checked against the id, whatever they hold; or
   * undefined when there is no such file.
   */
  blob(id: string): Buffer | undefined {
    if (!ID_PATTERN.test(id)) return undefined;
    let buf: Buffer;
    try {
      buf = readFileSync(this.pathOf(id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    if (createHash("sha256").update(buf).digest("hex") !== id) {
      throw new Error(`file ${id} is corrupt: content does not match its id`);
    }
    return buf;
  }

  private load<T>(id: string, what: string, decode: (buf: Buffer) => T): T {
    if (typeof id !== "string" || !ID_PATTERN.test(id)) {
      throw new Error(`invalid ${what} id ${JSON.stringify(id)}`);
    }
    let buf: Buffer;
    try {
      buf = readFileSync(this.pathOf(id));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new Error(`${what} ${id} is missing from ${this.dir}`);
      throw new Error(`cannot read ${what} ${id}: ${(err as Error).message}`);
    }
    if (createHash("sha256").update(buf).digest("hex") !== id) {
      throw new Error(`${what} ${id} is corrupt: content does not match its id`);
    }
    try {
      return decode(buf);
    } catch (err) {
      if (err instanceof FormatError) throw new Error(`${what} ${id} is corrupt: ${err.message}`);
      throw err;
    }
  }

  /**
   * Stores `bytes` under their SHA-256 and returns the id. Written to a temp file in the same
   * directory, synced, then renamed, so a reader never sees a partial file; an existing id is
   * left alone (same id, same bytes).
   */
  write(bytes: Uint8Array): string {
    const id = createHash("sha256").update(bytes).digest("hex");
    const path = join(this.dir, id);
    if (this.pending.has(id) || existsSync(path)) return id;
    if (!this.dirReady) {
      mkdirDurableSync(this.dir);
      this.dirReady = true;
    }
    const temp = join(this.dir, `.tmp-${id.slice(0, 16)}-${randomBytes(6).toString("hex")}`);
    const fd = openSync(temp, "wx");
    try {
      writeSync(fd, bytes);
      // Data and size; a new file needs no other metadata to be readable.
      if (!this.deferSync && !unsafeSkipFsync("files")) fdatasyncSync(fd);
    } catch (err) {
      closeSync(fd);
      rmSync(temp, { force: true });
      throw err;
    }
    closeSync(fd);
    if (this.deferSync) {
      this.pending.set(id, { temp, path });
      return id;
    }
    renameSync(temp, path);
    this.unsyncedRenames = true;
    return id;
  }

  /**
   * Makes the renames done by `write` durable (one directory fsync for a whole build). With
   * deferred sync it does nothing: `settle()` does it.
   */
  syncDir(): void {
    if (!this.deferSync) this.syncRenames();
  }

  /**
   * With deferred sync: makes every file written since the last call durable under its id
   * (synced, renamed into place, directory synced). Until then they are read from their temp
   * names, so nothing outside this process can see them.
   */
  async settle(): Promise<void> {
    const files = [...this.pending.values()];
    if (files.length === 0) return;
    if (!unsafeSkipFsync("files")) {
      let next = 0;
      const syncer = async () => {
        while (next < files.length) {
          const handle = await open(files[next++]!.temp, "r");
          try {
            await handle.datasync();
          } finally {
            await handle.close();
          }
        }
      };
      await Promise.all(Array.from({ length: SYNC_CONCURRENCY }, syncer));
    }
    for (const f of files) renameSync(f.temp, f.path);
    this.pending.clear();
    this.unsyncedRenames = true;
    this.syncRenames();
  }

  /** With deferred sync: drops the files written since the last `settle()` (a failed build). */
  discard(): void {
    for (const f of this.pending.values()) rmSync(f.temp, { force: true });
    this.pending.clear();
  }

  private syncRenames(): void {
    if (!this.unsyncedRenames) return;
    if (!unsafeSkipFsync("dirs")) fsyncDirSync(this.dir);
    this.unsyncedRenames = false;
  }

  /** Where file `id` is: its temp name while its sync is deferred. */
  private pathOf(id: string): string {
    return this.pending.get(id)?.temp ?? join(this.dir, id);
  }
}
