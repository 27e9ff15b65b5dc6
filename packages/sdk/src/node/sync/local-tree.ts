/**
 * Walks a local directory, yielding its files in key order (UTF-8 byte order of the
 * `/`-separated relative path) so the walk can be merge-joined with a lakeFS listing. Memory is
 * bounded by the entries of the directories on the current path, not by the size of the tree.
 */
import type { Dirent, Stats } from "node:fs";
import { lstat, readdir, readlink, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError } from "../../errors.js";
import type { KeyFilter } from "./filter.js";
import { compareKeys } from "./keys.js";

/**
 * What to do with symbolic links: `follow` (default) transfers what they point to, `skip`
 * ignores them, `preserve` stores the link itself (an empty object carrying the target in
 * `::lakefs::symlink-target`, as lakectl does) and recreates it on download.
 */
export type SymlinkPolicy = "follow" | "skip" | "preserve";

export const SYMLINK_POLICIES: readonly SymlinkPolicy[] = ["follow", "skip", "preserve"];

/** A file found by the walk. */
export interface LocalFile {
  /** Path relative to the root, `/`-separated. */
  readonly key: string;
  /** Absolute local path. */
  readonly path: string;
  readonly size: number;
  /** Modification time in whole unix seconds (what lakectl compares). */
  readonly mtimeSeconds: number;
  /** Set for a preserved symbolic link: where it points. */
  readonly symlinkTarget?: string;
}

export interface WalkOptions {
  readonly filter: KeyFilter;
  readonly symlinks: SymlinkPolicy;
  /** Do not descend into directories whose name starts with `.` (lakectl local's rule). */
  readonly skipHiddenDirectories: boolean;
  /** File names never reported (markers, our own partial downloads). */
  readonly ignoreName: (name: string) => boolean;
  readonly signal?: AbortSignal;
}

export function checkSymlinkPolicy(policy: unknown): SymlinkPolicy {
  if (!SYMLINK_POLICIES.includes(policy as SymlinkPolicy)) {
    throw new InvalidArgumentError(`symlinks must be one of ${SYMLINK_POLICIES.join(", ")}`);
  }
  return policy as SymlinkPolicy;
}

/** Whole unix seconds of a file's modification time. */
export function mtimeSeconds(stats: Stats): number {
  return Math.floor(stats.mtimeMs / 1000);
}

interface Item {
  readonly name: string;
  /** The name as it sorts among its siblings: directories sort as `name/`. */
  readonly sortKey: string;
  readonly kind: "file" | "directory" | "link";
  readonly stats: Stats;
}

/** Yields the files under `root` in key order. A missing root yields nothing. */
export async function* walkLocal(root: string, options: WalkOptions): AsyncGenerator<LocalFile> {
  let rootReal: string;
  try {
    rootReal = await realpath(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  yield* walkDirectory(root, "", new Set([rootReal]), options);
}

async function* walkDirectory(
  directory: string,
  keyPrefix: string,
  ancestors: Set<string>,
  options: WalkOptions,
): AsyncGenerator<LocalFile> {
  options.signal?.throwIfAborted();
  const entries = await readdir(directory, { withFileTypes: true });
  const items: Item[] = [];
  for (const entry of entries) {
    const item = await classify(directory, entry, options);
    if (item !== undefined) items.push(item);
  }
  items.sort((a, b) => compareKeys(a.sortKey, b.sortKey));
  for (const item of items) {
    const path = join(directory, item.name);
    const key = keyPrefix + item.name;
    if (item.kind === "directory") {
      if (options.skipHiddenDirectories && item.name.startsWith(".")) continue;
      const real = await realpath(path);
      if (ancestors.has(real)) continue; // a followed link back up the tree
      ancestors.add(real);
      yield* walkDirectory(path, `${key}/`, ancestors, options);
      ancestors.delete(real);
      continue;
    }
    if (!options.filter(key)) continue;
    const file = { key, path, size: item.stats.size, mtimeSeconds: mtimeSeconds(item.stats) };
    yield item.kind === "link" ? { ...file, size: 0, symlinkTarget: await readlink(path) } : file;
  }
}

async function classify(
  directory: string,
  entry: Dirent,
  options: WalkOptions,
): Promise<Item | undefined> {
  const path = join(directory, entry.name);
  if (entry.isSymbolicLink()) {
    if (options.symlinks === "skip") return undefined;
    if (options.symlinks === "preserve") {
      if (options.ignoreName(entry.name)) return undefined;
      return { name: entry.name, sortKey: entry.name, kind: "link", stats: await lstat(path) };
    }
    let target: Stats;
    try {
      target = await stat(path);
    } catch {
      return undefined; // a dangling link: nothing to transfer
    }
    return typed(entry.name, target, options);
  }
  if (!entry.isFile() && !entry.isDirectory()) return undefined; // sockets, FIFOs, devices
  return typed(entry.name, await lstat(path), options);
}

function typed(name: string, stats: Stats, options: WalkOptions): Item | undefined {
  if (stats.isDirectory()) return { name, sortKey: `${name}/`, kind: "directory", stats };
  if (!stats.isFile() || options.ignoreName(name)) return undefined;
  return { name, sortKey: name, kind: "file", stats };
}
