/** The diff operations: committed refs (two-dot, three-dot) and a branch's uncommitted changes. */

import { badRequest } from "../core/errors.js";
import { type EngineContext, tokensOf } from "./context.js";
import { mergePreview, streamDiff, toDiffPage, treeDiff } from "./diff-streams.js";
import { mergeBaseOf } from "./merge.js";
import { resolveRef } from "./refs.js";
import { effectiveChanges, overlayEntries, stagedChanges, treeEntries } from "./staging.js";
import type { DiffBranchOptions, DiffEntry, DiffOptions, Page } from "./types.js";

/** Committed diff; `three_dot` (default) diffs the merge base against `right`, with conflicts. */
export function diffRefs(
  ctx: EngineContext,
  repo: string,
  left: string,
  right: string,
  options: DiffOptions = {},
): Page<DiffEntry> {
  const r = ctx.repo(repo);
  const tree = ctx.tree(r);
  const type = options.type ?? "three_dot";
  const leftCommit = ctx.commitOf(repo, left);
  if (type === "two_dot") {
    const rightRef = resolveRef(ctx.store, repo, right);
    const rightCommit = ctx.commit(repo, rightRef.commitId);
    if (rightRef.staging) {
      const tokens = tokensOf(ctx.branch(repo, rightRef.branch!));
      return toDiffPage(
        (from) =>
          streamDiff(
            treeEntries(tree, leftCommit.metarangeId, from),
            overlayEntries(
              tree.entries(rightCommit.metarangeId, from),
              stagedChanges(ctx.store, tokens, from),
            ),
          ),
        options,
      );
    }
    return toDiffPage(
      (from) => treeDiff(tree, leftCommit.metarangeId, rightCommit.metarangeId, from),
      options,
    );
  }
  if (type !== "three_dot") throw badRequest("argument type: invalid value: validation error");
  const rightCommit = ctx.commitOf(repo, right);
  const base = mergeBaseOf(ctx, repo, leftCommit.id, rightCommit.id);
  return toDiffPage(
    (from) =>
      mergePreview(tree, base.metarangeId, rightCommit.metarangeId, leftCommit.metarangeId, from),
    options,
  );
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
