/** Cutting bodies into upload parts and objects into download ranges. */

import { InvalidArgumentError } from "../errors.js";

export const MiB = 1024 * 1024;
/** Default part size for multipart uploads and parallel downloads. */
export const DEFAULT_PART_SIZE = 8 * MiB;
/** Default number of parts in flight. */
export const DEFAULT_CONCURRENCY = 4;
/**
 * Default for uploads of unknown length, where every part in flight is a buffer of partSize
 * (peak memory grows by about that much per part on top of what garbage collection lets linger).
 */
export const DEFAULT_STREAM_CONCURRENCY = 2;
/** S3's limits, which lakeFS's presigned multipart upload inherits. */
const MIN_UPLOAD_PART_SIZE = 5 * MiB;
const MAX_UPLOAD_PART_SIZE = 5 * 1024 * MiB;
export const MAX_UPLOAD_PARTS = 10_000;

/** An inclusive byte range. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The part buffers of one upload, reused once a part has been sent: memory stays at the parts in
 * flight, and no part-sized buffer is zero-filled and then garbage per part.
 */
export class PartBuffers {
  readonly partSize: number;
  readonly #free: Uint8Array[] = [];

  constructor(partSize: number) {
    assertPositiveInteger("partSize", partSize);
    this.partSize = partSize;
  }

  /** A buffer of `partSize` bytes (a returned one when available; its contents are stale). */
  take(): Uint8Array {
    return this.#free.pop() ?? new Uint8Array(this.partSize);
  }

  /**
   * Hands back a part taken from this pool (or a shorter view of one, like a last part) once
   * nothing reads it any more.
   */
  give(part: Uint8Array): void {
    if (part.byteOffset === 0 && part.buffer.byteLength === this.partSize) {
      this.#free.push(new Uint8Array(part.buffer, 0, this.partSize));
    }
  }
}

/**
 * Re-slices a chunk stream into parts of exactly `buffers.partSize` bytes (the last may be shorter
 * and is never empty), each filled into a buffer from `buffers`. Holds one part being filled;
 * the caller gives each yielded part back to `buffers` when done with it.
 */
export async function* fixedSizeParts(
  chunks: AsyncIterable<Uint8Array>,
  buffers: PartBuffers,
): AsyncGenerator<Uint8Array> {
  const partSize = buffers.partSize;
  let part = buffers.take();
  let filled = 0;
  for await (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.byteLength) {
      const take = Math.min(partSize - filled, chunk.byteLength - offset);
      part.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === partSize) {
        yield part;
        part = buffers.take();
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
  else buffers.give(part);
}

/** Splits `[0, size)` into consecutive ranges of `partSize` bytes (none for an empty object). */
export function splitRanges(size: number, partSize: number): ByteRange[] {
  assertPositiveInteger("partSize", partSize);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new InvalidArgumentError(`size must be a non-negative integer, got ${size}`);
  }
  const ranges: ByteRange[] = [];
  for (let start = 0; start < size; start += partSize) {
    ranges.push({ start, end: Math.min(start + partSize, size) - 1 });
  }
  return ranges;
}

/**
 * Validates a multipart upload part size and, when the total is known, grows it just enough to
 * stay within the part-count limit.
 */
export function uploadPartSize(requested: number, totalSize?: number): number {
  assertPositiveInteger("partSize", requested);
  if (requested < MIN_UPLOAD_PART_SIZE || requested > MAX_UPLOAD_PART_SIZE) {
    throw new InvalidArgumentError(
      `partSize must be between ${MIN_UPLOAD_PART_SIZE} (5 MiB) and ${MAX_UPLOAD_PART_SIZE} (5 GiB) bytes, got ${requested}`,
    );
  }
  if (totalSize === undefined) return requested;
  const minimum = Math.ceil(totalSize / MAX_UPLOAD_PARTS);
  if (minimum > MAX_UPLOAD_PART_SIZE) {
    throw new InvalidArgumentError(
      `object of ${totalSize} bytes exceeds the multipart upload limit of ${MAX_UPLOAD_PARTS} parts of 5 GiB`,
    );
  }
  return Math.max(requested, minimum);
}

/** Validates a concurrency option. */
export function checkConcurrency(concurrency: number): number {
  assertPositiveInteger("concurrency", concurrency);
  return concurrency;
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${name} must be a positive integer, got ${value}`);
  }
}
