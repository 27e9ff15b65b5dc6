/**
 * Objects on a ref: point reads and listings through staging (branch names) or committed trees,
 * and staging writes: stage, delete (tombstones only where needed), batch delete, metadata.
 */

import type { Entry } from "../core/entry.js";
import {
  badRequest,
  EngineError,
  notFound,
  PreconditionFailedError,
  STATUS_OF_KIND,
} from "../core/errors.js";
import type { EngineContext } from "./context.js";
import { pageByKey } from "./paging.js";
import { lookupStaged, overlayEntries, stagedChanges, treeEntries } from "./staging.js";
import type { BranchRow, RepositoryRow } from "./store.js";
import type {
  DeleteEntryResult,
  ForceOption,
  ListEntriesOptions,
  ListedEntry,
  Page,
  StageEntryOptions,
} from "./types.js";
import { validatePath } from "./validate.js";

const MAX_DELETE_PATHS = 1000;

/** The entry at `path`; a branch name reads through staging. 404 `not found`. */
export function getEntry(ctx: EngineContext, repo: string, ref: string, path: string): Entry {
  const r = ctx.repo(repo);
  validatePath(path);
  const view = ctx.view(r, ref);
  const value = view.tokens ? lookupStaged(ctx.store, view.tokens, path) : undefined;
  const entry = value === undefined ? ctx.tree(r).get(view.metarangeId, path) : value;
  if (!entry) throw notFound();
  return entry;
}

/** Objects and common prefixes in UTF-8 byte order. */
export function listEntries(
  ctx: EngineContext,
  repo: string,
  ref: string,
  options: ListEntriesOptions = {},
): Page<ListedEntry> {
  const r = ctx.repo(repo);
  const view = ctx.view(r, ref);
  const tree = ctx.tree(r);
  const store = ctx.store;
  const open = (from: string) =>
    view.tokens
      ? overlayEntries(
          tree.entries(view.metarangeId, from),
          stagedChanges(store, view.tokens, from),
        )
      : treeEntries(tree, view.metarangeId, from);
  const page = pageByKey(open, (e) => e.key, options);
  return {
    ...page,
    results: page.results.map(
      (g): ListedEntry =>
        "commonPrefix" in g
          ? { path: g.commonPrefix, commonPrefix: true }
          : { path: g.item.key, entry: g.item.value },
    ),
  };
}

/**
 * Everything `stageEntry` would refuse, checked without writing: repository, path, branch,
 * read-only and protection guards, and `ifNoneMatch` against the current value. Writers call it
 * before producing bytes so a refused write leaves nothing behind.
 */
export function checkStageable(
  ctx: EngineContext,
  repo: string,
  branch: string,
  path: string,
  options: StageEntryOptions = {},
): RepositoryRow {
  const r = ctx.repo(repo);
  validatePath(path);
  const b = ctx.branch(repo, branch);
  ctx.guardWrite(r, branch, options.force);
  if (options.ifNoneMatch && ctx.current(r, b, path) !== undefined) {
    throw new PreconditionFailedError();
  }
  return r;
}

/** Stages a value; `ifNoneMatch` throws `PreconditionFailedError` when the path has one. */
export function stageEntry(
  ctx: EngineContext,
  repo: string,
  branch: string,
  path: string,
  entry: Entry,
  options: StageEntryOptions = {},
): void {
  const r = checkStageable(ctx, repo, branch, path, options);
  const value = normaliseEntry(entry);
  ctx.store.transaction(() => {
    const b = ctx.branch(repo, branch);
    if (options.ifNoneMatch && ctx.current(r, b, path) !== undefined) {
      throw new PreconditionFailedError();
    }
    ctx.store.putStaged(b.stagingToken, path, value);
  });
}

/** Deletes a path (silently succeeds when it does not exist). */
export function deleteEntry(
  ctx: EngineContext,
  repo: string,
  branch: string,
  path: string,
  options: ForceOption = {},
): void {
  const r = ctx.repo(repo);
  validatePath(path);
  ctx.branch(repo, branch);
  ctx.guardWrite(r, branch, options.force);
  ctx.store.transaction(() => deleteOne(ctx, r, ctx.branch(repo, branch), path));
}

/** Batch delete (≤ 1000 paths); per-path failures are returned, not thrown. */
export function deleteEntries(
  ctx: EngineContext,
  repo: string,
  branch: string,
  paths: readonly string[],
  options: ForceOption = {},
): DeleteEntryResult[] {
  if (paths.length > MAX_DELETE_PATHS) {
    throw badRequest(`request size exceeded, max paths is set to ${MAX_DELETE_PATHS}`);
  }
  const r = ctx.repo(repo);
  ctx.branch(repo, branch);
  const errors: DeleteEntryResult[] = [];
  ctx.store.transaction(() => {
    const b = ctx.branch(repo, branch);
    for (const path of paths) {
      try {
        validatePath(path);
        ctx.guardWrite(r, branch, options.force);
        deleteOne(ctx, r, b, path);
      } catch (err) {
        if (!(err instanceof EngineError)) throw err;
        errors.push({ path, statusCode: STATUS_OF_KIND[err.kind], message: err.message });
      }
    }
  });
  return errors;
}

/** Replaces the user metadata of an existing object on a branch. */
export function updateUserMetadata(
  ctx: EngineContext,
  repo: string,
  branch: string,
  path: string,
  metadata: Readonly<Record<string, string>>,
): void {
  const r = ctx.repo(repo);
  validatePath(path);
  ctx.branch(repo, branch);
  ctx.guardWrite(r, branch, false);
  ctx.store.transaction(() => {
    const b = ctx.branch(repo, branch);
    const existing = ctx.current(r, b, path);
    if (!existing) throw notFound();
    ctx.store.putStaged(b.stagingToken, path, normaliseEntry({ ...existing, metadata }));
  });
}

/** Writes a tombstone only where one is needed to hide a value. */
function deleteOne(ctx: EngineContext, r: RepositoryRow, b: BranchRow, path: string): void {
  const needed =
    ctx.store.getStaged(b.stagingToken, path) !== undefined ||
    ctx.tree(r).get(ctx.commit(r.id, b.commitId).metarangeId, path) !== undefined ||
    Boolean(lookupStaged(ctx.store, b.sealedTokens, path));
  if (needed) ctx.store.putStaged(b.stagingToken, path, null);
}

/** Keeps exactly the entry fields (no stray properties end up in stored JSON). */
function normaliseEntry(e: Entry): Entry {
  return {
    address: e.address,
    addressType: e.addressType,
    size: e.size,
    etag: e.etag,
    mtime: e.mtime,
    metadata: { ...e.metadata },
    ...(e.contentType ? { contentType: e.contentType } : {}),
  };
}
