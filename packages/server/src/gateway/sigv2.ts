/**
 * AWS Signature Version 2 (legacy clients): `Authorization: AWS <key>:<signature>` and the
 * presigned form `?AWSAccessKeyId=…&Expires=…&Signature=…`. The signature is a base64
 * HMAC-SHA1 over the method, Content-MD5, Content-Type, date (or expiry), the `x-amz-*` headers
 * and the resource (bucket, path and sub-resources).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { S3Error } from "./errors.js";
import { headerValue, queryParam, type RequestView } from "./request-view.js";
import {
  checkRequestTime,
  type KeyLookup,
  signatureMismatch,
  unknownAccessKey,
  type Verified,
} from "./sigv4.js";

/** Query parameters that are part of the signed resource. */
const SUB_RESOURCES = new Set([
  "acl",
  "cors",
  "delete",
  "lifecycle",
  "location",
  "logging",
  "notification",
  "partNumber",
  "policy",
  "requestPayment",
  "response-cache-control",
  "response-content-disposition",
  "response-content-encoding",
  "response-content-language",
  "response-content-type",
  "response-expires",
  "restore",
  "tagging",
  "torrent",
  "uploadId",
  "uploads",
  "versionId",
  "versioning",
  "versions",
  "website",
]);

function amzHeaders(view: RequestView): string {
  const byName = new Map<string, string[]>();
  for (let i = 0; i + 1 < view.rawHeaders.length; i += 2) {
    const name = view.rawHeaders[i]!.toLowerCase();
    if (!name.startsWith("x-amz-")) continue;
    const value = view.rawHeaders[i + 1]!.trim().replace(/\s+/g, " ");
    byName.set(name, [...(byName.get(name) ?? []), value]);
  }
  return [...byName.keys()]
    .sort()
    .map((name) => `${name}:${byName.get(name)!.join(",")}\n`)
    .join("");
}

function subResources(view: RequestView): string {
  const pairs = view.query
    .filter(([name]) => SUB_RESOURCES.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => (value === "" ? name : `${name}=${value}`));
  return pairs.length === 0 ? "" : `?${pairs.join("&")}`;
}

function signV2(secret: string, text: string): Buffer {
  return createHmac("sha1", secret).update(text, "utf8").digest();
}

function check(
  view: RequestView,
  bucketPrefix: string,
  date: string,
  secret: string,
  given: string,
) {
  const base = [
    view.method,
    headerValue(view, "content-md5") ?? "",
    headerValue(view, "content-type") ?? "",
    date,
  ].join("\n");
  const resources = subResources(view);
  const paths = new Set([view.rawPath]);
  try {
    paths.add(decodeURIComponent(view.rawPath));
  } catch {
    // only the raw form can have been signed
  }
  const signature = Buffer.from(given, "base64");
  for (const path of paths) {
    const text = `${base}\n${amzHeaders(view)}${bucketPrefix}${path}${resources}`;
    const expected = signV2(secret, text);
    if (expected.length === signature.length && timingSafeEqual(expected, signature)) return;
  }
  throw signatureMismatch();
}

/**
 * Verifies a V2 `Authorization: AWS key:signature` header. `bucketPrefix` is `/<bucket>` for
 * virtual-host requests (the bucket is part of the signed resource) and "" otherwise.
 */
export function verifyV2Header(
  view: RequestView,
  header: string,
  bucketPrefix: string,
  lookup: KeyLookup,
  now: number,
): Verified {
  const value = header.slice("AWS ".length).trim();
  const colon = value.lastIndexOf(":");
  if (colon <= 0)
    throw new S3Error(
      "InvalidArgument",
      "AWS authorization header is invalid. Expected AwsAccessKeyId:signature",
    );
  const accessKeyId = value.slice(0, colon);
  const given = value.slice(colon + 1);
  const amzDate = headerValue(view, "x-amz-date");
  const date = amzDate ?? headerValue(view, "date");
  checkRequestTime(date === undefined ? undefined : Date.parse(date), now);
  const key = lookup(accessKeyId);
  if (key === undefined) throw unknownAccessKey();
  // With x-amz-date the Date line is empty: the header is signed among the x-amz-* ones.
  check(view, bucketPrefix, amzDate === undefined ? (date ?? "") : "", key.secretAccessKey, given);
  return { key, payload: { kind: "none" } };
}

/** Verifies a V2 presigned URL. */
export function verifyV2Query(
  view: RequestView,
  bucketPrefix: string,
  lookup: KeyLookup,
  now: number,
): Verified {
  const accessKeyId = queryParam(view, "AWSAccessKeyId") ?? "";
  const expires = queryParam(view, "Expires") ?? "";
  const given = queryParam(view, "Signature") ?? "";
  if (!/^\d{1,12}$/.test(expires) || given === "") {
    throw new S3Error(
      "AccessDenied",
      "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters",
    );
  }
  const key = lookup(accessKeyId);
  if (key === undefined) throw unknownAccessKey();
  check(view, bucketPrefix, expires, key.secretAccessKey, given);
  if (now > Number(expires) * 1000) throw new S3Error("AccessDenied", "Request has expired");
  return { key, payload: { kind: "none" } };
}
