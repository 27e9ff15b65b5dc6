/** What every gateway operation gets, and the lookups they share (bucket, key, branch). */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { User } from "../auth/credentials.js";
import type { Entry } from "../core/entry.js";
import { EngineError } from "../core/errors.js";
import type { Repository } from "../engine/types.js";
import type { HttpServices } from "../http/context.js";
import { type GatewayOptions, type S3Target, splitKey } from "./addressing.js";
import { orNotFound, S3Error } from "./errors.js";
import type { RequestView } from "./request-view.js";

export interface OpContext {
  readonly services: HttpServices;
  readonly options: GatewayOptions;
  readonly view: RequestView;
  readonly target: S3Target;
  readonly user: User;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  /** The request body, decoded and verified as it is read (see `payload.ts`). */
  body(): AsyncIterable<Uint8Array>;
}

export const noSuchKey = () => new S3Error("NoSuchKey", "The specified key does not exist.");

/** The addressed repository and its namespace directory (NoSuchBucket when unknown). */
export async function bucketOf(
  ctx: OpContext,
  bucket = ctx.target.bucket,
): Promise<{ repository: Repository; nsDir: string }> {
  if (bucket === undefined)
    throw new S3Error("InvalidBucketName", "The specified bucket is not valid.");
  const repository = await orNotFound(
    () => ctx.services.engine.getRepository(bucket),
    "NoSuchBucket",
    "The specified bucket does not exist",
  );
  return { repository, nsDir: ctx.services.blocks.namespaceDir(repository.storageNamespace) };
}

/** The addressed object's ref and path; a key without a path has no object (NoSuchKey). */
export function objectKey(ctx: OpContext, key = ctx.target.key): { ref: string; path: string } {
  const parts = splitKey(key ?? "");
  if (parts.ref === "" || parts.path === "") throw noSuchKey();
  return parts;
}

/** The entry at ref/path, or NoSuchKey (also for an unknown ref). */
export async function entryOf(
  ctx: OpContext,
  repo: string,
  ref: string,
  path: string,
): Promise<Entry> {
  return orNotFound(
    () => ctx.services.engine.getEntry(repo, ref, path),
    "NoSuchKey",
    "The specified key does not exist.",
  );
}

/** Writes are accepted only on a branch (not a tag, commit or ref expression). */
export async function requireBranch(ctx: OpContext, repo: string, ref: string): Promise<void> {
  const resolved = await orNotFound(
    () => ctx.services.engine.resolveRef(repo, ref),
    "NoSuchKey",
    `branch '${ref}' not found`,
  );
  if (resolved.type !== "branch" || resolved.branch !== ref) {
    throw new S3Error(
      "InvalidArgument",
      `${ref} is not a branch: writes are only allowed to branches`,
    );
  }
}

/**
 * For a write that skipped the bucket and branch lookups (the hot path): when it failed with
 * "not found", throws what those lookups say (NoSuchBucket, not a branch, no such branch);
 * otherwise, or if they pass, rethrows `err`.
 */
export async function explainWriteFailure(
  ctx: OpContext,
  ref: string,
  err: unknown,
): Promise<never> {
  if (err instanceof EngineError && err.kind === "not_found") {
    const { repository } = await bucketOf(ctx);
    await requireBranch(ctx, repository.id, ref);
  }
  throw err;
}
