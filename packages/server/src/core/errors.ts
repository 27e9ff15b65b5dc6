/**
 * Engine errors carry lakeFS's meaning (a kind) and lakeFS's exact message; the HTTP layer maps
 * the kind to a status code. Messages are what lakeFS clients match on, so keep them verbatim.
 */
export type EngineErrorKind =
  | "bad_request" // 400
  | "unauthorized" // 401
  | "forbidden" // 403
  | "not_found" // 404
  | "conflict" // 409
  | "gone" // 410
  | "precondition_failed" // 412
  | "range_not_satisfiable" // 416
  | "too_many_attempts" // 429
  | "not_implemented"; // 501

export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

export const badRequest = (message: string) => new EngineError("bad_request", message);
export const notFound = (message = "not found") => new EngineError("not_found", message);
export const conflict = (message = "conflict found") => new EngineError("conflict", message);
export const forbidden = (message: string) => new EngineError("forbidden", message);
export const notImplemented = (message: string) => new EngineError("not_implemented", message);

/**
 * Runs `fn`, answering any 404 it raises with `message(original)` instead: lakeFS words a missing
 * ref by what it was looked up for (`commit not found`, `ref: not found`, `stop_at: not found`).
 */
export function renameNotFound<T>(fn: () => T, message: (original: string) => string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof EngineError && err.kind === "not_found")
      throw notFound(message(err.message));
    throw err;
  }
}

/**
 * A merge, revert or cherry-pick conflict (409). lakeFS answers a merge conflict with the body
 * `{"reference": ""}` instead of the usual error shape, so the HTTP layer needs to tell it apart.
 */
export class MergeConflictError extends EngineError {
  constructor(
    /** The first conflicting path found. */
    readonly path: string,
  ) {
    super("conflict", "conflict found");
    this.name = "MergeConflictError";
  }
}

/**
 * `If-None-Match: *` found a current value (412). The message is the link endpoint's
 * (`Precondition failed`); the upload endpoint answers `path already exists` instead.
 */
export class PreconditionFailedError extends EngineError {
  constructor() {
    super("precondition_failed", "Precondition failed");
    this.name = "PreconditionFailedError";
  }
}

/** HTTP status for each error kind: the HTTP error handler and per-path batch-delete results. */
export const STATUS_OF_KIND: Readonly<Record<EngineErrorKind, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition_failed: 412,
  range_not_satisfiable: 416,
  too_many_attempts: 429,
  not_implemented: 501,
};
