/**
 * Path confinement for the local block store: every path we touch is checked lexically (no `.`/`..`
 * segments, no control characters or backslashes, bounded length) and, where it may already
 * exist, by resolving symlinks so a link cannot lead outside the directory it must stay in.
 */
import { realpathSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { badRequest } from "../core/errors.js";

/** Longest accepted path segment, in UTF-8 bytes (the usual filesystem name limit). */
const MAX_SEGMENT_BYTES = 255;
/** Longest accepted relative path (namespace, address), in UTF-8 bytes. */
export const MAX_PATH_BYTES = 1024;
/** Longest accepted absolute path (import sources, full addresses): Linux's PATH_MAX. */
export const MAX_ABSOLUTE_PATH_BYTES = 4096;

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f\\]/;

/**
 * Splits a relative, `/`-separated path into its segments, rejecting anything that could address
 * a different directory than it appears to: absolute paths, `.`/`..` (also percent-encoded),
 * control characters (NUL included), backslashes, and over-long names. Empty segments (a trailing
 * or doubled `/`) are dropped. `what` names the value in the error message.
 */
export function safeSegments(path: string, what: string, maxBytes = MAX_PATH_BYTES): string[] {
  if (path.startsWith("/")) throw badRequest(`${what}: absolute paths are not allowed`);
  if (FORBIDDEN_CHARS.test(path)) {
    throw badRequest(`${what}: control characters and backslashes are not allowed`);
  }
  if (Buffer.byteLength(path) > maxBytes) {
    throw badRequest(`${what}: longer than ${maxBytes} bytes`);
  }
  const segments = path.split("/").filter((s) => s !== "");
  if (segments.length === 0) throw badRequest(`${what}: empty path`);
  for (const segment of segments) {
    if (isDotSegment(segment)) throw badRequest(`${what}: "." and ".." segments are not allowed`);
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw badRequest(`${what}: path segment longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  return segments;
}

/** `.` or `..`, literally or once percent-decoded (a consumer might decode before using it). */
function isDotSegment(segment: string): boolean {
  if (segment === "." || segment === "..") return true;
  if (!segment.includes("%")) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return false;
  }
  if (FORBIDDEN_CHARS.test(decoded)) return true;
  return decoded.split("/").some((part) => part === "." || part === "..");
}

/** True when `path` is `dir` or lies beneath it (both absolute and normalised). */
export function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/**
 * Resolves symlinks in `path`; a path that does not exist yet resolves to itself. Uses the
 * system's realpath (one call) rather than Node's JS one (an lstat per path component): it runs
 * on every object read.
 */
export function realpathOrSelf(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Resolves the deepest existing ancestor of `path` (itself included) through symlinks and throws
 * 400 unless it stays inside `realDir` (a realpath). Parts that do not exist yet cannot be links.
 */
export function assertResolvesInside(path: string, realDir: string, what: string): void {
  let current = resolve(path);
  for (;;) {
    let real: string;
    try {
      real = realpathSync.native(current);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = dirname(current);
      if ((code === "ENOENT" || code === "ENOTDIR") && parent !== current) {
        current = parent;
        continue;
      }
      throw badRequest(`${what}: cannot resolve path`);
    }
    if (!isInside(real, realDir)) throw badRequest(`${what}: resolves outside the storage root`);
    return;
  }
}
