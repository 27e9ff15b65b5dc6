/** Tags: immutable names for commits (never overwritten, not even with `force`). */

import { conflict, notFound } from "../core/errors.js";
import { type EngineContext, pageOf, writable } from "./context.js";
import type { CreateTagOptions, ForceOption, ListTagsOptions, Page, Tag } from "./types.js";
import { pageSize, validateRef, validateTagId } from "./validate.js";

/** 409 `tag already exists: not unique` (force does not overwrite). */
export function createTag(ctx: EngineContext, repo: string, options: CreateTagOptions): Tag {
  const r = ctx.repo(repo);
  validateTagId(options.id, "id");
  validateRef(options.ref);
  writable(r, options.force);
  return ctx.store.transaction(() => {
    if (ctx.store.getTag(repo, options.id)) throw conflict("tag already exists: not unique");
    if (ctx.store.getBranch(repo, options.id) || ctx.store.getCommit(repo, options.id)) {
      throw conflict();
    }
    const target = ctx.commitOf(repo, options.ref);
    ctx.store.insertTag(repo, options.id, target.id);
    return { id: options.id, commitId: target.id };
  });
}

/** 404 `tag not found`. */
export function getTag(ctx: EngineContext, repo: string, id: string): Tag {
  ctx.repo(repo);
  validateTagId(id);
  const commitId = ctx.store.getTag(repo, id);
  if (commitId === undefined) throw notFound("tag not found");
  return { id, commitId };
}

export function listTags(
  ctx: EngineContext,
  repo: string,
  options: ListTagsOptions = {},
): Page<Tag> {
  ctx.repo(repo);
  const limit = pageSize(options.amount);
  const rows = ctx.store.listTags(repo, {
    prefix: options.prefix ?? "",
    after: options.after ?? "",
    limit: limit + 1,
  });
  return pageOf(rows, limit, (t) => t.id);
}

export function deleteTag(
  ctx: EngineContext,
  repo: string,
  id: string,
  options: ForceOption = {},
): void {
  const r = ctx.repo(repo);
  getTag(ctx, repo, id);
  writable(r, options.force);
  ctx.store.deleteTag(repo, id);
}
