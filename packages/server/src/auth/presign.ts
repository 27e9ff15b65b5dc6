/**
 * Presigned URLs for object bytes served by this server (GET/PUT of objects and multipart
 * parts): the URL carries a target, an expiry and an HMAC-SHA256 over method, expiry and target,
 * keyed by a key derived from the server secret. Targets are opaque to this module.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { EngineError } from "../core/errors.js";
import { deriveKey } from "./secret.js";

/** Default lifetime of a presigned URL (what lakeFS uses for S3): 15 minutes. */
export const PRESIGN_EXPIRY_SECONDS = 15 * 60;

export interface SignRequest {
  /** Absolute URL of the route that serves presigned requests; other query params are kept. */
  readonly baseUrl: string;
  readonly method: string;
  /** What the URL grants access to (e.g. a namespace-relative object path). */
  readonly target: string;
  /** Unix seconds. */
  readonly expiresAt: number;
}

/** Query parameters a presigned URL carries. */
export type PresignedParams = Readonly<Record<string, string | string[] | undefined>>;

export class Presigner {
  private readonly key: Buffer;

  constructor(secret: Uint8Array) {
    this.key = deriveKey(secret, "presign");
  }

  /** The presigned URL for `method` on `target`, valid until `expiresAt`. */
  signUrl(request: SignRequest): string {
    if (!Number.isSafeInteger(request.expiresAt)) throw new TypeError("expiresAt: unix seconds");
    const url = new URL(request.baseUrl);
    url.searchParams.set("target", request.target);
    url.searchParams.set("expires", String(request.expiresAt));
    url.searchParams.set(
      "signature",
      this.signature(request.method, request.target, request.expiresAt),
    );
    return url.toString();
  }

  /**
   * Checks a presigned request (its URL or parsed query) for `method` and returns the target it
   * grants. 403 when parameters are missing, the signature does not match, or it has expired.
   */
  verify(
    request: string | URL | URLSearchParams | PresignedParams,
    method: string,
    now = Date.now(),
  ): string {
    const params = toParams(request);
    const target = params.get("target");
    const expires = params.get("expires");
    const signature = params.get("signature");
    if (target === null || expires === null || signature === null || !/^\d{1,15}$/.test(expires)) {
      throw new EngineError("forbidden", "invalid presigned URL");
    }
    const expected = Buffer.from(this.signature(method, target, Number(expires)), "base64url");
    const given = Buffer.from(signature, "base64url");
    // The length of an HMAC is public; only the bytes need a constant-time compare. Decoding
    // ignores stray characters and unused low bits, so only the canonical spelling is accepted.
    if (
      given.length !== expected.length ||
      given.toString("base64url") !== signature ||
      !timingSafeEqual(given, expected)
    ) {
      throw new EngineError("forbidden", "presigned URL signature does not match");
    }
    if (Number(expires) * 1000 <= now) throw new EngineError("forbidden", "presigned URL expired");
    return target;
  }

  private signature(method: string, target: string, expiresAt: number): string {
    return createHmac("sha256", this.key)
      .update(`${method.toUpperCase()}\n${expiresAt}\n${target}`, "utf8")
      .digest("base64url");
  }
}

function toParams(request: string | URL | URLSearchParams | PresignedParams): URLSearchParams {
  if (typeof request === "string") return new URL(request).searchParams;
  if (request instanceof URL) return request.searchParams;
  if (request instanceof URLSearchParams) return request;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(request)) {
    // A repeated parameter is ambiguous; refuse it rather than pick one.
    if (typeof value === "string") params.set(name, value);
  }
  return params;
}
