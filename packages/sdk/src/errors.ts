/**
 * The lakefs-ts error hierarchy. Every error the SDK raises on purpose is a `LakeFSError`; errors
 * the server answered with are `ServerError`s (one subclass per meaning, chosen by status).
 * A call cancelled through its `AbortSignal` rejects with the signal's reason, as fetch does.
 */

import type { ObjectDeleteError } from "./models.js";

/** Base class of every error raised by lakefs-ts. */
export class LakeFSError extends Error {
  override name = "LakeFSError";
}

/** What the server said, and to which request. */
export interface ServerErrorInit {
  readonly status: number;
  /** lakeFS's `message`, or the HTTP status text when the body carried none. */
  readonly message: string;
  /** The decoded body: JSON when it parsed, the raw text otherwise, undefined when empty. */
  readonly body?: unknown;
  readonly headers?: Headers;
  /** `METHOD /path` of the failed request, relative to the API base. */
  readonly operation?: string;
}

/** The server answered with an error status. Subclasses name the meaning. */
export class ServerError extends LakeFSError {
  override name = "ServerError";
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
  readonly operation: string | undefined;
  /** The server's `X-Request-Id`, when it sent one. */
  readonly requestId: string | undefined;

  constructor(init: ServerErrorInit, options?: ErrorOptions) {
    super(init.message, options);
    this.status = init.status;
    this.body = init.body;
    this.headers = init.headers ?? new Headers();
    this.operation = init.operation;
    this.requestId = this.headers.get("x-request-id") ?? undefined;
  }
}

/** 400: the request was malformed or not allowed in the current state (e.g. `no changes`). */
export class BadRequestError extends ServerError {
  override name = "BadRequestError";
}

/** 401: missing or rejected credentials. */
export class NotAuthorizedError extends ServerError {
  override name = "NotAuthorizedError";
}

/** 403: authenticated, but not allowed. */
export class PermissionError extends NotAuthorizedError {
  override name = "PermissionError";
}

/** 404: the repository, reference or other resource does not exist. */
export class NotFoundError extends ServerError {
  override name = "NotFoundError";
}

/** 404 on an object path. */
export class ObjectNotFoundError extends NotFoundError {
  override name = "ObjectNotFoundError";
}

/** 409: already exists, or a merge conflict. */
export class ConflictError extends ServerError {
  override name = "ConflictError";
}

/** 410: expired (e.g. a presigned URL or an upload that was already completed). */
export class GoneError extends ServerError {
  override name = "GoneError";
}

/** 412: a precondition such as `If-None-Match: *` failed. */
export class PreconditionFailedError extends ServerError {
  override name = "PreconditionFailedError";
}

/**
 * 412 because a `pre-` action hook failed and lakeFS aborted the operation (commit, merge,
 * branch or tag creation and deletion, revert, cherry-pick). `runId` names the run to inspect
 * with `repo.actions.run(runId)`.
 */
export class HookAbortedError extends PreconditionFailedError {
  override name = "HookAbortedError";
  /** The event whose hooks failed, e.g. `pre-commit`. */
  readonly eventType: string;
  readonly runId: string;

  constructor(init: ServerErrorInit, match: { eventType: string; runId: string }) {
    super(init);
    this.eventType = match.eventType;
    this.runId = match.runId;
  }
}

const HOOK_ABORTED = /^([a-z-]+) hook aborted, run id '([^']+)'/;

/** 412 on an object write that must not overwrite (`If-None-Match: *`). */
export class ObjectExistsError extends PreconditionFailedError {
  override name = "ObjectExistsError";
}

/** 416: the requested byte range lies outside the object. */
export class RangeNotSatisfiableError extends ServerError {
  override name = "RangeNotSatisfiableError";
  /** The object's size, from `Content-Range: bytes *\/<size>`, when the server sent it. */
  readonly size: number | undefined;

  constructor(init: ServerErrorInit, options?: ErrorOptions) {
    super(init, options);
    const match = /^bytes \*\/(\d+)$/.exec(this.headers.get("content-range") ?? "");
    this.size = match ? Number(match[1]) : undefined;
  }
}

/** 405 / 501: the server does not support this operation (e.g. presign on local storage). */
export class UnsupportedOperationError extends ServerError {
  override name = "UnsupportedOperationError";
}

/** 429: too many requests or too many attempts on a contended branch. */
export class TooManyRequestsError extends ServerError {
  override name = "TooManyRequestsError";
}

/** Some paths of a batch delete failed (the others were deleted). */
export class DeleteObjectsError extends LakeFSError {
  override name = "DeleteObjectsError";
  readonly errors: readonly ObjectDeleteError[];

  constructor(errors: readonly ObjectDeleteError[]) {
    const first = errors[0];
    super(
      `${errors.length} path(s) could not be deleted` +
        (first ? `, first: ${first.path}: ${first.message} (${first.statusCode})` : ""),
    );
    this.errors = errors;
  }
}

/** The request never got an HTTP answer (connection refused, reset, DNS, TLS…). */
export class NetworkError extends LakeFSError {
  override name = "NetworkError";
}

/** The call's `timeout` elapsed before it completed. */
export class RequestTimeoutError extends LakeFSError {
  override name = "RequestTimeoutError";
}

/**
 * An object was replaced while being read in several requests (its ETag or size changed), so the
 * bytes read so far may mix two versions. Retry the whole read.
 */
export class ObjectChangedError extends LakeFSError {
  override name = "ObjectChangedError";
  readonly path: string;
  readonly expected: string;
  readonly actual: string;

  constructor(path: string, expected: string, actual: string) {
    super(`object ${JSON.stringify(path)} changed while being read (${expected} became ${actual})`);
    this.path = path;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * A transaction could not land, or its cleanup failed. Nothing was merged, except when the
 * message says the transaction landed and only the requested tag could not be created.
 */
export class TransactionError extends LakeFSError {
  override name = "TransactionError";
  /** The ephemeral branch the transaction worked on (kept when `deleteBranchOnError` is false). */
  readonly transactionBranch: string;

  constructor(message: string, transactionBranch: string, options?: ErrorOptions) {
    super(message, options);
    this.transactionBranch = transactionBranch;
  }
}

/** Import manager misuse, or an import the server reported as failed. */
export class ImportManagerError extends LakeFSError {
  override name = "ImportManagerError";
}

/** No usable endpoint or credentials, or an invalid configuration value. */
export class ConfigurationError extends LakeFSError {
  override name = "ConfigurationError";
}

/** An argument failed client-side validation; nothing was sent. */
export class InvalidArgumentError extends LakeFSError {
  override name = "InvalidArgumentError";
}

/** True for any error raised by lakefs-ts. */
export function isLakeFSError(error: unknown): error is LakeFSError {
  return error instanceof LakeFSError;
}

/** True for an error the server answered with this status. */
export function hasStatus(error: unknown, status: number): error is ServerError {
  return error instanceof ServerError && error.status === status;
}

/** Picks the error class for a failed response; requests on an object path use the object variants. */
export function errorForStatus(
  init: ServerErrorInit,
  context: { object?: boolean } = {},
): ServerError {
  switch (init.status) {
    case 400:
      return new BadRequestError(init);
    case 401:
      return new NotAuthorizedError(init);
    case 403:
      return new PermissionError(init);
    case 404:
      return context.object ? new ObjectNotFoundError(init) : new NotFoundError(init);
    case 405:
    case 501:
      return new UnsupportedOperationError(init);
    case 409:
      return new ConflictError(init);
    case 410:
      return new GoneError(init);
    case 412: {
      if (context.object) return new ObjectExistsError(init);
      const hook = HOOK_ABORTED.exec(init.message);
      return hook
        ? new HookAbortedError(init, { eventType: hook[1]!, runId: hook[2]! })
        : new PreconditionFailedError(init);
    }
    case 416:
      return new RangeNotSatisfiableError(init);
    case 429:
      return new TooManyRequestsError(init);
    default:
      return new ServerError(init);
  }
}
