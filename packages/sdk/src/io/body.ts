/**
 * Upload bodies: every accepted input shape normalised to a lazy sequence of byte chunks, so an
 * upload never needs the whole object in memory.
 */

import { InvalidArgumentError } from "../errors.js";

/**
 * What an upload accepts. Node `Readable`s qualify as async iterables (of `Buffer`, or of strings
 * when an encoding is set), so the core needs no `node:` import to take them.
 */
export type UploadBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>;

const encoder = new TextEncoder();

/** Size in bytes when it is known without reading the body, else undefined. */
export function knownSize(body: UploadBody): number | undefined {
  if (typeof body === "string") return encoder.encode(body).byteLength;
  if (body instanceof Uint8Array) return body.byteLength;
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (isBlob(body)) return body.size;
  return undefined;
}

/**
 * The body as a fixed byte array or a Blob when it already has a known length (so fetch can send
 * it with a Content-Length), else undefined.
 */
export function fixedBody(body: UploadBody): Uint8Array | Blob | undefined {
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (isBlob(body)) return body;
  return undefined;
}

/** Reads the body lazily as byte chunks (empty chunks dropped). Throws InvalidArgumentError for other inputs. */
export async function* byteChunks(body: UploadBody): AsyncGenerator<Uint8Array> {
  const fixed = fixedBody(body);
  if (fixed instanceof Uint8Array) {
    if (fixed.byteLength > 0) yield fixed;
    return;
  }
  const source: AsyncIterable<unknown> | Iterable<unknown> = fixed
    ? streamChunks(fixed.stream())
    : isReadableStream(body)
      ? streamChunks(body)
      : isIterable(body)
        ? body
        : invalid(body);
  for await (const chunk of source) {
    const bytes = toBytes(chunk);
    if (bytes.byteLength > 0) yield bytes;
  }
}

/** Throws an InvalidArgumentError naming the accepted shapes unless `body` is one of them. */
export function assertUploadBody(body: unknown): asserts body is UploadBody {
  if (
    typeof body === "string" ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer ||
    isBlob(body) ||
    isReadableStream(body) ||
    isIterable(body)
  ) {
    return;
  }
  invalid(body);
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return encoder.encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) {
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  throw new InvalidArgumentError(
    `upload body chunks must be Uint8Array or string, got ${describe(chunk)} (object-mode streams are not supported)`,
  );
}

/** Iterates a Web ReadableStream; releases (and cancels) it if the consumer stops early. */
async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    while (true) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== "undefined" && value instanceof Blob;
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== "undefined" && value instanceof ReadableStream;
}

function isIterable(value: unknown): value is AsyncIterable<unknown> | Iterable<unknown> {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<symbol, unknown>;
  return typeof v[Symbol.asyncIterator] === "function" || typeof v[Symbol.iterator] === "function";
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "object";
}

function invalid(body: unknown): never {
  throw new InvalidArgumentError(
    `unsupported upload body (${describe(body)}): expected string, Uint8Array, ArrayBuffer, Blob, ReadableStream, Node Readable or an (async) iterable of Uint8Array/string`,
  );
}

/** Drains byte chunks into one Blob, for runtimes that cannot stream a request body. */
export async function collectBlob(chunks: AsyncIterable<Uint8Array>): Promise<Blob> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return new Blob(parts as BlobPart[]);
}

/** A Web ReadableStream over byte chunks, pulling lazily (so fetch applies backpressure). */
export function toReadableStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}
