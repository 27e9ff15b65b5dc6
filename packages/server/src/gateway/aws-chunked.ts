/**
 * Decoding of `Content-Encoding: aws-chunked` bodies: chunks framed as `<hex size>[;chunk-
 * signature=<sig>]\r\n<bytes>\r\n`, ended by a zero-size chunk and optional trailer headers
 * (flexible checksums, and a trailer signature in the signed variant). Chunk signatures chain
 * from the request's signature and are verified as each chunk completes; bytes are passed on
 * as they arrive (the block store commits nothing until the whole body has been verified).
 */
import { createHash, createHmac } from "node:crypto";
import { S3Error } from "./errors.js";
import { type ChunkSigning, EMPTY_SHA256, sameSignature, signatureMismatch } from "./sigv4.js";

/** Longest chunk header or trailer line accepted. */
const MAX_LINE_BYTES = 4096;
/** Most trailer lines accepted. */
const MAX_TRAILER_LINES = 16;

export interface ChunkedOptions {
  /** Verify chunk (and trailer) signatures; undefined for the unsigned variant. */
  readonly signing?: ChunkSigning | undefined;
  /** Called with each trailer header (lower-case name) before the body ends. */
  readonly onTrailer?: ((name: string, value: string) => void) | undefined;
}

const malformed = (what: string) =>
  new S3Error("IncompleteBody", `The aws-chunked body is malformed: ${what}`);
const truncated = () =>
  new S3Error("IncompleteBody", "The request body ended before its last chunk");

const EMPTY = Buffer.alloc(0);

/** Yields the decoded payload of an aws-chunked body; throws S3Errors on bad framing/signatures. */
export async function* decodeAwsChunked(
  source: AsyncIterable<Uint8Array>,
  options: ChunkedOptions,
): AsyncGenerator<Uint8Array> {
  const input = source[Symbol.asyncIterator]();
  let buf: Buffer = EMPTY;
  const more = async (): Promise<boolean> => {
    const next = await input.next();
    if (next.done) return false;
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    return true;
  };
  const line = async (): Promise<string> => {
    for (;;) {
      const end = buf.indexOf("\r\n");
      if (end >= 0) {
        if (end > MAX_LINE_BYTES) throw malformed("line too long");
        const text = buf.subarray(0, end).toString("latin1");
        buf = buf.subarray(end + 2);
        return text;
      }
      if (buf.length > MAX_LINE_BYTES) throw malformed("line too long");
      if (!(await more())) throw truncated();
    }
  };
  const signing = options.signing;
  let previous = signing?.seedSignature ?? "";

  for (;;) {
    const header = await line();
    const semi = header.indexOf(";");
    const sizeText = semi < 0 ? header : header.slice(0, semi);
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw malformed("bad chunk size");
    const size = Number.parseInt(sizeText, 16);
    if (!Number.isSafeInteger(size)) throw malformed("bad chunk size");
    let signature: string | undefined;
    if (semi >= 0) {
      const ext = header.slice(semi + 1);
      if (!ext.startsWith("chunk-signature=")) throw malformed("unknown chunk extension");
      signature = ext.slice("chunk-signature=".length);
    }
    if (signing && signature === undefined) throw signatureMismatch();
    const hash = signing ? createHash("sha256") : undefined;
    let remaining = size;
    while (remaining > 0) {
      if (buf.length === 0 && !(await more())) throw truncated();
      const n = Math.min(remaining, buf.length);
      const piece = buf.subarray(0, n);
      buf = buf.subarray(n);
      remaining -= n;
      hash?.update(piece);
      yield piece;
    }
    if (signing) {
      const toSign = [
        "AWS4-HMAC-SHA256-PAYLOAD",
        signing.amzDate,
        signing.scope,
        previous,
        EMPTY_SHA256,
        hash!.digest("hex"),
      ].join("\n");
      const expected = createHmac("sha256", signing.key).update(toSign).digest("hex");
      if (!sameSignature(expected, signature!)) throw signatureMismatch();
      previous = expected;
    }
    if (size === 0) break;
    while (buf.length < 2) if (!(await more())) throw truncated();
    if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw malformed("chunk not followed by CRLF");
    buf = buf.subarray(2);
  }

  // Trailer headers up to an empty line (the signed, trailer-less form has just the empty line).
  const trailer: string[] = [];
  let trailerSignature: string | undefined;
  for (let count = 0; ; count++) {
    const text = await line().catch((err) => {
      // Some clients end the body right after the last trailer line.
      if (err instanceof S3Error && buf.length === 0 && count > 0) return "";
      throw err;
    });
    if (text === "") break;
    if (count >= MAX_TRAILER_LINES) throw malformed("too many trailer lines");
    const colon = text.indexOf(":");
    if (colon <= 0) throw malformed("bad trailer line");
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === "x-amz-trailer-signature") {
      trailerSignature = value;
      continue;
    }
    trailer.push(`${name}:${value}\n`);
    options.onTrailer?.(name, value);
  }
  if (signing && trailer.length > 0) {
    if (trailerSignature === undefined) throw signatureMismatch();
    const toSign = [
      "AWS4-HMAC-SHA256-TRAILER",
      signing.amzDate,
      signing.scope,
      previous,
      createHash("sha256").update(trailer.join("")).digest("hex"),
    ].join("\n");
    const expected = createHmac("sha256", signing.key).update(toSign).digest("hex");
    if (!sameSignature(expected, trailerSignature)) throw signatureMismatch();
  }
  // Drain whatever follows, so the request completes.
  while (await more()) buf = EMPTY;
}
