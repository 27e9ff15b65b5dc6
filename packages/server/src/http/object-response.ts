/** Response headers and byte ranges for serving object contents (GET/HEAD objects, presigned GET). */
import type { FastifyReply } from "fastify";
import type { ByteRange, EntryLocation, LocalBlockStore } from "../block/local.js";
import type { Entry } from "../core/entry.js";
import { EngineError } from "../core/errors.js";

const unsatisfiable = () =>
  new EngineError("range_not_satisfiable", "Requested Range Not Satisfiable");

/**
 * Parses a `Range: bytes=...` header against an object of `size` bytes into an inclusive byte
 * range. Only a single range is served; malformed, multi-range or unsatisfiable → 416.
 */
function parseRange(header: string, size: number): Required<ByteRange> {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) throw unsatisfiable();
  if (m[1] === "") {
    // Suffix range: the last N bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || start > end) throw unsatisfiable();
  return { start, end };
}

/** Quoted ETag of an entry, as lakeFS sends it in headers. */
export function quotedEtag(entry: Entry): string {
  return `"${entry.etag}"`;
}

/**
 * Sets the headers common to every object read (full, partial or HEAD): lakeFS's
 * `Content-Disposition: inline` and `Cache-Control: no-store, must-revalidate`. Since objects are
 * served inline from the API's origin (where the web UI lives too), `nosniff` and a sandboxing
 * CSP keep an uploaded HTML or SVG file from running script there; clients ignore both.
 */
export function setObjectHeaders(reply: FastifyReply, entry: Entry): void {
  const contentType = entry.contentType || "application/octet-stream";
  reply
    .header("ETag", quotedEtag(entry))
    .header("Last-Modified", new Date(entry.mtime * 1000).toUTCString())
    .header("Content-Type", contentType)
    .header("Content-Disposition", "inline")
    .header("Accept-Ranges", "bytes")
    .header("Cache-Control", "no-store, must-revalidate")
    .header("X-Content-Type-Options", "nosniff")
    .header("Content-Security-Policy", "sandbox");
}

/**
 * The byte range a request asks for (undefined: the whole object). A 416 carries
 * `Content-Range: bytes *\/<size>` as HTTP requires.
 */
export function requestedRange(
  reply: FastifyReply,
  header: string | undefined,
  size: number,
): Required<ByteRange> | undefined {
  if (header === undefined) return undefined;
  try {
    return parseRange(header, size);
  } catch (err) {
    reply.header("Content-Range", `bytes */${size}`);
    throw err;
  }
}

/**
 * Streams an object's bytes (all, or the requested range). `headers` are applied only once the
 * bytes are open, so an error answer never carries the object's headers.
 */
export async function sendObjectBytes(
  reply: FastifyReply,
  blocks: LocalBlockStore,
  nsDir: string,
  location: EntryLocation,
  size: number,
  rangeHeader: string | undefined,
  headers: () => void,
): Promise<FastifyReply> {
  const range = requestedRange(reply, rangeHeader, size);
  const opened = await blocks.open(nsDir, location, range);
  headers();
  setBodyHeaders(reply, opened.size, range);
  return reply.send(opened.bytes ?? opened.stream);
}

/** Sets status and length headers for a full (200) or ranged (206) body. */
export function setBodyHeaders(
  reply: FastifyReply,
  size: number,
  range: Required<ByteRange> | undefined,
): void {
  if (range) {
    reply
      .code(206)
      .header("Content-Range", `bytes ${range.start}-${range.end}/${size}`)
      .header("Content-Length", range.end - range.start + 1);
  } else {
    reply.code(200).header("Content-Length", size);
  }
}
