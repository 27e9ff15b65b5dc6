/**
 * Presigned URLs to this server's own data endpoint (`/_lakefs_presigned`), standing in for the
 * object-store URLs real lakeFS hands out. The signed target says exactly what may be done:
 * read one object's bytes, write one new address, or upload one part of a multipart upload.
 */
import type { FastifyRequest } from "fastify";
import { PRESIGN_EXPIRY_SECONDS, type Presigner } from "../auth/presign.js";
import { badRequest, EngineError } from "../core/errors.js";

/** Path of the data endpoint, outside `/api/v1` and outside Basic/JWT auth. */
export const PRESIGNED_PATH = "/_lakefs_presigned";

/** What a presigned URL grants. */
export type PresignTarget =
  /** Read the bytes at a `local://<absolute path>` address (whose ETag is `etag`). */
  | { readonly op: "get"; readonly address: string; readonly etag: string }
  /** Write the bytes of a new object at `address` inside `namespace`. */
  | { readonly op: "put"; readonly namespace: string; readonly address: string }
  /** Upload one part of a multipart upload. */
  | { readonly op: "part"; readonly uploadId: string; readonly partNumber: number };

const METHOD_OF: Record<PresignTarget["op"], "GET" | "PUT"> = {
  get: "GET",
  put: "PUT",
  part: "PUT",
};

export interface PresignedUrl {
  readonly url: string;
  /** Unix seconds. */
  readonly expiry: number;
}

/** The server's base URL as this client reached it (presigned URLs must be reachable by it). */
function dataEndpoint(request: FastifyRequest): string {
  // Without a Host header (HTTP/1.0), the address the client connected to.
  const { localAddress, localPort } = request.socket;
  const local = localAddress?.includes(":") ? `[${localAddress}]` : localAddress;
  const host = request.host || `${local}:${localPort}`;
  return `${request.protocol}://${host}${PRESIGNED_PATH}`;
}

/** Signs a URL for `target`, valid for lakeFS's default 15 minutes. */
export function presignUrl(
  presigner: Presigner,
  request: FastifyRequest,
  target: PresignTarget,
): PresignedUrl {
  const expiry = Math.floor(Date.now() / 1000) + PRESIGN_EXPIRY_SECONDS;
  const url = presigner.signUrl({
    baseUrl: dataEndpoint(request),
    method: METHOD_OF[target.op],
    target: JSON.stringify(target),
    expiresAt: expiry,
  });
  return { url, expiry };
}

/** Verifies a presigned request for `method` and returns its target (403 when invalid). */
export function verifiedTarget(
  presigner: Presigner,
  query: Readonly<Record<string, string | string[] | undefined>>,
  method: "GET" | "PUT",
): PresignTarget {
  const target = JSON.parse(presigner.verify(query, method)) as PresignTarget;
  if (METHOD_OF[target.op] !== method) {
    throw new EngineError("forbidden", "presigned URL does not allow this method");
  }
  return target;
}

/** The refusal lakeFS gives when presign is asked of a blockstore without it. */
export const presignUnsupported = () => badRequest("operation not supported");

/** lakeFS's answer to presigned multipart calls when the blockstore cannot do them. */
export const multipartUnsupported = () =>
  new EngineError("not_implemented", "presign multipart upload API is not supported");
