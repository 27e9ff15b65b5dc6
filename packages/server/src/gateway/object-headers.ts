/**
 * Object metadata on the wire: `x-amz-meta-*` request headers in, canonical-case
 * `X-Amz-Meta-*` response headers out (as lakeFS answers), plus the conditional-read rules.
 */
import type { FastifyReply } from "fastify";
import type { Entry } from "../core/entry.js";
import { S3Error } from "./errors.js";
import { headerValue, queryParam, type RequestView } from "./request-view.js";

const META_PREFIX = "x-amz-meta-";
/** S3's limit on the total size of user metadata. */
const MAX_METADATA_BYTES = 2048;

/** User metadata from `x-amz-meta-<key>` headers (keys lower-case, as HTTP delivers them). */
export function metadataFromHeaders(view: RequestView): Record<string, string> {
  const metadata: Record<string, string> = {};
  let bytes = 0;
  for (const name of Object.keys(view.headers)) {
    if (!name.startsWith(META_PREFIX) || name.length === META_PREFIX.length) continue;
    const key = name.slice(META_PREFIX.length);
    const value = headerValue(view, name) ?? "";
    bytes += key.length + value.length;
    metadata[key] = value;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new S3Error(
      "InvalidArgument",
      "Your metadata headers exceed the maximum allowed metadata size.",
    );
  }
  return metadata;
}

/** `owner-id` → `Owner-Id`. */
function canonicalCase(key: string): string {
  return key.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** RFC 9110 token characters: what a header name may hold. */
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible Latin-1 text, spaces and tabs: what Node sends as a header value. */
const HEADER_TEXT = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Quoted ETag as S3 sends it. */
export const quoted = (entry: Pick<Entry, "etag">) => `"${entry.etag}"`;

/** ISO-8601 with milliseconds, as S3 lists timestamps. */
export const isoTime = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** Query parameters that override response headers on GetObject. */
const RESPONSE_OVERRIDES: Record<string, string> = {
  "response-content-type": "Content-Type",
  "response-content-language": "Content-Language",
  "response-expires": "Expires",
  "response-cache-control": "Cache-Control",
  "response-content-disposition": "Content-Disposition",
  "response-content-encoding": "Content-Encoding",
};

/** Headers of a GET or HEAD answer (not the length/range ones). */
export function setS3ObjectHeaders(reply: FastifyReply, view: RequestView, entry: Entry): void {
  reply
    .header("ETag", quoted(entry))
    .header("Last-Modified", new Date(entry.mtime * 1000).toUTCString())
    .header("Content-Type", entry.contentType || "application/octet-stream")
    .header("Accept-Ranges", "bytes");
  // Metadata written through the lakeFS API (e.g. lakectl's `::lakefs::client-mtime`) may not
  // fit in a header; S3 leaves such entries out and counts them in x-amz-missing-meta.
  let missing = 0;
  for (const [key, value] of Object.entries(entry.metadata)) {
    if (HEADER_TOKEN.test(key) && HEADER_TEXT.test(value)) {
      reply.header(`X-Amz-Meta-${canonicalCase(key)}`, value);
    } else missing++;
  }
  if (missing > 0) reply.header("x-amz-missing-meta", String(missing));
  for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = queryParam(view, param);
    if (value !== undefined) reply.header(header, value);
  }
}

function etagMatches(header: string, entry: Entry): boolean {
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, "").replaceAll('"', ""))
    .some((tag) => tag === "*" || tag === entry.etag);
}

/**
 * Conditional read headers (RFC 7232 order, as S3 applies them): a failed `If-Match` or
 * `If-Unmodified-Since` is 412; a matching `If-None-Match` or an unmet `If-Modified-Since` is
 * "not modified" (the caller answers 304).
 */
export function notModified(view: RequestView, entry: Entry): boolean {
  const ifMatch = headerValue(view, "if-match");
  const ifNoneMatch = headerValue(view, "if-none-match");
  const modifiedSince = headerValue(view, "if-modified-since");
  const unmodifiedSince = headerValue(view, "if-unmodified-since");
  const mtimeMs = entry.mtime * 1000;
  const failed = () =>
    new S3Error(
      "PreconditionFailed",
      "At least one of the pre-conditions you specified did not hold",
    );
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, entry)) throw failed();
  } else if (unmodifiedSince !== undefined) {
    const since = Date.parse(unmodifiedSince);
    if (!Number.isNaN(since) && mtimeMs > since) throw failed();
  }
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, entry);
  if (modifiedSince !== undefined) {
    const since = Date.parse(modifiedSince);
    return !Number.isNaN(since) && mtimeMs <= since;
  }
  return false;
}
