/**
 * Core value types of the versioning engine, shared by the committed tree, staging and the HTTP
 * layer. Keys are object paths; their order everywhere is the byte order of their UTF-8 encoding,
 * which is what lakeFS listings, ranges and diffs use.
 */
import { createHash } from "node:crypto";

/** The value stored for an object path, staged or committed. */
export interface Entry {
  /** Physical address: relative to the repository's storage namespace, or a full URI. */
  readonly address: string;
  readonly addressType: "relative" | "full";
  readonly size: number;
  /** Lowercase hex MD5 of the bytes (multipart: MD5 of part MD5s + "-N"), unquoted. */
  readonly etag: string;
  /** Modification time, unix seconds. */
  readonly mtime: number;
  readonly metadata: Readonly<Record<string, string>>;
  /** Empty or undefined for imported objects. */
  readonly contentType?: string | undefined;
}

/** One staged or computed change to a key: a new value, or a tombstone (`value: null`). */
export interface Change {
  readonly key: string;
  readonly value: Entry | null;
}

/**
 * Compares two keys by the byte order of their UTF-8 encodings. UTF-8 byte order equals code
 * point order; JavaScript's `<` compares UTF-16 code units, which disagrees only when a
 * surrogate (U+D800–U+DFFF) meets a code unit in U+E000–U+FFFF, so that case is fixed up.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates encode code points above U+FFFF, which sort after every BMP code unit.
      const xs = x <= 0xdfff;
      const ys = y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * An object's identity: what commit, diff and merge compare. Size, ETag, user metadata and (only
 * when set) content type; never the physical address or mtime, so re-uploading identical bytes
 * with identical metadata is "no change".
 */
export function entryIdentity(e: Entry): string {
  const h = createHash("sha256");
  h.update(`size:${e.size}\0etag:${e.etag}\0`);
  for (const k of Object.keys(e.metadata).sort()) {
    h.update(`m:${k.length}:${k}${e.metadata[k]!.length}:${e.metadata[k]}\0`);
  }
  if (e.contentType) h.update(`ct:${e.contentType}`);
  return h.digest("hex");
}

/** True when two entries have the same identity (cheap checks first). */
export function sameIdentity(a: Entry, b: Entry): boolean {
  if (a.size !== b.size || a.etag !== b.etag || (a.contentType || "") !== (b.contentType || "")) {
    return false;
  }
  const ak = Object.keys(a.metadata);
  if (ak.length !== Object.keys(b.metadata).length) return false;
  for (const k of ak) if (a.metadata[k] !== b.metadata[k]) return false;
  return true;
}

/**
 * The smallest key greater than every key that starts with `prefix` (byte order), or "" when
 * there is none. Used to jump past a whole common prefix in listings and diffs.
 */
export function keyUpperBound(prefix: string): string {
  const cps = Array.from(prefix);
  while (cps.length > 0) {
    let last = cps.pop()!.codePointAt(0)!;
    if (last === 0x10ffff) continue;
    last += 1;
    if (last === 0xd800) last = 0xe000; // skip the surrogate block: not encodable in UTF-8
    return cps.join("") + String.fromCodePoint(last);
  }
  return "";
}
