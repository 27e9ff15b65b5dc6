/**
 * Compact binary encoding of an `Entry` (a range record's value):
 * flags (bit 0: full address, bit 1: content type present), address, size, etag, mtime (float64,
 * so fractional or pre-1970 times survive), metadata count + pairs, content type if present.
 */
import type { Entry } from "../../core/entry.js";
import { ByteReader, ByteWriter, FormatError } from "./bytes.js";

const FULL_ADDRESS = 1;
const HAS_CONTENT_TYPE = 2;

function invalid(key: string, what: string): Error {
  return new Error(`invalid entry for key ${JSON.stringify(key)}: ${what}`);
}

/** Throws a clear Error when `entry` cannot be stored faithfully under `key`. */
function validateEntry(key: string, entry: Entry): void {
  if (typeof entry !== "object" || entry === null) throw invalid(key, "not an object");
  if (typeof entry.address !== "string") throw invalid(key, "address must be a string");
  if (entry.addressType !== "relative" && entry.addressType !== "full") {
    throw invalid(key, 'addressType must be "relative" or "full"');
  }
  if (!Number.isSafeInteger(entry.size) || entry.size < 0) {
    throw invalid(key, "size must be a non-negative integer");
  }
  if (typeof entry.etag !== "string") throw invalid(key, "etag must be a string");
  if (!Number.isFinite(entry.mtime)) throw invalid(key, "mtime must be a finite number");
  if (typeof entry.metadata !== "object" || entry.metadata === null) {
    throw invalid(key, "metadata must be an object");
  }
  for (const value of Object.values(entry.metadata)) {
    if (typeof value !== "string") throw invalid(key, "metadata values must be strings");
  }
  if (entry.contentType !== undefined && typeof entry.contentType !== "string") {
    throw invalid(key, "contentType must be a string");
  }
}

const scratch = new ByteWriter(1024);

/** Encodes `entry` (validated) into a fresh buffer. */
export function encodeEntry(key: string, entry: Entry): Buffer {
  validateEntry(key, entry);
  scratch.reset();
  let flags = entry.addressType === "full" ? FULL_ADDRESS : 0;
  if (entry.contentType !== undefined) flags |= HAS_CONTENT_TYPE;
  scratch.u8(flags);
  scratch.string(entry.address);
  scratch.varint(entry.size);
  scratch.string(entry.etag);
  scratch.f64(entry.mtime);
  const metadataKeys = Object.keys(entry.metadata);
  scratch.varint(metadataKeys.length);
  for (const k of metadataKeys) {
    scratch.string(k);
    scratch.string(entry.metadata[k]!);
  }
  if (entry.contentType !== undefined) scratch.string(entry.contentType);
  return Buffer.from(scratch.view());
}

/** Decodes a value written by `encodeEntry`; the result is frozen because it is cached and shared. */
export function decodeEntry(buf: Buffer, start: number, end: number): Entry {
  const r = new ByteReader(buf, start, end);
  const flags = r.u8();
  if (flags > (FULL_ADDRESS | HAS_CONTENT_TYPE)) throw new FormatError("bad entry flags");
  const address = r.string();
  const size = r.varint();
  const etag = r.string();
  const mtime = r.f64();
  const pairs: [string, string][] = [];
  for (let n = r.varint(); n > 0; n--) pairs.push([r.string(), r.string()]);
  // fromEntries defines own properties, so a "__proto__" metadata key stays plain data.
  const metadata = Object.fromEntries(pairs);
  const contentType = flags & HAS_CONTENT_TYPE ? r.string() : undefined;
  if (!r.atEnd) throw new FormatError("trailing bytes after entry");
  const entry: Entry = {
    address,
    addressType: flags & FULL_ADDRESS ? "full" : "relative",
    size,
    etag,
    mtime,
    metadata: Object.freeze(metadata),
    ...(contentType !== undefined ? { contentType } : {}),
  };
  return Object.freeze(entry);
}
