/**
 * `downloadDirectory`: makes a local directory hold the objects under a prefix, transferring
 * only what differs. Each file is written to `.<name>.lakefs-ts.part` and renamed into place
 * once complete (with its mtime set to the object's), so an interrupted run never leaves a
 * truncated file and a re-run downloads only what is still missing.
 */
import { createWriteStream } from "node:fs";
import { lstat, mkdir, realpath, rename, rm, rmdir, symlink, utimes } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { InvalidArgumentError, ObjectChangedError } from "../../errors.js";
import { DEFAULT_PART_SIZE } from "../../io/parts.js";
import type { Reference } from "../../reference.js";
import { SMALL_FILE_BYTES, writeSmallFile } from "../small-files.js";
import { pairUp } from "./changes.js";
import { remoteMtimeSeconds, SYMLINK_TARGET_KEY, sameFile } from "./compare.js";
import { isInternalName, PART_SUFFIX } from "./internal-names.js";
import { directoryPrefix, isSafeRelativeKey, localPathOf } from "./keys.js";
import { type LocalFile, walkLocal } from "./local-tree.js";
import {
  type CheckedTransferOptions,
  checkTransferOptions,
  type DirectoryTransferOptions,
} from "./options.js";
import { type DirectorySummary, type ProgressOptions, TransferLedger } from "./progress.js";
import { listRemote, type RemoteFile } from "./remote-tree.js";
import { type FileTask, runTasks } from "./runner.js";

/**
 * Downloads the objects under `prefix` on `ref` into `dir` (created if missing), in parallel,
 * skipping files `dir` already holds unchanged; with `deleteExtraneous`, deletes local files the
 * prefix does not have. Objects whose keys would leave `dir` (`..`, empty segments) are refused.
 */
export async function downloadDirectory(
  ref: Reference,
  prefix: string,
  dir: string,
  options: DirectoryTransferOptions = {},
): Promise<DirectorySummary> {
  return syncDown(ref, directoryPrefix(prefix), dir, checkTransferOptions(options), options);
}

/** Downloads what differs between the prefix on `ref` and `dir` (see downloadDirectory). */
export async function syncDown(
  ref: Reference,
  base: string,
  dir: string,
  checked: CheckedTransferOptions,
  progress: ProgressOptions,
): Promise<DirectorySummary> {
  if (!checked.dryRun) await mkdir(dir, { recursive: true });
  const root = checked.dryRun ? dir : await realpath(dir);
  const ledger = new TransferLedger(progress);
  await runTasks(downloadPlan(root, ref, base, checked, ledger), ledger, checked);
  return ledger.summary();
}

async function* downloadPlan(
  root: string,
  ref: Reference,
  base: string,
  options: CheckedTransferOptions,
  ledger: TransferLedger,
): AsyncGenerator<FileTask> {
  const locals = walkLocal(root, {
    filter: options.filter,
    // A preserved link is compared as a link; otherwise what it points to is the local file.
    symlinks: options.symlinks,
    skipHiddenDirectories: options.skipHiddenDirectories,
    ignoreName: isInternalName,
    signal: options.signal,
  });
  const remotes = listRemote(ref, base, options.filter, options.signal);
  const directories = new SafeDirectories(root);
  for await (const { key, local, remote } of pairUp(locals, remotes)) {
    if (remote === undefined) {
      if (options.deleteExtraneous && local !== undefined) {
        yield deleteLocalTask(root, local);
      }
      continue;
    }
    if (!isSafeRelativeKey(key)) {
      throw new InvalidArgumentError(
        `object ${JSON.stringify(base + key)} has no safe local path under ${root}`,
      );
    }
    if (local !== undefined && (await sameFile(local, remote.info, options.compare))) {
      ledger.unchanged += 1;
      continue;
    }
    yield downloadTask(ref, base, root, remote, directories, options);
  }
}

/** Downloads one object into place (or recreates a preserved link). */
export function downloadTask(
  ref: Reference,
  base: string,
  root: string,
  remote: RemoteFile,
  directories: SafeDirectories,
  options: Pick<CheckedTransferOptions, "preSign" | "symlinks">,
): FileTask {
  const size = remote.info.sizeBytes ?? 0;
  return {
    key: remote.key,
    bytes: size,
    change: { key: remote.key, action: "downloaded", sizeBytes: size },
    async run(loaded, signal) {
      const target = localPathOf(root, remote.key);
      await directories.prepare(dirname(target));
      const mtime = remoteMtimeSeconds(remote.info);
      const linkTarget = remote.info.metadata[SYMLINK_TARGET_KEY];
      if (linkTarget !== undefined && options.symlinks === "preserve") {
        await rm(target, { force: true });
        await symlink(linkTarget, target);
        return;
      }
      const part = join(dirname(target), `.${basename(target)}${PART_SUFFIX}`);
      const object = ref.object(base + remote.key);
      const call = { preSign: options.preSign, signal };
      try {
        if (size <= SMALL_FILE_BYTES) {
          await writeSmallFile(part, target, await fetchWhole(object, size, call), mtime);
          return;
        }
        await fetchInto(object, part, size, loaded, call);
        await utimes(part, mtime, mtime);
        await rename(part, target);
      } catch (error) {
        await rm(part, { force: true });
        throw error;
      }
    },
  };
}

/** A small object's bytes, in one request. */
async function fetchWhole(
  object: ReturnType<Reference["object"]>,
  size: number,
  call: { preSign: boolean | undefined; signal: AbortSignal },
): Promise<Uint8Array> {
  const bytes = await object.bytes(call);
  if (bytes.byteLength !== size) {
    throw new ObjectChangedError(object.path, `size ${size}`, `size ${bytes.byteLength}`);
  }
  return bytes;
}

/**
 * Writes a larger object's bytes to `file`: one streaming request, or the SDK's parallel ranged
 * download for a large one (memory bounded either way).
 */
async function fetchInto(
  object: ReturnType<Reference["object"]>,
  file: string,
  size: number,
  loaded: (bytes: number) => void,
  call: { preSign: boolean | undefined; signal: AbortSignal },
): Promise<void> {
  if (size > DEFAULT_PART_SIZE) {
    const sink = Writable.toWeb(createWriteStream(file)) as WritableStream<Uint8Array>;
    await object.download(sink, { ...call, onProgress: (p) => loaded(p.loadedBytes) });
    return;
  }
  let received = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.byteLength;
      loaded(received);
      callback(null, chunk);
    },
  });
  const body = Readable.fromWeb(
    object.stream(call) as import("node:stream/web").ReadableStream<Uint8Array>,
  );
  await pipeline(body, count, createWriteStream(file), { signal: call.signal });
  if (received !== size) {
    throw new ObjectChangedError(object.path, `size ${size}`, `size ${received}`);
  }
}

function deleteLocalTask(root: string, local: LocalFile): FileTask {
  return {
    key: local.key,
    bytes: 0,
    change: { key: local.key, action: "deleted", sizeBytes: local.size },
    async run() {
      await rm(local.path, { force: true });
      await pruneEmptyParents(root, dirname(local.path));
    },
  };
}

/** Removes `directory` and its parents up to (not including) `root` while they are empty. */
async function pruneEmptyParents(root: string, directory: string): Promise<void> {
  let current = directory;
  while (current !== root && current.startsWith(root + sep)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or already gone): stop
    }
    current = dirname(current);
  }
}

/**
 * Creates the directories files are written into, one segment at a time from the root, and
 * refuses any segment that is not a real directory: a symbolic link on the way (say, a
 * preserved link `a` -> `/etc` and an object `a/x`) must not let a download write outside.
 */
export class SafeDirectories {
  readonly #verified = new Set<string>();

  constructor(private readonly root: string) {}

  async prepare(directory: string): Promise<void> {
    if (this.#verified.has(directory)) return;
    let current = this.root;
    for (const segment of relative(this.root, directory).split(sep)) {
      if (segment === "") continue;
      current = join(current, segment);
      if (this.#verified.has(current)) continue;
      let stats = await lstat(current).catch(() => undefined);
      if (stats === undefined) {
        await mkdir(current).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "EEXIST") throw error;
        });
        stats = await lstat(current);
      }
      if (!stats.isDirectory()) {
        throw new InvalidArgumentError(`${current} is in the way: not a directory`);
      }
      this.#verified.add(current);
    }
  }
}
