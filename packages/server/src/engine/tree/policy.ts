/**
 * Where ranges end. Boundaries are content-defined: after a record, the range closes when the
 * FNV-1a-64 hash of its key is 0 modulo `raggedness`, or when its records reach `maxRangeBytes`.
 * Because the decision depends on keys rather than positions, inserting or deleting keys leaves
 * the other ranges, and therefore their ids, unchanged.
 */
import type { RangeRef } from "./format.js";

const DEFAULT_RAGGEDNESS = 1024;
const DEFAULT_MAX_RANGE_BYTES = 2 * 1024 * 1024;
/** Keeps (hi mod n) * (2^32 mod n) below 2^53, so the modulo below stays exact. */
const MAX_RAGGEDNESS = 2 ** 26;

const TWO_POW_32 = 0x100000000;

/** FNV-1a-64 of the UTF-8 bytes of `key`, modulo `n` (1 <= n <= 2^26). */
export function fnv1a64Mod(key: string, n: number): number {
  // Hash code units; a non-ASCII key is first turned into one code unit per UTF-8 byte.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  const bytes = /^[\x00-\x7f]*$/.test(key) ? key : Buffer.from(key, "utf8").toString("latin1");
  // The 64-bit state as four 16-bit limbs (small-integer arithmetic only); offset basis
  // 0xcbf29ce484222325.
  let a0 = 0x2325;
  let a1 = 0x8422;
  let a2 = 0x9ce4;
  let a3 = 0xcbf2;
  for (let i = 0; i < bytes.length; i++) {
    a0 ^= bytes.charCodeAt(i);
    // state * 0x100000001b3 = state * 0x1b3 + (state << 40), mod 2^64.
    const t0 = a0 * 0x1b3;
    const t1 = a1 * 0x1b3 + (t0 >>> 16);
    const t2 = a2 * 0x1b3 + (t1 >>> 16) + (a0 << 8);
    const t3 = a3 * 0x1b3 + (t2 >>> 16) + (a1 << 8);
    a0 = t0 & 0xffff;
    a1 = t1 & 0xffff;
    a2 = t2 & 0xffff;
    a3 = t3 & 0xffff;
  }
  const hi = a3 * 0x10000 + a2;
  const lo = a1 * 0x10000 + a0;
  return ((hi % n) * (TWO_POW_32 % n) + lo) % n;
}

export interface RangePolicyOptions {
  /** A range closes after a key whose FNV-1a-64 hash is 0 modulo this (default 1024). */
  readonly raggedness?: number;
  /** A range closes once its encoded records reach this many bytes (default 2 MiB). */
  readonly maxRangeBytes?: number;
}

export class RangePolicy {
  readonly raggedness: number;
  readonly maxRangeBytes: number;

  constructor(options: RangePolicyOptions = {}) {
    this.raggedness = options.raggedness ?? DEFAULT_RAGGEDNESS;
    this.maxRangeBytes = options.maxRangeBytes ?? DEFAULT_MAX_RANGE_BYTES;
    const r = this.raggedness;
    if (!Number.isSafeInteger(r) || r < 1 || r > MAX_RAGGEDNESS) {
      throw new Error(`raggedness must be an integer between 1 and ${MAX_RAGGEDNESS}`);
    }
    if (!Number.isSafeInteger(this.maxRangeBytes) || this.maxRangeBytes < 1) {
      throw new Error("maxRangeBytes must be a positive integer");
    }
  }

  /** Whether a range holding `bytes` of records and ending at `key` is complete. */
  closesAfter(key: string, bytes: number): boolean {
    return bytes >= this.maxRangeBytes || fnv1a64Mod(key, this.raggedness) === 0;
  }

  /** Whether `ref` ended at a boundary (rather than at the end of its tree). */
  isClosed(ref: RangeRef): boolean {
    return this.closesAfter(ref.maxKey, ref.bytes);
  }
}
