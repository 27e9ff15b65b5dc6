/**
 * Which S3 authentication a request carries, and its verification: SigV4 header or presigned
 * query, SigV2 header or presigned query. Nothing is served without one of them.
 */
import type { AuthService } from "../auth/credentials.js";
import { S3Error } from "./errors.js";
import { hasQueryParam, headerValue, type RequestView } from "./request-view.js";
import { verifyV2Header, verifyV2Query } from "./sigv2.js";
import {
  SIGV4_ALGORITHM,
  type Verified,
  verifyHeaderSignature,
  verifyQuerySignature,
} from "./sigv4.js";

/** True when the request carries any form of S3 authentication. */
export function carriesS3Auth(authorization: string | undefined, rawQuery: string): boolean {
  if (authorization?.startsWith(SIGV4_ALGORITHM) || authorization?.startsWith("AWS ")) return true;
  return /(^|&)(X-Amz-Algorithm|X-Amz-Credential|AWSAccessKeyId)=/.test(rawQuery);
}

/**
 * Verifies the request's signature with the server's access keys. `bucketPrefix` is
 * `/<bucket>` for virtual-host requests (SigV2 signs the bucket as part of the resource).
 */
export function authenticateS3(
  view: RequestView,
  auth: AuthService,
  bucketPrefix: string,
  now = Date.now(),
): Verified {
  const lookup = (accessKeyId: string) => auth.signingKey(accessKeyId);
  const header = headerValue(view, "authorization");
  if (header !== undefined) {
    if (header.startsWith(`${SIGV4_ALGORITHM} `))
      return verifyHeaderSignature(view, header, lookup, now);
    if (header.startsWith("AWS ")) return verifyV2Header(view, header, bucketPrefix, lookup, now);
    throw new S3Error("InvalidArgument", "Unsupported Authorization Type");
  }
  if (hasQueryParam(view, "X-Amz-Algorithm") || hasQueryParam(view, "X-Amz-Credential")) {
    return verifyQuerySignature(view, lookup, now);
  }
  if (hasQueryParam(view, "AWSAccessKeyId")) return verifyV2Query(view, bucketPrefix, lookup, now);
  throw new S3Error("AccessDenied", "Access Denied");
}
