/**
 * Durable file writes for the block store: stream into a temp file while hashing, fsync, then
 * rename into place and fsync the directory, so a file either appears complete or not at all and
 * survives a crash once the call returns. Also the few file reads the block store shares.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  createReadStream,
  fsync,
  open as openCallback,
  openSync,
  type ReadStream,
  readSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { type FileHandle, mkdir, open, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { parentsOfCreated, unsafeSkipFsync } from "../core/durable.js";
import { badRequest } from "../core/errors.js";

export interface WrittenFile {
  /** Temp file holding the bytes; the caller renames it into place (or removes it). */
  readonly path: string;
  readonly size: number;
  /** Lowercase hex MD5 of the bytes. */
  readonly md5: string;
}

export interface WriteOptions {
  /** Aborts the write (also while waiting for the source); the temp file is removed. */
  readonly signal?: AbortSignal | undefined;
  /** Reject sources longer than this many bytes (400). */
  readonly maxBytes?: number | undefined;
}

/**
 * Sources up to this size are gathered in memory and written in one go. Writing a small file
 * to the page cache, closing it and renaming it take microseconds, done synchronously, where each
 * async call would cost a thread-pool round trip (together most of a small upload's server
 * CPU). Creating the file (inode allocation can scan a busy file system) and the fsyncs, which
 * wait for the disk, stay in the pool.
 */
export const SMALL_FILE_BYTES = 64 * 1024;

const openFd = promisify(openCallback);
const fsyncFd = promisify(fsync);

/** Streams `source` into a new file under `tmpDir`, computing size and MD5; fsyncs it. */
export async function writeTempFile(
  tmpDir: string,
  source: AsyncIterable<Uint8Array>,
  options: WriteOptions = {},
): Promise<WrittenFile> {
  const path = join(tmpDir, randomBytes(16).toString("hex"));
  const hash = createHash("md5");
  let size = 0;
  // The source's first bytes, while it may still turn out small.
  let head: Uint8Array[] | undefined = [];
  let handle: FileHandle | undefined;
  try {
    for await (const chunk of abortable(source, options.signal)) {
      size += chunk.byteLength;
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        throw badRequest(`object larger than the maximum of ${options.maxBytes} bytes`);
      }
      hash.update(chunk);
      if (head !== undefined && size <= SMALL_FILE_BYTES) {
        head.push(chunk);
        continue;
      }
      if (handle === undefined) {
        handle = await open(path, "wx", 0o644);
        for (const buffered of head ?? []) await writeAll(handle, buffered);
        head = undefined;
      }
      await writeAll(handle, chunk);
    }
    if (handle === undefined) await writeSmallFile(path, head ?? []);
    else {
      if (!unsafeSkipFsync("files")) await handle.sync();
      await handle.close();
    }
  } catch (err) {
    await handle?.close().catch(() => {});
    await rm(path, { force: true });
    throw err;
  }
  return { path, size, md5: hash.digest("hex") };
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, offset);
    offset += bytesWritten;
  }
}

/** Creates `path` holding `chunks` (small: see SMALL_FILE_BYTES) and fsyncs it. */
async function writeSmallFile(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const fd = await openFd(path, "wx", 0o644);
  try {
    writeFileSync(fd, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    if (!unsafeSkipFsync("files")) await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Atomically moves a finished temp file to `dest` (creating parent directories) and fsyncs every
 * directory whose entries changed, so the new name is durable. On failure the temp file is removed.
 */
export async function commitFile(tempPath: string, dest: string): Promise<void> {
  try {
    await renameDurably(tempPath, dest);
  } catch (err) {
    await rm(tempPath, { force: true });
    throw err;
  }
}

/**
 * Renames a file or directory to `dest`, creating missing parent directories, then fsyncs the
 * destination's directory (and each newly created parent's) so the new name survives a crash.
 */
export async function renameDurably(from: string, dest: string): Promise<void> {
  const dir = dirname(dest);
  // A rename is a metadata change in memory until the fsync: done synchronously (see
  // SMALL_FILE_BYTES). The destination's directory usually exists; it is created only when not.
  let firstCreated: string | undefined;
  try {
    renameSync(from, dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    firstCreated = await mkdir(dir, { recursive: true });
    renameSync(from, dest);
  }
  await fsyncDir(dir);
  // Newly created directories are only durable once their parents are synced too.
  for (const parent of parentsOfCreated(dir, firstCreated)) await fsyncDir(parent);
}

/** Per directory: the sync in progress, and the one queued behind it (shared by its callers). */
const dirSyncs = new Map<string, { running: Promise<void>; next?: Promise<void> }>();

/**
 * Flushes a directory's entries (new names, renames) to disk. Concurrent callers share syncs
 * (group commit for directories): a caller's change is covered by any sync that starts after
 * it, so it joins the next sync to start — never the one already running — and many renames
 * into one directory cost one or two fsyncs instead of one each.
 */
export function fsyncDir(dir: string): Promise<void> {
  if (unsafeSkipFsync("dirs")) return Promise.resolve();
  const state = dirSyncs.get(dir);
  if (!state) {
    const running = syncDirNow(dir).finally(() => promoteNext(dir, running));
    dirSyncs.set(dir, { running });
    return running;
  }
  if (!state.next) {
    const next: Promise<void> = state.running
      .then(
        () => syncDirNow(dir),
        () => syncDirNow(dir),
      )
      .finally(() => promoteNext(dir, next));
    state.next = next;
  }
  return state.next;
}

/** After `finished` ends: the queued sync (already started) becomes the running one. */
function promoteNext(dir: string, finished: Promise<void>): void {
  const state = dirSyncs.get(dir);
  if (!state || state.running !== finished) return;
  if (state.next) dirSyncs.set(dir, { running: state.next });
  else dirSyncs.delete(dir);
}

async function syncDirNow(dir: string): Promise<void> {
  const fd = openSync(dir, "r");
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Chunk size of object read streams. A download advances one chunk per event-loop turn, and each
 * turn may wait behind other work on the HTTP thread (an import's spool batch, a commit's
 * clean-up), so a 1 MiB download in 64 KiB chunks (the default) paid that wait 16 times.
 */
export const READ_CHUNK_BYTES = 512 * 1024;

/** Bytes `start`..`end` (inclusive) of the open file `fd`, as a stream that closes it. */
export function fileRangeStream(fd: number, start: number, end: number): ReadStream {
  return createReadStream("", { fd, start, end, highWaterMark: READ_CHUNK_BYTES });
}

/**
 * Reads `length` bytes at `position` into `buffer` at `offset`, looping over short reads; returns
 * how many were read (fewer only when the file ends first).
 */
export function readFullySync(
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
): number {
  let filled = 0;
  while (filled < length) {
    const read = readSync(fd, buffer, offset + filled, length - filled, position + filled);
    if (read === 0) break;
    filled += read;
  }
  return filled;
}

/** Size and lowercase hex MD5 of a file's bytes. */
export async function hashFile(path: string): Promise<{ size: number; md5: string }> {
  const hash = createHash("md5");
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, md5: hash.digest("hex") };
}

/**
 * Iterates `source`, stopping with the signal's reason as soon as it aborts, even while a `next()`
 * is pending (a stalled client must not pin the upload). The source is told to stop early.
 */
async function* abortable<T>(source: AsyncIterable<T>, signal?: AbortSignal): AsyncGenerator<T> {
  if (signal === undefined) {
    yield* source;
    return;
  }
  const iterator = source[Symbol.asyncIterator]();
  let rejectStep: ((reason: unknown) => void) | undefined;
  const onAbort = () => rejectStep?.(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  let finished = false;
  try {
    for (;;) {
      signal.throwIfAborted();
      // One promise per step, settled by the source or the abort, whichever comes first. Racing
      // a single long-lived abort promise instead keeps every step, and so every chunk of the
      // upload, reachable from that promise until the request ends.
      const step = await new Promise<IteratorResult<T>>((resolve, reject) => {
        rejectStep = reject;
        iterator.next().then(resolve, reject);
      });
      rejectStep = undefined;
      if (step.done) {
        finished = true;
        return;
      }
      yield step.value;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    // Not awaited: after an abort the pending next() may never settle.
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => {});
  }
}
