/**
 * Raw commit records (lakeFS's internal `CreateCommitRecord`, used by refs-restore tooling): a
 * commit stored as given, without moving any branch or writing any tree. As in lakeFS the id
 * must be the content address of the record (ours: `commitId`), and an existing commit is not
 * overwritten. Unlike lakeFS, the metarange must already exist in the namespace, so no commit
 * can point at a tree that reads fail on.
 */
import { badRequest, conflict, notFound } from "../core/errors.js";
import { commitId } from "./commit-id.js";
import { type EngineContext, writable } from "./context.js";
import type { Commit, ForceOption } from "./types.js";

export function createCommitRecord(
  ctx: EngineContext,
  repo: string,
  record: Commit,
  options: ForceOption = {},
): void {
  const r = ctx.repo(repo);
  writable(r, options.force);
  if (commitId(record) !== record.id) {
    throw badRequest("commit id: invalid value: validation error");
  }
  if (record.metarangeId !== "" && !ctx.tree(r).rawFile("metarange", record.metarangeId)) {
    throw notFound("metarange not found");
  }
  ctx.store.transaction(() => {
    if (ctx.store.getCommit(repo, record.id)) throw conflict();
    ctx.store.insertCommit(repo, record);
  });
}
