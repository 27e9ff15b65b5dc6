/** The diff operations: committed refs (two-dot, three-dot) and a branch's uncommitted changes. */

import { badRequest } from "../core/errors.js";
import { type EngineContext, tokensOf } from "./context.js";
import { type CommittedDiff, toDiffPage } from "./diff-streams.js";
import { mergeBaseOf } from "./merge.js";
import { resolveRef } from "./refs.js";
import { effectiveChanges, stagedChanges } from "./staging.js";
import type { DiffBranchOptions, DiffEntry, DiffOptions, Page } from "./types.js";

/**
 * Committed diff; `three_dot` (default) diffs the merge base against `right`, with conflicts.
 * Refs resolve here; the page is computed on the tree worker (a sparse diff of large trees reads
 * many ranges).
 */
export async function diffRefs(
  ctx: EngineContext,
  repo: string,
  left: string,
  right: string,
  options: DiffOptions = {},
): Promise<Page<DiffEntry>> {
  const r = ctx.repo(repo);
  const type = options.type ?? "three_dot";
  const leftCommit = ctx.commitOf(repo, left);
  let diff: CommittedDiff;
  if (type === "two_dot") {
    const rightRef = resolveRef(ctx.store, repo, right);
    diff = {
      type,
      left: leftCommit.metarangeId,
      right: ctx.commit(repo, rightRef.commitId).metarangeId,
      rightTokens: rightRef.staging ? tokensOf(ctx.branch(repo, rightRef.branch!)) : undefined,
    };
  } else if (type === "three_dot") {
    const rightCommit = ctx.commitOf(repo, right);
    const base = mergeBaseOf(ctx, repo, leftCommit.id, rightCommit.id);
    diff = {
      type,
      base: base.metarangeId,
      source: rightCommit.metarangeId,
      dest: leftCommit.metarangeId,
    };
  } else throw badRequest("argument type: invalid value: validation error");
  return ctx.treeJobs.run({ kind: "diff-page", treeDir: ctx.treeDir(r), diff, options });
}

/** Uncommitted changes of a branch against its head commit. */
export function diffBranch(
  ctx: EngineContext,
  repo: string,
  branch: string,
  options: DiffBranchOptions = {},
): Page<DiffEntry> {
  const r = ctx.repo(repo);
  const b = ctx.branch(repo, branch);
  const tree = ctx.tree(r);
  const metarangeId = ctx.commit(repo, b.commitId).metarangeId;
  const tokens = tokensOf(b);
  const store = ctx.store;
  return toDiffPage(function* (from) {
    for (const c of effectiveChanges(tree, metarangeId, stagedChanges(store, tokens, from))) {
      const type = c.left === undefined ? "added" : c.right === null ? "removed" : "changed";
      // A staged removal is a tombstone without a value: lakeFS reports its size as 0.
      const left = type === "removed" ? undefined : c.left;
      yield { key: c.key, type, left, right: c.right ?? undefined } as const;
    }
  }, options);
}
