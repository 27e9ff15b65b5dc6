/**
 * Import sources on the local filesystem: validating `local:///<absolute path>` against the
 * configured import roots, and walking the files beneath it in key (UTF-8 byte) order.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { compareKeys, type Entry } from "../core/entry.js";
import { badRequest, forbidden } from "../core/errors.js";
import { isInside, MAX_ABSOLUTE_PATH_BYTES, safeSegments } from "./paths.js";

const SCHEME = "local://";

/** How strictly `resolveImportSource` checks a source. */
export interface ImportSourceCheck {
  /**
   * Accept a source that does not exist yet when its path lies lexically under a root: the
   * import then fails in its status, as lakeFS reports missing sources (the check at request
   * time; the walk resolves again without it).
   */
  readonly allowMissing?: boolean | undefined;
  /** The importing repository's namespace directory (real path): sources inside it are refused. */
  readonly namespaceDir?: string | undefined;
}

/**
 * Resolves an import source URI to a real path under one of `realRoots`. 403 when no roots are
 * configured; 400 `invalid import source: ...` when malformed, missing, outside the roots, or
 * overlapping the storage this server writes: a directory holding the block store, the block
 * store's reserved directories, or the importing repository's own namespace. Another place
 * inside the block store (an import root may cover it) is a source like any other.
 */
export function resolveImportSource(
  uri: string,
  realRoots: readonly string[],
  realBlockRoot: string,
  check: ImportSourceCheck = {},
): string {
  if (realRoots.length === 0) throw forbidden("import is not supported for this storage");
  const invalid = (reason: string) => badRequest(`invalid import source: ${uri}: ${reason}`);
  if (!uri.startsWith(SCHEME) || !uri.startsWith("/", SCHEME.length)) {
    throw invalid("expected local:///<absolute path>");
  }
  let lexical: string;
  try {
    lexical = `/${safeSegments(uri.slice(SCHEME.length + 1), "path", MAX_ABSOLUTE_PATH_BYTES).join("/")}`;
  } catch (err) {
    throw invalid((err as Error).message);
  }
  let real: string;
  try {
    real = realpathSync(lexical);
  } catch {
    if (!check.allowMissing) throw invalid("no such file or directory");
    real = lexical;
  }
  if (!realRoots.some((root) => isInside(real, root)))
    throw invalid("outside the allowed import roots");
  if (isInside(realBlockRoot, real)) throw invalid("overlaps the lakeFS storage");
  if (isInside(real, realBlockRoot)) {
    const first = real.slice(realBlockRoot.length + 1).split("/")[0] ?? "";
    if (first === "" || first.startsWith(".")) throw invalid("overlaps the lakeFS storage");
    if (check.namespaceDir !== undefined && isInside(real, check.namespaceDir)) {
      throw invalid("inside the repository's storage namespace");
    }
  }
  return real;
}

/** One imported file: its path relative to the source ("" when the source is a file). */
export interface ImportedFile {
  readonly relPath: string;
  readonly entry: Entry;
}

/** What an import source must be: `object` sources are files, `common_prefix` ones directories. */
export type ImportSourceType = "object" | "common_prefix";

/**
 * Yields the files at or beneath `source` sorted by `relPath` in UTF-8 byte order. Symlinks to
 * files inside `realRoots` are followed; symlinked directories are not (no cycles), and links
 * leading outside the roots are skipped. With `type`, a source of the wrong kind is a 400.
 *
 * Synchronous on purpose: it runs on the import walker's own thread (import-walk.ts), where
 * blocking calls keep the file reads and hashing off the HTTP thread and out of libuv's shared
 * thread pool, which serves downloads.
 */
export function* importEntriesSync(
  source: string,
  realRoots: readonly string[],
  type?: ImportSourceType,
): Generator<ImportedFile> {
  const info = statSync(source);
  if (type === "object" && !info.isFile()) {
    throw badRequest(`invalid import source: ${source}: an object source must be a file`);
  }
  if (type === "common_prefix" && !info.isDirectory()) {
    throw badRequest(
      `invalid import source: ${source}: a common_prefix source must be a directory`,
    );
  }
  const buffer = Buffer.allocUnsafe(HASH_CHUNK);
  if (info.isFile()) yield { relPath: "", entry: fileEntry(source, buffer) };
  else if (info.isDirectory()) yield* walkDir(source, "", realRoots, buffer);
}

const HASH_CHUNK = 1 << 20;

interface Child {
  readonly name: string;
  readonly path: string;
  readonly isDir: boolean;
  /** Sort key: a directory sorts as `name/`, which is where its contents fall in key order. */
  readonly key: string;
}

function* walkDir(
  dir: string,
  prefix: string,
  realRoots: readonly string[],
  buffer: Buffer,
): Generator<ImportedFile> {
  const children: Child[] = [];
  for (const dirent of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, dirent.name);
    let isDir: boolean;
    if (dirent.isDirectory()) isDir = true;
    else if (dirent.isFile()) isDir = false;
    else if (dirent.isSymbolicLink() && isFileLinkInside(path, realRoots)) isDir = false;
    else continue;
    children.push({ name: dirent.name, path, isDir, key: isDir ? `${dirent.name}/` : dirent.name });
  }
  children.sort((a, b) => compareKeys(a.key, b.key));
  for (const child of children) {
    if (child.isDir) yield* walkDir(child.path, `${prefix}${child.name}/`, realRoots, buffer);
    else yield { relPath: prefix + child.name, entry: fileEntry(child.path, buffer) };
  }
}

function isFileLinkInside(path: string, realRoots: readonly string[]): boolean {
  try {
    const real = realpathSync(path);
    return realRoots.some((root) => isInside(real, root)) && statSync(real).isFile();
  } catch {
    return false; // dangling link
  }
}

/** A full-address entry for a file: size, mtime (seconds) and MD5 of its bytes. */
function fileEntry(path: string, buffer: Buffer): Entry {
  const fd = openSync(path, "r");
  try {
    const info = fstatSync(fd);
    const hash = createHash("md5");
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      hash.update(buffer.subarray(0, n));
    }
    return {
      address: SCHEME + path,
      addressType: "full",
      size: info.size,
      etag: hash.digest("hex"),
      mtime: Math.floor(info.mtimeMs / 1000),
      metadata: {},
    };
  } finally {
    closeSync(fd);
  }
}
