/**
 * Layout of range and metarange files. Both start with the magic "LTR1" and a kind byte, then a
 * varint record count and the records:
 *
 * - range record: varint shared (UTF-16 code units shared with the previous key, never splitting a
 *   surrogate pair), varint suffix byte length, suffix UTF-8, varint value length, encoded entry.
 * - metarange record: min key, max key (varint length + UTF-8), 32-byte range id, varint record
 *   count, varint record bytes (what the writer measured against `maxRangeBytes`).
 *
 * A file's id is the hex SHA-256 of its bytes, checked on every read.
 */
import { compareKeys, type Entry } from "../../core/entry.js";
import { ByteReader, ByteWriter, FormatError } from "./bytes.js";
import { decodeEntry } from "./entry-codec.js";

const MAGIC = Buffer.from("LTR1", "latin1");
export const RANGE_KIND = 0x52; // "R"
const METARANGE_KIND = 0x4d; // "M"
const HEADER_LENGTH = MAGIC.length + 1;

/** One metarange record: a range and what the tree needs to know without reading it. */
export interface RangeRef {
  readonly id: string;
  readonly minKey: string;
  readonly maxKey: string;
  readonly count: number;
  /** Encoded record bytes, as measured against `maxRangeBytes` when the range was written. */
  readonly bytes: number;
}

/** Length of the prefix `key` shares with `prev`, in UTF-16 units, not ending inside a surrogate pair. */
function sharedPrefixLength(prev: string, key: string): number {
  const n = Math.min(prev.length, key.length);
  let i = 0;
  while (i < n && prev.charCodeAt(i) === key.charCodeAt(i)) i++;
  if (i > 0) {
    const last = key.charCodeAt(i - 1);
    if (last >= 0xd800 && last <= 0xdbff) i--;
  }
  return i;
}

/** Appends one range record (prefix-compressed against `prev`) to `out`. */
export function writeRangeRecord(out: ByteWriter, prev: string, key: string, value: Uint8Array) {
  const shared = sharedPrefixLength(prev, key);
  out.varint(shared);
  out.string(shared === 0 ? key : key.slice(shared));
  out.varint(value.length);
  out.bytes(value);
}

/** Wraps encoded records into a complete file. */
export function fileBytes(kind: number, count: number, records: Uint8Array): Buffer {
  const head = new ByteWriter(16);
  head.bytes(MAGIC);
  head.u8(kind);
  head.varint(count);
  return Buffer.concat([head.view(), records]);
}

/** True when `buf` starts like a tree file of `kind` ("range" or "metarange"). */
export function isTreeFileOf(buf: Buffer, kind: "range" | "metarange"): boolean {
  const want = kind === "range" ? RANGE_KIND : METARANGE_KIND;
  return (
    buf.length >= HEADER_LENGTH &&
    buf.subarray(0, MAGIC.length).equals(MAGIC) &&
    buf[MAGIC.length] === want
  );
}

function openFile(buf: Buffer, kind: number): { reader: ByteReader; count: number } {
  if (buf.length < HEADER_LENGTH || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new FormatError("not a tree file");
  }
  if (buf[MAGIC.length] !== kind) {
    throw new FormatError(`not a ${kind === RANGE_KIND ? "range" : "metarange"}`);
  }
  const reader = new ByteReader(buf, HEADER_LENGTH);
  const count = reader.varint();
  // Every record takes at least 3 bytes, so a larger count can only come from a damaged file.
  if (count * 3 > buf.length) throw new FormatError("record count exceeds file size");
  return { reader, count };
}

/** A decoded range: keys eagerly, values lazily (decoded on first access, then kept). */
export class LoadedRange {
  private readonly decoded: (Entry | undefined)[];

  constructor(
    readonly keys: readonly string[],
    private readonly buf: Buffer,
    private readonly valueStarts: Uint32Array,
    private readonly valueEnds: Uint32Array,
  ) {
    this.decoded = new Array(keys.length);
  }

  /** The encoded value of record `i`, suitable for copying into a new range unchanged. */
  raw(i: number): Buffer {
    return this.buf.subarray(this.valueStarts[i]!, this.valueEnds[i]!);
  }

  entry(i: number): Entry {
    let entry = this.decoded[i];
    if (entry === undefined) {
      entry = decodeEntry(this.buf, this.valueStarts[i]!, this.valueEnds[i]!);
      this.decoded[i] = entry;
    }
    return entry;
  }

  /** Index of the first key >= `key` at or after `from` (keys.length when none). */
  lowerBound(key: string, from = 0): number {
    return lowerBound(this.keys, (k) => k, key, from);
  }
}

export function decodeRange(buf: Buffer): LoadedRange {
  const { reader, count } = openFile(buf, RANGE_KIND);
  if (count === 0) throw new FormatError("empty range");
  const keys: string[] = new Array(count);
  const starts = new Uint32Array(count);
  const ends = new Uint32Array(count);
  let prev = "";
  for (let i = 0; i < count; i++) {
    const shared = reader.varint();
    if (shared > prev.length) throw new FormatError(`bad key prefix in record ${i}`);
    const suffix = reader.string();
    const key = shared === 0 ? suffix : prev.slice(0, shared) + suffix;
    if (i > 0 && compareKeys(prev, key) >= 0) throw new FormatError(`keys out of order at ${i}`);
    const length = reader.varint();
    starts[i] = reader.pos;
    reader.bytes(length);
    ends[i] = reader.pos;
    keys[i] = key;
    prev = key;
  }
  if (!reader.atEnd) throw new FormatError("trailing bytes");
  return new LoadedRange(keys, buf, starts, ends);
}

export function encodeMetarange(refs: readonly RangeRef[]): Buffer {
  const out = new ByteWriter(refs.length * 96 + 16);
  for (const ref of refs) {
    out.string(ref.minKey);
    out.string(ref.maxKey);
    out.bytes(Buffer.from(ref.id, "hex"));
    out.varint(ref.count);
    out.varint(ref.bytes);
  }
  return fileBytes(METARANGE_KIND, refs.length, out.view());
}

export function decodeMetarange(buf: Buffer): RangeRef[] {
  const { reader, count } = openFile(buf, METARANGE_KIND);
  const refs: RangeRef[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const minKey = reader.string();
    const maxKey = reader.string();
    const id = reader.bytes(32).toString("hex");
    const ref = { id, minKey, maxKey, count: reader.varint(), bytes: reader.varint() };
    if (
      compareKeys(minKey, maxKey) > 0 ||
      (i > 0 && compareKeys(refs[i - 1]!.maxKey, minKey) >= 0)
    ) {
      throw new FormatError(`range bounds out of order at ${i}`);
    }
    if (ref.count === 0) throw new FormatError(`empty range at ${i}`);
    refs[i] = Object.freeze(ref);
  }
  if (!reader.atEnd) throw new FormatError("trailing bytes");
  return refs;
}

/** Index of the first range whose max key is >= `key` (refs.length when none). */
export function rangeIndexFor(refs: readonly RangeRef[], key: string): number {
  return lowerBound(refs, (r) => r.maxKey, key, 0);
}

/**
 * UTF-16 and UTF-8 order differ only where both strings have a code unit >= U+D800 at their
 * first difference, so for a search key without one the engine's native `<` is exact (and much
 * faster than comparing in JavaScript).
 */
const NEEDS_UTF8_COMPARE = /[\ud800-\uffff]/;

/** Index of the first item at or after `from` whose key is >= `key`. */
function lowerBound<T>(items: readonly T[], keyOf: (item: T) => string, key: string, from: number) {
  const native = !NEEDS_UTF8_COMPARE.test(key);
  let lo = from;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keyOf(items[mid]!);
    if (native ? k < key : compareKeys(k, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
