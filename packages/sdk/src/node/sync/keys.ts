/**
 * Object keys relative to a prefix, as both sides of a directory sync name files: `/`-separated,
 * compared in UTF-8 byte order (lakeFS's listing order, which differs from JavaScript's UTF-16
 * string order for characters beyond the BMP).
 */
import { sep } from "node:path";
import { InvalidArgumentError } from "../../errors.js";

/** Compares two keys by their UTF-8 bytes, as lakeFS orders listings. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** A directory prefix: empty, or ending in `/` (so `data` lists `data/…`, not `database`). */
export function directoryPrefix(prefix: string): string {
  if (typeof prefix !== "string") throw new InvalidArgumentError("prefix must be a string");
  if (prefix === "" || prefix.endsWith("/")) return prefix;
  return `${prefix}/`;
}

/**
 * True when `key` names a file that stays inside the directory it is written to: no empty,
 * `.` or `..` segment, no NUL, and no platform separator other than `/` inside a segment.
 */
export function isSafeRelativeKey(key: string): boolean {
  if (key === "" || key.includes("\0")) return false;
  for (const segment of key.split("/")) {
    if (segment === "" || segment === "." || segment === "..") return false;
    if (sep !== "/" && segment.includes(sep)) return false;
  }
  return true;
}

/** The local path of `key` under `root`. */
export function localPathOf(root: string, key: string): string {
  return sep === "/" ? `${root}${sep}${key}` : `${root}${sep}${key.split("/").join(sep)}`;
}
