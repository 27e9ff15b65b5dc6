/**
 * Where every gateway write lands: object bytes into the repository's namespace, then the entry
 * staged on the branch — the same steps (and so the same objects, ETags and metadata) as the
 * REST upload. Kept to these two functions so moving to a shared object-write service is local.
 */
import type { StoredObject } from "../block/local.js";
import type { Entry } from "../core/entry.js";
import { EngineError, PreconditionFailedError } from "../core/errors.js";
import type { HttpServices } from "../http/context.js";
import { storedEntry } from "../service/object-writes.js";
import { S3Error } from "./errors.js";

export interface StageRequest {
  readonly repository: string;
  readonly branch: string;
  readonly path: string;
  /** `If-None-Match: *`: refuse when the path already has a value. */
  readonly ifNoneMatch?: boolean | undefined;
}

const preconditionFailed = () =>
  new S3Error(
    "PreconditionFailed",
    "At least one of the pre-conditions you specified did not hold",
  );

/** True when the path has a current value on the branch. */
export async function pathExists(s: HttpServices, repository: string, ref: string, path: string) {
  try {
    await s.engine.getEntry(repository, ref, path);
    return true;
  } catch (err) {
    if (err instanceof EngineError && err.kind === "not_found") return false;
    throw err;
  }
}

/** Stages an entry whose bytes are already stored (PutObject, CopyObject, multipart completion). */
export async function stageObject(
  s: HttpServices,
  request: StageRequest,
  entry: Entry,
): Promise<Entry> {
  try {
    await s.engine.stageEntry(request.repository, request.branch, request.path, entry, {
      ifNoneMatch: request.ifNoneMatch,
    });
  } catch (err) {
    if (err instanceof PreconditionFailedError) throw preconditionFailed();
    throw err;
  }
  return entry;
}

/** Streams new object bytes into the namespace and stages them. */
export async function writeObject(
  s: HttpServices,
  request: StageRequest & {
    readonly nsDir: string;
    readonly source: AsyncIterable<Uint8Array>;
    readonly metadata: Record<string, string>;
    readonly contentType: string;
    readonly signal?: AbortSignal | undefined;
  },
): Promise<Entry> {
  // Checked before taking the body so a refused write costs no transfer.
  if (
    request.ifNoneMatch &&
    (await pathExists(s, request.repository, request.branch, request.path))
  ) {
    throw preconditionFailed();
  }
  const stored: StoredObject = await s.blocks.put(request.nsDir, request.source, {
    signal: request.signal,
  });
  return stageObject(s, request, storedEntry(stored, request.metadata, request.contentType));
}
