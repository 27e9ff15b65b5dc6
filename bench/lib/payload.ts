/**
 * The deterministic benchmark payload, identical in every side (bench/sides/python_side.py
 * builds the same bytes): a 1 MiB block of SHA-256 output in counter mode, repeated, with each
 * chunk's first 8 bytes replaced by its index so no two chunks are equal. Generated on the fly,
 * so a 1 GiB upload never sits in memory or on disk.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";

export const CHUNK_SIZE = 1 << 20;

let cachedBlock: Buffer | undefined;

function baseBlock(): Buffer {
  if (!cachedBlock) {
    const parts: Buffer[] = [];
    for (let i = 0; i < CHUNK_SIZE / 32; i++) {
      parts.push(createHash("sha256").update(`lakefs-ts-bench:${i}`).digest());
    }
    cachedBlock = Buffer.concat(parts);
  }
  return cachedBlock;
}

/** Chunk `index` of the payload, `length` bytes long (at most CHUNK_SIZE). A fresh buffer. */
export function payloadChunk(index: number, length = CHUNK_SIZE): Buffer<ArrayBuffer> {
  const chunk = Buffer.allocUnsafe(length);
  baseBlock().copy(chunk, 0, 0, length);
  const header = Buffer.alloc(8);
  header.writeBigUInt64BE(BigInt(index));
  header.copy(chunk, 0, 0, Math.min(8, length));
  return chunk;
}

/** The first `size` bytes of the payload, chunk by chunk. */
export function* payloadChunks(size: number): Generator<Buffer> {
  for (let index = 0, left = size; left > 0; index++) {
    const length = Math.min(CHUNK_SIZE, left);
    yield payloadChunk(index, length);
    left -= length;
  }
}

/** Hex MD5 of the first `size` bytes of the payload (what a single-part upload's ETag must be). */
export function payloadMd5(size: number): string {
  const hash = createHash("md5");
  for (const chunk of payloadChunks(size)) hash.update(chunk);
  return hash.digest("hex");
}

/** The payload as a Node stream (pulled lazily, so memory stays at one chunk in flight). */
export function payloadStream(size: number): Readable {
  return Readable.from(payloadChunks(size), { objectMode: false });
}

/** The bytes of small object number `i`: chunk `i` cut to `size`. */
export function smallObject(i: number, size: number): Buffer<ArrayBuffer> {
  return payloadChunk(i, size);
}
