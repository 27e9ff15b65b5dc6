/**
 * xids, as lakeFS names object data: 12 bytes — a 4-byte big-endian unix time in seconds, 3
 * machine bytes, 2 process-id bytes, a 3-byte big-endian counter — written as 20 lower-case
 * base32hex characters (`[0-9a-v]{20}`). base32hex keeps byte order, so xids sort by time.
 */
import { createHash, randomBytes, randomInt } from "node:crypto";
import { hostname } from "node:os";

const ALPHABET = "0123456789abcdefghijklmnopqrstuv";
export const XID_BYTES = 12;
export const XID_PATTERN = /^[0-9a-v]{20}$/;

/** base32hex (RFC 4648 §7) without padding, lower case: 12 bytes → 20 characters. */
export function encodeXid(bytes: Uint8Array): string {
  if (bytes.length !== XID_BYTES) throw new Error(`an xid has ${XID_BYTES} bytes`);
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff; // at most 4 + 8 bits are ever pending
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  // 96 bits leave 1: the last character carries it, padded with zeros.
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Machine and process bytes fixed per process, a counter from a random start (as xid does). */
export class XidGenerator {
  private readonly machine: Buffer;
  private readonly pid: number;
  private counter: number;

  constructor() {
    this.machine = createHash("sha256").update(hostname()).digest().subarray(0, 3);
    this.pid = process.pid & 0xffff;
    this.counter = randomInt(0, 0x1000000);
  }

  /** A new xid for `seconds` (unix time, or any 32-bit value such as a descending time). */
  next(seconds: number): string {
    const bytes = Buffer.alloc(XID_BYTES);
    bytes.writeUInt32BE(seconds >>> 0, 0);
    this.machine.copy(bytes, 4);
    bytes.writeUInt16BE(this.pid, 7);
    this.counter = (this.counter + 1) & 0xffffff;
    bytes.writeUIntBE(this.counter, 9, 3);
    return encodeXid(bytes);
  }
}

/** 12 random bytes as an xid string: for tests and callers that only need the shape. */
export function randomXid(): string {
  return encodeXid(randomBytes(XID_BYTES));
}
