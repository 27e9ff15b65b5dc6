/**
 * The byte stream of an object upload: the raw request body (any content type), or the `content`
 * part of a `multipart/form-data` body. Nothing is buffered; the block store pulls chunks as it
 * writes them, so TCP backpressure reaches the client.
 */
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { Busboy } from "@fastify/busboy";
import { badRequest } from "../core/errors.js";
import { DEFAULT_CONTENT_TYPE, type UploadBody } from "../service/object-writes.js";

const META_PREFIX = "x-lakefs-meta-";
/**
 * lakeFS's internal upload headers: `X-Lakefs-Internal-<name>` is stored as user metadata
 * `::lakefs::<name>` (lakectl local sends `client-mtime` and `symlink-target` this way, since a
 * header name cannot hold the `:` of the metadata key).
 */
const INTERNAL_PREFIX = "x-lakefs-internal-";
const INTERNAL_METADATA_PREFIX = "::lakefs::";

/**
 * User metadata from `x-lakefs-meta-<key>` request headers (keys lower-cased) and from
 * `x-lakefs-internal-<key>` headers (stored as `::lakefs::<key>`).
 */
export function userMetadataFromHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    let key: string | undefined;
    if (name.startsWith(META_PREFIX)) key = name.slice(META_PREFIX.length);
    else if (name.startsWith(INTERNAL_PREFIX) && name.length > INTERNAL_PREFIX.length) {
      key = INTERNAL_METADATA_PREFIX + name.slice(INTERNAL_PREFIX.length);
    }
    if (key) metadata[key] = Array.isArray(value) ? value.join(",") : value;
  }
  return metadata;
}

/** Opens the upload stream of a request whose body parser left the payload untouched. */
export function uploadBody(raw: IncomingMessage): Promise<UploadBody> {
  const type = raw.headers["content-type"];
  if (type && /^multipart\/form-data\b/i.test(type)) return multipartContent(raw);
  return Promise.resolve({ body: raw, contentType: type || DEFAULT_CONTENT_TYPE });
}

/** Finds the part named `content`; other parts are drained and ignored. */
function multipartContent(raw: IncomingMessage): Promise<UploadBody> {
  return new Promise((resolve, reject) => {
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({ headers: raw.headers as never, isPartAFile: (name) => name === "content" });
    } catch (err) {
      reject(badRequest(`request body has an error: ${(err as Error).message}`));
      return;
    }
    let content: Readable | undefined;
    let settle!: { resolve: () => void; reject: (err: Error) => void };
    const complete = new Promise<void>((res, rej) => {
      settle = { resolve: res, reject: rej };
    });
    complete.catch(() => {});
    const fail = (err: Error) => {
      const error = badRequest(`request body has an error: ${err.message}`);
      // A truncated body must fail the pending write, not end the object early.
      content?.destroy(error);
      settle.reject(error);
      reject(error);
    };
    parser.on("file", (name, stream, _filename, _encoding, mimeType) => {
      if (name !== "content" || content) {
        stream.resume();
        return;
      }
      content = stream;
      resolve({
        body: stream,
        contentType: mimeType || DEFAULT_CONTENT_TYPE,
        bodyComplete: complete,
      });
    });
    parser.on("error", fail);
    raw.on("error", fail);
    parser.on("finish", () => {
      if (!content) fail(new Error('multipart/form-data has no "content" part'));
      else settle.resolve();
    });
    raw.pipe(parser);
  });
}
