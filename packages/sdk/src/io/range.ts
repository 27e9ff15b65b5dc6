/** HTTP byte-range headers (RFC 9110 §14). */

import { InvalidArgumentError } from "../errors.js";

/** `Range` header for `length` bytes from `start`, or from `start` to the end when omitted. */
export function rangeHeader(start: number, length?: number): string {
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new InvalidArgumentError(`range start must be a non-negative integer, got ${start}`);
  }
  if (length === undefined) return `bytes=${start}-`;
  if (!Number.isSafeInteger(length) || length < 1) {
    throw new InvalidArgumentError(`range length must be a positive integer, got ${length}`);
  }
  return `bytes=${start}-${start + length - 1}`;
}

/** A parsed `Content-Range`: the served span (absent in the unsatisfied form) and the full size if known. */
export interface ContentRange {
  readonly start?: number;
  readonly end?: number;
  readonly size?: number;
}

/** Parses `bytes a-b/N`, `bytes a-b/*` or the unsatisfied `*` form; undefined when malformed. */
export function parseContentRange(value: string | null | undefined): ContentRange | undefined {
  if (!value) return undefined;
  const m = /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)\s*$/i.exec(value);
  if (!m) return undefined;
  const size = m[3] === "*" ? undefined : Number(m[3]);
  if (m[1] === undefined) return { size };
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) return undefined;
  return { start, end, size };
}

/** An ETag without surrounding quotes or a weak prefix, for comparison and as a checksum. */
export function bareETag(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  return value
    .trim()
    .replace(/^W\//, "")
    .replace(/^"(.*)"$/, "$1");
}
