/**
 * Repositories: creation (initial commit, default branch, namespace claim), listing, deletion
 * (metadata only), user metadata and the read-only flag.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { mkdirDurableSync, writeFileDurableSync } from "../core/durable.js";
import { badRequest, conflict } from "../core/errors.js";
import { makeCommit } from "./commit-id.js";
import { type EngineContext, newToken, pageOf, writable } from "./context.js";
import type { RepositoryRow } from "./store.js";
import type {
  CreateRepositoryOptions,
  ForceOption,
  ListRepositoriesOptions,
  Page,
  Repository,
} from "./types.js";
import { pageSize, validateBranchId, validateRepositoryId } from "./validate.js";

const DUMMY_CONTENT = "this is dummy data - created by lakeFS to check accessibility";

/**
 * Creates a repository with its initial commit ("Repository created") and default branch,
 * writing `_lakefs/dummy` into the namespace. 409 `error creating repository: not unique`;
 * 400 `storage namespace already in use`.
 */
export function createRepository(ctx: EngineContext, options: CreateRepositoryOptions): Repository {
  validateRepositoryId(options.id, "name");
  const defaultBranch = options.defaultBranch || "main";
  validateBranchId(defaultBranch, "default_branch");
  if (!options.storageNamespace) {
    throw badRequest("argument storage_namespace: required value: validation error");
  }
  if (ctx.store.getRepository(options.id)) {
    throw conflict("error creating repository: not unique");
  }
  const dir = ctx.deps.namespaceDir(options.storageNamespace);
  if (!options.bare && !options.readOnly) claimNamespace(dir);
  const row: RepositoryRow = {
    id: options.id,
    storageNamespace: options.storageNamespace,
    defaultBranch,
    creationDate: ctx.now(),
    readOnly: options.readOnly ?? false,
  };
  ctx.store.transaction(() => {
    if (!options.bare) {
      const initial = makeCommit(
        {
          committer: "",
          message: "Repository created",
          metarangeId: "",
          creationDate: row.creationDate,
          metadata: {},
          parents: [],
        },
        [],
      );
      ctx.store.insertCommit(row.id, initial);
      ctx.store.insertBranch(row.id, {
        id: defaultBranch,
        commitId: initial.id,
        stagingToken: newToken(row.id, defaultBranch),
        sealedTokens: [],
        hidden: false,
      });
    }
    ctx.store.insertRepository(row);
  });
  return row;
}

export function listRepositories(
  ctx: EngineContext,
  options: ListRepositoriesOptions = {},
): Page<Repository> {
  const limit = pageSize(options.amount);
  const range = { prefix: options.prefix ?? "", after: options.after ?? "", limit: limit + 1 };
  const rows = options.search
    ? ctx.store
        .listRepositories({ ...range, limit: Number.MAX_SAFE_INTEGER })
        .filter((r) => r.id.includes(options.search!))
        .slice(0, limit + 1)
    : ctx.store.listRepositories(range);
  return pageOf(rows, limit, (r) => r.id);
}

/** Deletes the metadata only; object data and trees stay in the namespace. */
export function deleteRepository(ctx: EngineContext, id: string, options: ForceOption = {}): void {
  const r = ctx.repo(id);
  writable(r, options.force);
  ctx.imports.cancelRepository(id);
  ctx.store.transaction(() => ctx.store.deleteRepository(id));
}

/** Adds or overwrites the given keys. */
export function setRepositoryMetadata(
  ctx: EngineContext,
  id: string,
  set: Readonly<Record<string, string>>,
): void {
  ctx.repo(id);
  ctx.store.transaction(() => {
    for (const [k, v] of Object.entries(set)) {
      if (!k) throw badRequest("argument metadata: required value: validation error");
      ctx.store.setRepoMetadata(id, k, String(v));
    }
  });
}

export function deleteRepositoryMetadata(
  ctx: EngineContext,
  id: string,
  keys: readonly string[],
): void {
  ctx.repo(id);
  ctx.store.transaction(() => {
    for (const k of keys) ctx.store.deleteRepoMetadata(id, k);
  });
}

/** Rejects a namespace already used by a repository, then marks it with `_lakefs/dummy`. */
function claimNamespace(dir: string): void {
  if (existsSync(join(dir, "dummy")) || existsSync(join(dir, "_lakefs", "dummy"))) {
    throw badRequest("storage namespace already in use");
  }
  try {
    mkdirDurableSync(join(dir, "_lakefs"));
    writeFileDurableSync(join(dir, "_lakefs", "dummy"), DUMMY_CONTENT);
  } catch (err) {
    throw badRequest(`failed to create repository: ${(err as Error).message}`);
  }
}
