/**
 * S3 errors: a code clients match on, its HTTP status, and a message. Engine errors are
 * translated by kind; the XML body is written by `xml.ts`.
 */
import { EngineError, type EngineErrorKind } from "../core/errors.js";

/** The S3 error codes the gateway answers with, and their statuses. */
export const S3_STATUS = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidURI: 400,
  MalformedXML: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NotImplemented: 501,
  OperationAborted: 409,
  PreconditionFailed: 412,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  SlowDown: 503,
  XAmzContentSHA256Mismatch: 400,
} as const;

export type S3ErrorCode = keyof typeof S3_STATUS;

export class S3Error extends Error {
  readonly status: number;
  constructor(
    readonly code: S3ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "S3Error";
    this.status = S3_STATUS[code];
  }
}

const CODE_OF_KIND: Record<EngineErrorKind, S3ErrorCode> = {
  bad_request: "InvalidArgument",
  unauthorized: "AccessDenied",
  forbidden: "AccessDenied",
  not_found: "NoSuchKey",
  conflict: "OperationAborted",
  gone: "NoSuchKey",
  precondition_failed: "PreconditionFailed",
  range_not_satisfiable: "InvalidRange",
  too_many_attempts: "SlowDown",
  not_implemented: "NotImplemented",
};

/** The S3 error for any failure; `undefined` for unexpected ones (an internal error). */
export function toS3Error(err: unknown): S3Error | undefined {
  if (err instanceof S3Error) return err;
  if (err instanceof EngineError) return new S3Error(CODE_OF_KIND[err.kind], err.message);
  return undefined;
}

/** Runs `fn`, turning an engine "not found" into the given S3 error (e.g. NoSuchBucket). */
export async function orNotFound<T>(fn: () => T | Promise<T>, code: S3ErrorCode, message: string) {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EngineError && err.kind === "not_found") throw new S3Error(code, message);
    throw err;
  }
}
