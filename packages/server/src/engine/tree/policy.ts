/**
 * Where ranges end. Boundaries are content-defined: after a record, the range closes when the
 * FNV-1a-64 hash of its key is 0 modulo `raggedness`, or when its records reach `maxRangeBytes`.
 * Because the decision depends on keys rather than positions, inserting or deleting keys leaves
 * the other ranges, and therefore their ids, unchanged.
 */
import type { RangeRef } from "./format.js";

export const DEFAULT_RAGGEDNESS = 1024;
export const DEFAULT_MAX_RANGE_BYTES = 2 * 1024 * 1024;
/** Keeps (hi mod n) * (2^32 mod n) below 2^53, so the modulo below stays exact. */
const MAX_RAGGEDNESS = 2 ** 26;

const TWO_POW_32 = 0x100000000;

// The 64-bit FNV state as two 32-bit halves (module-level so the hot loop allocates nothing).
let hi = 0;
let lo = 0;

function mix(byte: number): void {
  lo ^= byte;
  // state * 0x100000001b3 = state * 0x1b3 + (state << 40), mod 2^64. All products stay < 2^53.
  const loProduct = (lo >>> 0) * 0x1b3;
  hi = (hi * 0x1b3 + Math.floor(loProduct / TWO_POW_32) + ((lo << 8) >>> 0)) >>> 0;
  lo = loProduct >>> 0;
}

/** FNV-1a-64 of the UTF-8 bytes of `key`, modulo `n` (1 <= n <= 2^26). */
export function fnv1a64Mod(key: string, n: number): number {
  hi = 0xcbf29ce4; // offset basis 0xcbf29ce484222325
  lo = 0x84222325;
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i);
    if (c < 0x80) {
      mix(c);
    } else if (c < 0x800) {
      mix(0xc0 | (c >> 6));
      mix(0x80 | (c & 0x3f));
    } else {
      const next = key.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        mix(0xf0 | (c >> 18));
        mix(0x80 | ((c >> 12) & 0x3f));
      } else {
        mix(0xe0 | (c >> 12));
      }
      mix(0x80 | ((c >> 6) & 0x3f));
      mix(0x80 | (c & 0x3f));
    }
  }
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
