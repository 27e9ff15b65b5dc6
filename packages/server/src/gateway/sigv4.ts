/**
 * AWS Signature Version 4 as S3 uses it: the `Authorization` header form and the presigned
 * query form. Verifying yields the caller and how the payload is protected (a SHA-256 to check,
 * signed aws-chunked framing, an unsigned checksum trailer, or nothing). Any region is accepted:
 * the credential scope names the one the client signed for.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { SigningKey } from "../auth/credentials.js";
import { S3Error } from "./errors.js";
import { headerValue, queryParam, type RequestView, uriEncode } from "./request-view.js";

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
export const STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
export const STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
export const STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
export const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

/** How far a signed request's time may be from ours (S3: 15 minutes). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** The longest presigned URL lifetime S3 accepts: 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

/** What chunk signatures of a signed aws-chunked body chain from. */
export interface ChunkSigning {
  readonly key: Buffer;
  readonly amzDate: string;
  readonly scope: string;
  /** The request's own signature: the first chunk's "previous signature". */
  readonly seedSignature: string;
}

export type PayloadProtection =
  | { readonly kind: "none" }
  | { readonly kind: "sha256"; readonly hex: string }
  | { readonly kind: "signed-chunks"; readonly signing: ChunkSigning; readonly trailer: boolean }
  | { readonly kind: "unsigned-trailer" };

export interface Verified {
  readonly key: SigningKey;
  readonly payload: PayloadProtection;
}

export type KeyLookup = (accessKeyId: string) => SigningKey | undefined;

export const signatureMismatch = () =>
  new S3Error(
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  );
export const unknownAccessKey = () =>
  new S3Error(
    "InvalidAccessKeyId",
    "The AWS Access Key Id you provided does not exist in our records.",
  );

const hmac = (key: Buffer | string, data: string) =>
  createHmac("sha256", key).update(data).digest();
export const sha256Hex = (data: string | Uint8Array) =>
  createHash("sha256").update(data).digest("hex");

/** The key chain `AWS4<secret>` → date → region → service → `aws4_request`. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

/** Derived keys change once a day per secret and scope; most requests reuse one. */
const MAX_CACHED_KEYS = 256;
const derivedKeys = new Map<string, Buffer>();

/** `signingKey`, remembered per secret and scope (a bounded cache, in memory only). */
function cachedSigningKey(secret: string, credential: Credential): Buffer {
  const id = `${secret}\n${credential.scope}`;
  let key = derivedKeys.get(id);
  if (key === undefined) {
    if (derivedKeys.size >= MAX_CACHED_KEYS) derivedKeys.clear();
    key = signingKey(secret, credential.date, credential.region, credential.service);
    derivedKeys.set(id, key);
  }
  return key;
}

/** Constant-time comparison of two hex signatures. */
export function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given.toLowerCase(), "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `yyyymmddThhmmssZ` → epoch ms (undefined when malformed). */
export function parseAmzDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(ms) ? undefined : ms;
}

function toAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/**
 * A header-signed request's time must be valid and within the clock-skew window (SigV4 and
 * SigV2 alike). Presigned URLs carry their own expiry instead.
 */
export function checkRequestTime(time: number | undefined, now: number): void {
  if (time === undefined || Number.isNaN(time)) {
    throw new S3Error(
      "AccessDenied",
      "AWS authentication requires a valid Date or x-amz-date header",
    );
  }
  if (Math.abs(now - time) > MAX_CLOCK_SKEW_MS) {
    throw new S3Error(
      "RequestTimeTooSkewed",
      "The difference between the request time and the current time is too large.",
    );
  }
}

interface Credential {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly scope: string;
}

function parseCredential(text: string, malformed: () => S3Error): Credential {
  const parts = text.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request" || !/^\d{8}$/.test(parts[1]!)) {
    throw malformed();
  }
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  if (accessKeyId === "" || region === "" || service === "") throw malformed();
  return { accessKeyId, date, region, service, scope: parts.slice(1).join("/") };
}

/** Header values by lower-case name, repeated headers joined with "," (SigV4 canonical form). */
function canonicalHeaderValue(view: RequestView, name: string): string | undefined {
  const values: string[] = [];
  for (let i = 0; i + 1 < view.rawHeaders.length; i += 2) {
    if (view.rawHeaders[i]!.toLowerCase() === name) {
      values.push(view.rawHeaders[i + 1]!.trim().replace(/\s+/g, " "));
    }
  }
  return values.length === 0 ? undefined : values.join(",");
}

function canonicalQuery(view: RequestView, omit?: string): string {
  return view.query
    .filter(([name]) => name !== omit)
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/**
 * The canonical URIs a client may have signed: S3's (each decoded segment URI-encoded once)
 * and, when different, the path exactly as sent.
 */
function canonicalUris(view: RequestView): string[] {
  const encoded = view.rawPath
    .split("/")
    .map((segment) => {
      try {
        return uriEncode(decodeURIComponent(segment));
      } catch {
        return segment;
      }
    })
    .join("/");
  return encoded === view.rawPath ? [encoded] : [encoded, view.rawPath];
}

interface SignatureInput {
  readonly view: RequestView;
  readonly credential: Credential;
  readonly amzDate: string;
  readonly signedHeaders: string[];
  readonly payloadHash: string;
  readonly signature: string;
  /** Query parameter left out of the canonical query (the presigned signature itself). */
  readonly omitQuery?: string;
}

/** Checks the signature; returns the signing key (for chunk signatures) or throws. */
function checkSignature(input: SignatureInput, secret: string): Buffer {
  const { view, credential, amzDate } = input;
  const headerLines: string[] = [];
  for (const name of input.signedHeaders) {
    const value = canonicalHeaderValue(view, name);
    if (value === undefined) throw signatureMismatch();
    headerLines.push(`${name}:${value}\n`);
  }
  const key = cachedSigningKey(secret, credential);
  const query = canonicalQuery(view, input.omitQuery);
  for (const uri of canonicalUris(view)) {
    const canonical = [
      view.method,
      uri,
      query,
      headerLines.join(""),
      input.signedHeaders.join(";"),
      input.payloadHash,
    ].join("\n");
    const toSign = [SIGV4_ALGORITHM, amzDate, credential.scope, sha256Hex(canonical)].join("\n");
    if (sameSignature(hmac(key, toSign).toString("hex"), input.signature)) return key;
  }
  throw signatureMismatch();
}

function parseSignedHeaders(text: string | undefined, malformed: () => S3Error): string[] {
  if (!text) throw malformed();
  const names = text.split(";");
  if (names.some((n) => n === "" || n !== n.toLowerCase())) throw malformed();
  if (!names.includes("host")) throw malformed();
  return names;
}

function payloadProtection(hash: string, signing: ChunkSigning): PayloadProtection {
  switch (hash) {
    case UNSIGNED_PAYLOAD:
      return { kind: "none" };
    case STREAMING_UNSIGNED_TRAILER:
      return { kind: "unsigned-trailer" };
    case STREAMING_SIGNED:
      return { kind: "signed-chunks", signing, trailer: false };
    case STREAMING_SIGNED_TRAILER:
      return { kind: "signed-chunks", signing, trailer: true };
    default:
      return { kind: "sha256", hex: hash };
  }
}

/** Verifies `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export function verifyHeaderSignature(
  view: RequestView,
  header: string,
  lookup: KeyLookup,
  now: number,
): Verified {
  const malformed = () =>
    new S3Error("AuthorizationHeaderMalformed", "The authorization header is malformed.");
  const fields = new Map<string, string>();
  for (const part of header.slice(SIGV4_ALGORITHM.length).split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) throw malformed();
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = parseCredential(fields.get("Credential") ?? "", malformed);
  const signedHeaders = parseSignedHeaders(fields.get("SignedHeaders"), malformed);
  const signature = fields.get("Signature");
  if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature)) throw malformed();

  const amzHeader = headerValue(view, "x-amz-date");
  const dateHeader = headerValue(view, "date");
  const time = amzHeader
    ? parseAmzDate(amzHeader)
    : dateHeader
      ? Date.parse(dateHeader)
      : undefined;
  checkRequestTime(time, now);
  const amzDate = amzHeader ?? toAmzDate(time!);
  if (amzDate.slice(0, 8) !== credential.date) throw malformed();

  let payloadHash = headerValue(view, "x-amz-content-sha256");
  if (payloadHash === undefined) {
    // Without the header only an empty body can be checked (its hash is known).
    if (hasBody(view)) {
      throw new S3Error(
        "InvalidRequest",
        "Missing required header for this request: x-amz-content-sha256",
      );
    }
    payloadHash = EMPTY_SHA256;
  } else if (
    !/^[0-9a-f]{64}$/.test(payloadHash) &&
    ![
      UNSIGNED_PAYLOAD,
      STREAMING_SIGNED,
      STREAMING_SIGNED_TRAILER,
      STREAMING_UNSIGNED_TRAILER,
    ].includes(payloadHash)
  ) {
    throw new S3Error(
      "InvalidArgument",
      "x-amz-content-sha256 must be a SHA-256 or a payload mode",
    );
  }

  const key = lookup(credential.accessKeyId);
  if (key === undefined) throw unknownAccessKey();
  const derived = checkSignature(
    { view, credential, amzDate, signedHeaders, payloadHash, signature },
    key.secretAccessKey,
  );
  const signing: ChunkSigning = {
    key: derived,
    amzDate,
    scope: credential.scope,
    seedSignature: signature.toLowerCase(),
  };
  return { key, payload: payloadProtection(payloadHash, signing) };
}

/** Verifies a presigned URL (`X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…`). */
export function verifyQuerySignature(view: RequestView, lookup: KeyLookup, now: number): Verified {
  const malformed = (what: string) =>
    new S3Error("AuthorizationQueryParametersError", `Query-string authentication: ${what}`);
  if (queryParam(view, "X-Amz-Algorithm") !== SIGV4_ALGORITHM) {
    throw malformed("X-Amz-Algorithm only supports AWS4-HMAC-SHA256");
  }
  const credential = parseCredential(queryParam(view, "X-Amz-Credential") ?? "", () =>
    malformed("X-Amz-Credential is malformed"),
  );
  const amzDate = queryParam(view, "X-Amz-Date") ?? "";
  const time = parseAmzDate(amzDate);
  if (time === undefined || amzDate.slice(0, 8) !== credential.date) {
    throw malformed("X-Amz-Date must be in the ISO8601 Long Format and match the credential");
  }
  const expiresText = queryParam(view, "X-Amz-Expires") ?? "";
  if (!/^\d{1,7}$/.test(expiresText)) throw malformed("X-Amz-Expires must be a number of seconds");
  const expires = Number(expiresText);
  if (expires > MAX_PRESIGN_SECONDS) {
    throw malformed("X-Amz-Expires must be less than a week (in seconds); that is, 604800");
  }
  const signedHeaders = parseSignedHeaders(queryParam(view, "X-Amz-SignedHeaders"), () =>
    malformed("X-Amz-SignedHeaders is malformed"),
  );
  const signature = queryParam(view, "X-Amz-Signature") ?? "";
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) throw malformed("X-Amz-Signature is malformed");

  const key = lookup(credential.accessKeyId);
  if (key === undefined) throw unknownAccessKey();
  checkSignature(
    {
      view,
      credential,
      amzDate,
      signedHeaders,
      payloadHash: queryParam(view, "X-Amz-Content-Sha256") ?? UNSIGNED_PAYLOAD,
      signature,
      omitQuery: "X-Amz-Signature",
    },
    key.secretAccessKey,
  );
  // Checked after the signature, so a forged URL cannot probe which of the two failed.
  if (now < time - MAX_CLOCK_SKEW_MS) throw new S3Error("AccessDenied", "Request is not valid yet");
  if (now > time + expires * 1000) throw new S3Error("AccessDenied", "Request has expired");
  return { key, payload: { kind: "none" } };
}

/** True when the request announces a body (a length above 0, or chunked transfer). */
export function hasBody(view: RequestView): boolean {
  const length = headerValue(view, "content-length");
  if (length !== undefined) return length.trim() !== "0";
  return headerValue(view, "transfer-encoding") !== undefined;
}
